"""Who created each account, from the audit log, and whether a four-eyes approval rests on an
account made for it: an admin administers accounts and does not decide, but could create two
committee accounts (or one for a colleague who proposes) and so satisfy four-eyes alone. A
second approval by an account created shortly before, by the proposer or by whoever created
the proposer's account, is shown beside the decision (case page, board report) for the
committee's chair and the auditor to look at; it is not refused (a new member may well
approve in their first week).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kvrules.store.db import parse_ts

# How recent an approver's account must be for its creator to matter.
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class AccountOrigin:
    name: str
    created_by: str
    created_at: datetime


def origins(conn: sqlite3.Connection) -> dict[str, AccountOrigin]:
    """Each account's first ``user.added`` entry: who created it and when. An account whose
    creation is not in the log (made before it was kept) is absent."""
    rows = conn.execute(
        "SELECT subject, actor, at FROM audit_log WHERE action = 'user.added' ORDER BY id"
    )
    found: dict[str, AccountOrigin] = {}
    for r in rows:
        name = r["subject"].removeprefix("user:")
        found.setdefault(name, AccountOrigin(name, r["actor"], parse_ts(r["at"])))
    return found


def approval_concern(
    proposer: str,
    approver: str | None,
    approved_at: datetime | None,
    known: dict[str, AccountOrigin],
) -> str | None:
    """A sentence when ``approver``'s account was created within ``RECENT`` before the
    approval by ``proposer`` or by the creator of ``proposer``'s account; else None."""
    made = known.get(approver or "")
    if made is None or approved_at is None or approved_at - made.created_at > RECENT:
        return None
    days = (approved_at - made.created_at).days
    when = f"{made.created_at:%Y-%m-%d}, {days} day(s) before approving"
    if made.created_by == proposer:
        return f"approver {approver}'s account was created by the proposer {proposer} ({when})"
    theirs = known.get(proposer)
    if theirs is not None and theirs.created_by == made.created_by:
        return (
            f"approver {approver}'s account was created by {made.created_by} ({when}), who also "
            f"created the proposer {proposer}'s account"
        )
    return None
