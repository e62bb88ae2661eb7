"""Which cases may be closed without a committee decision, and why the others may not.

Closing a case ends the committee's work on it. A case that calls for a decision — medium
severity or above, or a finding that rests on a reference-list entry (a candidate match
included) — is closed only once a decision is in effect (the case is "decided"): otherwise an
adviser's bulk "close" ended a critical case with no decision and no second approval. What
needs no decision is the small stuff: info or low findings on organisations no list names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from kvrules.errors import KvrulesError
from kvrules.rulebook.ir import Severity
from kvrules.store import committee as _committee
from kvrules.store.cases import Case, StoredFinding, case_findings

# Severities a case may be closed at without a decision (with no listed organisation)
NO_DECISION_SEVERITIES = (Severity.INFO, Severity.LOW)
NEEDS_DECISION = (
    "a committee decision must be in effect before they close (only "
    f"{' or '.join(s.value for s in NO_DECISION_SEVERITIES)} cases with no organisation on a "
    "reference list close without one)"
)


def why_not_closable(case: Case, findings: Iterable[StoredFinding], *, pending: bool) -> str | None:
    """Why ``case`` may not be closed now, in a few words ("critical"); None when it may.
    ``pending``: a decision on it awaits its second approval."""
    if case.status == "closed":
        return None  # closing again changes nothing
    if pending:
        return "a decision awaits its second approval"
    if case.status == "decided":
        return None  # a decision is in effect: closing files the case
    if case.severity not in NO_DECISION_SEVERITIES:
        return case.severity.value
    # ``listed`` None: found before findings kept their entries, so not known: ask for one
    if any(stored.listed is None or stored.listed for stored in findings):
        return "a finding rests on a reference-list entry"
    return None


def closing_basis(case: Case) -> str:
    """What the audit entry of a closure says it rests on (the board report shows it)."""
    if case.status == "decided" and case.decision:
        return f"decision in effect: {case.decision}"
    return f"no decision needed ({case.severity.value}, no organisation on a reference list)"


def refusal(conn: sqlite3.Connection, case: Case) -> str | None:
    """``why_not_closable`` of a stored case, read in ``conn`` (inside the closing
    transaction, so the case cannot change between the check and the closure)."""
    pending = any(d.pending for d in _committee.decisions(conn, case.id))
    return why_not_closable(case, case_findings(conn, case.id), pending=pending)


def not_closed_in_words(refused: dict[int, str], shown: int = 10) -> str:
    """ "2 cases not closed (4, 9: critical; a finding rests on a reference-list entry): a
    committee decision must be in effect …": which (the first ``shown``), why, what to do."""
    ids = sorted(refused)
    named = ", ".join(map(str, ids[:shown])) + (
        f" and {len(ids) - shown} more" if len(ids) > shown else ""
    )
    reasons = "; ".join(sorted(set(refused.values())))
    return (
        f"{len(ids)} case{'s' if len(ids) != 1 else ''} not closed ({named}: {reasons}): "
        f"{NEEDS_DECISION}"
    )


class NotClosable(KvrulesError, ValueError):
    """Closing was asked of cases that need a decision first: ``refused`` says which, why."""

    def __init__(self, refused: dict[int, str]) -> None:
        self.refused = refused
        super().__init__(not_closed_in_words(refused))
