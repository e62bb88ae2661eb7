"""What a remembered record says was not screened on a country, and a visit as the RIS names
it: for the case page and ``kvrules show``, which say what was screened, not only what was
found.

Enrichment sets a person's institution apart when nothing identifies it (a visitor's, a
participant's, an applicant's, a co-author's: its country would in effect be that person's),
and any name that is a person's or no organisation's
(``kvrules.enrich.organisations.set_apart_unidentified``): its country is cleared and kept as
``country_set_apart``. A case about such a record must say so, or "no country signal" reads as
"screened and clear".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kvrules.records import organisation_name, whose_organisations
from kvrules.roles import UNKNOWN_ROLE, known_role


def visit_facts(visit: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs of a visit as the RIS names it: the visitor's role (if a known
    one), their institutions, the host unit, the dates. Never a person's name or nationality."""
    visitor = visit.get("visitor") or {}
    institutions = [organisation_name(o) for o in visitor.get("affiliations") or []]
    # a known role only: records stored before roles were filtered may hold the RIS's text
    role = visitor.get("role")
    facts = [("Visitor", (known_role(role) or UNKNOWN_ROLE) if role else "role not recorded")]
    facts.append(("Visitor's institutions", "; ".join(institutions) or "none recorded"))
    if visit.get("host_unit"):
        facts.append(("Host unit", str(visit["host_unit"])))
    if visit.get("start") or visit.get("end"):
        facts.append(("Dates", f"{visit.get('start') or '?'} – {visit.get('end') or '?'}"))
    return facts


# whose institution an organisation is (``kvrules.records.whose_organisations``) -> how the
# sentence names it, and whose country its country would in effect be
WHOSE = {
    "visitor": ("the visitor's institution", "the visitor's"),
    "participant": ("a participant's institution", "the participant's"),
    "applicant": ("the applicant's institution", "the applicant's"),
    "co-author": ("a co-author's institution", "the co-author's"),
}


def not_screened_on_country(subject: Mapping[str, Any] | None) -> list[str]:
    """One sentence per organisation of the record whose country was set apart (not
    screened), saying whose institution it is, why, and what to do."""
    from kvrules.enrich.organisations import names_a_person_or_no_organisation

    said: dict[str, None] = {}
    for org, whose in whose_organisations(subject or {}):
        if "country_set_apart" not in org:
            continue
        name = str(org.get("name") or "?")
        if names_a_person_or_no_organisation(name):
            # the country given with a person is their nationality: never repeated here
            said[f"{name}: names a person or no organisation, so no country was screened"] = None
        else:
            country = org.get("country_set_apart")
            had = f" ({country})" if country else ""
            institution, person = WHOSE.get(whose, (f"a {whose}", "a person's"))
            said[
                f"{name}: {institution}, not identified as an organisation in the lists or the "
                f"organisation registry, so its country{had} alone was not screened (it would "
                f"in effect be {person}); identify the institution in the RIS (its full name, "
                "or its ROR id)"
            ] = None
    return list(said)
