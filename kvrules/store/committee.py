"""The committee's work on a case: triage colour, decisions with rationale, mitigation items."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from kvrules.store.cases import DECISIONS, require_case
from kvrules.store.db import parse_ts, ts

TRIAGE = ("green", "amber", "red")
MITIGATION_STATUSES = ("open", "done", "dropped")


@dataclass(frozen=True)
class Decision:
    id: int
    case_id: int
    decision: str
    rationale: str
    review_due: date | None
    actor: str
    at: datetime
    # Four-eyes: None (no second approval asked), "pending", "approved" or "superseded".
    approval: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    # Set on what a call returns when it recorded nothing: the same decision by the same
    # member was the case's latest already (a form posted twice, a request retried).
    repeat: bool = False

    @property
    def pending(self) -> bool:
        return self.approval == "pending"

    @property
    def in_effect(self) -> bool:
        """Made without four-eyes, or approved by the second member (not pending/superseded)."""
        return self.approval in (None, "approved")

    @property
    def effective_at(self) -> datetime:
        return self.approved_at or self.at


@dataclass(frozen=True)
class Mitigation:
    id: int
    case_id: int
    decision_id: int | None
    action: str
    owner: str
    due_on: date | None
    status: str
    created_at: datetime
    updated_at: datetime

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on is not None and self.due_on < today


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def set_triage(conn: sqlite3.Connection, case_id: int, colour: str, actor: str, now: datetime):
    if colour not in TRIAGE:
        raise ValueError(f"triage is one of {TRIAGE}")
    conn.execute(
        "INSERT INTO case_triage (case_id, colour, actor, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (case_id) DO UPDATE SET colour = excluded.colour, actor = excluded.actor,"
        " at = excluded.at",
        (case_id, colour, actor, ts(now)),
    )


def triage(conn: sqlite3.Connection) -> dict[int, str]:
    return {r["case_id"]: r["colour"] for r in conn.execute("SELECT * FROM case_triage")}


def add_decision(
    conn: sqlite3.Connection,
    case_id: int,
    decision: str,
    rationale: str,
    review_due: date | None,
    actor: str,
    now: datetime,
    approval: str | None = None,
) -> int:
    if decision not in DECISIONS:
        raise ValueError(f"a decision is one of {DECISIONS}")
    if not rationale.strip():
        raise ValueError("a decision needs a rationale")
    cur = conn.execute(
        "INSERT INTO decisions (case_id, decision, rationale, review_due, actor, at, approval)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            decision,
            rationale.strip(),
            review_due.isoformat() if review_due else None,
            actor,
            ts(now),
            approval,
        ),
    )
    return cur.lastrowid or 0


def add_decision_with_mitigations(
    conn: sqlite3.Connection,
    case_id: int,
    decision: str,
    rationale: str,
    review_due: date | None,
    mitigations: Sequence[tuple[str, str, date | None]],
    actor: str,
    now: datetime,
    approval: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """A committee decision on an existing case, with its mitigation items: the decision's id
    and what the audit entry says of it. ValueError if the decision is not one to record."""
    require_case(conn, case_id)
    if decision == "approve-with-mitigations" and not mitigations:
        raise ValueError("approve with mitigations needs at least one mitigation")
    decision_id = add_decision(conn, case_id, decision, rationale, review_due, actor, now, approval)
    items = [
        add_mitigation(conn, case_id, action, owner, due, decision_id, now)
        for action, owner, due in mitigations
    ]
    said = {
        "decision": decision,
        "rationale": rationale.strip(),
        "review_due": review_due.isoformat() if review_due else None,
        "mitigations": items,
    }
    return decision_id, said


def repeated_decision(
    conn: sqlite3.Connection,
    case_id: int,
    decision: str,
    rationale: str,
    review_due: date | None,
    mitigations: Sequence[tuple[str, str, date | None]],
    actor: str,
    approval: str | None,
) -> Decision | None:
    """The case's latest decision, marked ``repeat``, when it is this very one by the same
    member (outcome, rationale, review date, mitigation items, and pending or not); None when
    recording it would be news. Recording it again would show a decision made once twice in
    the case's history and the audit log."""
    rows = decisions(conn, case_id)
    if not rows:
        return None
    last = rows[-1]
    asked = (actor, decision, rationale.strip(), review_due, approval)
    if (last.actor, last.decision, last.rationale, last.review_due, last.approval) != asked:
        return None
    kept = _by_decision(conn, last.id)
    wanted = sorted((a.strip(), o.strip(), due) for a, o, due in mitigations)
    if sorted((m.action, m.owner, m.due_on) for m in kept) != wanted:
        return None
    return replace(last, repeat=True)


def _by_decision(conn: sqlite3.Connection, decision_id: int) -> list[Mitigation]:
    rows = conn.execute("SELECT * FROM mitigations WHERE decision_id = ?", (decision_id,))
    return [_mitigation(r) for r in rows]


def _decision(r: sqlite3.Row) -> Decision:
    return Decision(
        r["id"],
        r["case_id"],
        r["decision"],
        r["rationale"],
        _date(r["review_due"]),
        r["actor"],
        parse_ts(r["at"]),
        r["approval"],
        r["approved_by"],
        parse_ts(r["approved_at"]) if r["approved_at"] else None,
    )


def decision(conn: sqlite3.Connection, decision_id: int) -> Decision | None:
    r = conn.execute("SELECT * FROM decisions WHERE id = ?", (decision_id,)).fetchone()
    return _decision(r) if r else None


def supersede_pending(conn: sqlite3.Connection, case_id: int) -> list[int]:
    """A newer decision replaces any still waiting for its second approver."""
    rows = conn.execute(
        "UPDATE decisions SET approval = 'superseded' WHERE case_id = ? AND approval = 'pending'"
        " RETURNING id",
        (case_id,),
    )
    return [r["id"] for r in rows]


def approve(conn: sqlite3.Connection, decision_id: int, approver: str, now: datetime) -> Decision:
    """The second approval: only of a pending decision, never by the member who made it."""
    found = decision(conn, decision_id)
    if found is None:
        raise KeyError(f"no decision {decision_id}")
    if found.approval != "pending":
        raise ValueError(f"decision {decision_id} is not waiting for a second approval")
    if found.actor == approver:
        raise ValueError("the second approval must come from a different committee member")
    conn.execute(
        "UPDATE decisions SET approval = 'approved', approved_by = ?, approved_at = ? WHERE id = ?",
        (approver, ts(now), decision_id),
    )
    return decision(conn, decision_id)  # type: ignore[return-value]


def decisions(conn: sqlite3.Connection, case_id: int | None = None) -> list[Decision]:
    if case_id is None:
        rows = conn.execute("SELECT * FROM decisions ORDER BY id")
    else:
        rows = conn.execute("SELECT * FROM decisions WHERE case_id = ? ORDER BY id", (case_id,))
    return [_decision(r) for r in rows]


def reviews_due(conn: sqlite3.Connection, today: date) -> list[int]:
    """Decided cases whose latest decision set a review date that has come."""
    rows = conn.execute(
        "SELECT d.case_id FROM decisions d JOIN cases c ON c.id = d.case_id"
        " WHERE c.status = 'decided' AND d.id = (SELECT MAX(id) FROM decisions"
        " WHERE case_id = d.case_id AND coalesce(approval, 'approved') = 'approved')"
        " AND d.review_due IS NOT NULL AND d.review_due <= ?",
        (today.isoformat(),),
    )
    return [r["case_id"] for r in rows]


def add_mitigation(
    conn: sqlite3.Connection,
    case_id: int,
    action: str,
    owner: str,
    due_on: date | None,
    decision_id: int | None,
    now: datetime,
) -> int:
    if not action.strip() or not owner.strip():
        raise ValueError("a mitigation needs an action and an owner")
    cur = conn.execute(
        "INSERT INTO mitigations (case_id, decision_id, action, owner, due_on, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            decision_id,
            action.strip(),
            owner.strip(),
            due_on.isoformat() if due_on else None,
            ts(now),
            ts(now),
        ),
    )
    return cur.lastrowid or 0


def set_mitigation_status(
    conn: sqlite3.Connection, mitigation_id: int, status: str, now: datetime
) -> Mitigation:
    if status not in MITIGATION_STATUSES:
        raise ValueError(f"a mitigation status is one of {MITIGATION_STATUSES}")
    row = conn.execute(
        "UPDATE mitigations SET status = ?, updated_at = ? WHERE id = ? RETURNING *",
        (status, ts(now), mitigation_id),
    ).fetchone()
    if row is None:
        raise KeyError(f"no mitigation {mitigation_id}")
    return _mitigation(row)


def mitigation(conn: sqlite3.Connection, mitigation_id: int) -> Mitigation:
    """One mitigation; KeyError if there is none of this id."""
    row = conn.execute("SELECT * FROM mitigations WHERE id = ?", (mitigation_id,)).fetchone()
    if row is None:
        raise KeyError(f"no mitigation {mitigation_id}")
    return _mitigation(row)


def _mitigation(r: sqlite3.Row) -> Mitigation:
    return Mitigation(
        r["id"],
        r["case_id"],
        r["decision_id"],
        r["action"],
        r["owner"],
        _date(r["due_on"]),
        r["status"],
        parse_ts(r["created_at"]),
        parse_ts(r["updated_at"]),
    )


def mitigations(
    conn: sqlite3.Connection, case_id: int | None = None, status: str | None = None
) -> list[Mitigation]:
    sql, args = "SELECT * FROM mitigations WHERE 1 = 1", []
    if case_id is not None:
        sql, args = sql + " AND case_id = ?", [*args, case_id]
    if status is not None:
        sql, args = sql + " AND status = ?", [*args, status]
    return [
        _mitigation(r) for r in conn.execute(sql + " ORDER BY due_on IS NULL, due_on, id", args)
    ]
