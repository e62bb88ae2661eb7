"""A person's role: free text in the RIS, mapped on intake onto a closed vocabulary.

A role is whatever the RIS holds — "PhD candidate", but as easily "Iranian PhD student" or
"Chinese national (PhD)". ``Person`` keeps in ``role`` only a known role (``PERSON_ROLES``, in
the form a rule compares it) or ``UNKNOWN_ROLE``; the text as given goes to ``role_given``,
which no rule reads (it is not in the field catalogue) and which only the project's lead keeps
when the record is stored, to name whose project it is (``kvrules.store.subjects``).
"""

from __future__ import annotations

# A person's role is free text in the RIS ("Iranian PhD student" as easily as "PhD student"), so
# a rule may compare it only with these known roles (==, !=, in, not in; never `matches`): any
# other text is then indistinguishable from any other, and a nationality cannot be picked out.
# Pure's participant roles (the classification's URI tails and English terms), the usual Dutch
# ones, and the roles of visitors; docs/rulebook-language.md, "A person's free text".
PERSON_ROLES = frozenset(
    {
        "pi", "coi", "principal investigator", "co-investigator", "co-principal investigator",
        "project leader", "project manager", "project member", "participant", "researcher",
        "applicant", "co-applicant", "supervisor", "promotor", "projectleider", "medewerker",
        "visitor", "visiting researcher", "visiting professor", "visiting scholar", "guest",
        "guest researcher", "host", "phd candidate", "phd student", "postdoc",
        "postdoctoral researcher", "student", "professor", "associate professor",
        "assistant professor", "lecturer", "research assistant", "technician",
        # a research output's contributors (Pure's contribution roles)
        "author", "editor",
    }
)  # fmt: skip
# A role not among PERSON_ROLES, as rules read it: the text itself may hold a nationality
# ("Iranian PhD student"), so any other text is this one value to them.
UNKNOWN_ROLE = "a role not among the known roles"


def known_role(role: str | None) -> str | None:
    """``role`` in the form a rule compares it (casefolded, as the rule compiler reads role
    literals), if it is one of PERSON_ROLES; None for any other text, or none."""
    folded = role.casefold() if role else None
    return folded if folded in PERSON_ROLES else None


def in_vocabulary(role: str | None) -> str | None:
    """``role`` as ``Person.role`` holds it: a known role (``known_role``), else
    ``UNKNOWN_ROLE``; None for none."""
    if role is None or role == UNKNOWN_ROLE:
        return role
    return known_role(role) or UNKNOWN_ROLE
