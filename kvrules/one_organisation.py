"""Partners described under several spellings that resolve to one organisation.

A consortium list may name one institution three ways ("北京航空航天大学", "Dept. of Physics,
Beihang Univ.", "BUAA"). Each is screened as it was described — nothing is merged, as the
person asking must see what each spelling matched — but the answer says that they are one
organisation, so that the committee does not count three partners where there is one.

Two organisations are one when enrichment resolved them to the same ROR record (the first id
of ``ror_lineage``: the organisation's own, not a parent's) or matched them to the same list
entry other than through a parent (a sub-unit matched through its parent is not the parent).
A spelling reached only through possible matches is said to be one to confirm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kvrules.model import ListMatch, Organisation
from kvrules.plain import edition_in_words, listed_as

__all__ = ["one_organisation_in_words"]

PARENT_METHOD = "parent"  # a match through the organisation's parent: the parent, not it


def _keys(org: Organisation) -> tuple[set[str], set[str]]:
    """What identifies ``org`` as an organisation: (keys a match confirms, keys only a
    possible match gives)."""
    sure: set[str] = set()
    possible: set[str] = set()
    if org.ror_lineage:
        sure.add(f"ror:{org.ror_lineage[0]}")
    sure.update(f"ror:{i.value}" for i in org.identifiers if i.scheme == "ror" and i.value)
    for m in org.screening:
        if m.method == PARENT_METHOD:
            continue
        (possible if m.candidate else sure).add(f"entry:{m.list}\0{m.entry}")
    return sure, possible - sure


def _groups(orgs: Sequence[Organisation]) -> list[list[int]]:
    """The organisations (by position) that share a key, in the order first named; a group
    of one is left out. Keys are joined transitively (A and B share a ROR id, B and C an
    entry: one organisation)."""
    parent = list(range(len(orgs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, org in enumerate(orgs):
        sure, possible = _keys(org)
        for key in sure | possible:
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    grouped: dict[int, list[int]] = {}
    for i in range(len(orgs)):
        grouped.setdefault(root(i), []).append(i)
    return [members for members in grouped.values() if len(members) > 1]


def _named_by(members: Iterable[Organisation], titles: Mapping[str, str]) -> str:
    """What the group resolved to: its ROR id and the list entries it matched."""
    rors: dict[str, None] = {}
    entries: dict[str, None] = {}
    for org in members:
        if org.ror_lineage:
            rors[f"ROR {org.ror_lineage[0]}"] = None
        for m in org.screening:
            if m.method != PARENT_METHOD:
                entries[_entry(m, titles)] = None
    return "; ".join([*rors, *entries])


def _entry(m: ListMatch, titles: Mapping[str, str]) -> str:
    where = edition_in_words(f"{m.list}@{m.edition}", titles, partial=False)
    return f"{where}, {listed_as(m.name)}"


def one_organisation_in_words(
    orgs: Sequence[Organisation], what: str, titles: Mapping[str, str] | None = None
) -> list[str]:
    """One line per organisation described more than once among ``orgs`` (``what``: their
    role, "partner" or "funder"): "These 3 partners are one organisation (ROR …; the US DoD
    Section 1286 list, edition FY25, listed as “Beihang University”): A; B; C (a possible
    match, to confirm) — each was screened as described; count them as one"."""
    titles = titles or {}
    lines = []
    for members in _groups(orgs):
        named = []
        for i in members:
            sure, _ = _keys(orgs[i])
            named.append(orgs[i].name + ("" if sure else " (a possible match, to confirm)"))
        said_by = _named_by((orgs[i] for i in members), titles)
        # only possible matches join them: a person confirms before they are counted as one
        are = "are" if any(_keys(orgs[i])[0] for i in members) else "may be"
        lines.append(
            f"These {len(members)} {what}s {are} one organisation ({said_by}): "
            f"{'; '.join(named)} — each was screened as described; count them as one {what}"
        )
    return lines
