"""Which list matches a case's page may record a verdict on, and whom else the verdict touches.

A verdict is kept per (list, entry, organisation, country), not per case: "not the same
organisation" silences that match in every case that holds it, now and in later scans. So the
case the form is posted from must hold the match itself (an adviser limited to one unit once
silenced a DoD 1286 hit on another unit's case through a case of its own), and an account
limited to some units may record it only when every case holding the match is in its units.
"""

from __future__ import annotations

from typing import Any

from kvrules.store import Case, Store
from kvrules.store.adjudications import key
from kvrules.web.casedata import EvidenceView, evidence_views

MatchKey = tuple[str, str, str, str]

NOT_THIS_CASES = (
    "That list match is not one of this case's findings: record a verdict on the case that "
    "holds it."
)
OUTSIDE_SCOPE = (
    "This verdict would also apply to {n} case(s) outside your units (a verdict is kept for "
    "the organisation and list entry, in every case): ask an adviser without a unit limit."
)


def _keys(views: list[EvidenceView]) -> set[MatchKey]:
    keys: set[MatchKey] = set()
    for view in views:
        org: dict[str, Any] = view.organisation or {}
        if org.get("name"):
            for m in view.matches:
                keys.add(
                    key(str(m.get("list")), str(m.get("entry")), org["name"], org.get("country"))
                )
        keys |= _keys(view.also)
    return keys


def match_keys(store: Store, case: Case, home_country: str | None) -> set[MatchKey]:
    """The matches the case page shows (and offers a verdict on), as adjudication keys."""
    subject = store.subject(case.source_system, case.record_id)
    keys: set[MatchKey] = set()
    for stored in store.case_findings(case.id):
        keys |= _keys(evidence_views(subject, stored.finding.evidence, stored.listed, home_country))
    return keys


def hidden_cases_holding(
    store: Store, asked: MatchKey, case_id: int, units: tuple[str, ...], home: str | None
) -> list[int]:
    """Cases other than ``case_id``, outside ``units``, that hold the match ``asked``."""
    others = [c for c in store.cases_mentioning(asked[1]) if c != case_id]
    hidden = sorted(set(others) - store.cases_in_scope(others, units))
    return [c for c in hidden if (case := store.case(c)) and asked in match_keys(store, case, home)]
