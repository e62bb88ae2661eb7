"""Who last set each account's password, from the audit log, and what four-eyes makes of it.

Security review 2026-12-07, item 3: one web admin created two committee accounts, signed in as
both and passed four-eyes alone (an admin does not decide, but knows the passwords it typed).
The defence, in three parts:

1. A password an admin sets in the web app (a new account, a reset) is temporary: the account
   must set its own at its next sign-in, and proposes and approves nothing until it has.
2. For ``PAIR_WINDOW`` after an admin set either password, a proposer and an approver whose
   passwords were last set by the same admin, or where one set the other's, cannot form a
   four-eyes pair (the account's own later change does not lift it: the admin could have made
   it, knowing the temporary password). They may each pair with anyone else.
3. The committee is told: every such password set on a committee account is in the audit log
   under ``committee`` and listed on the committee's case list for ``PAIR_WINDOW``.

Residual risk (SECURITY.md): an admin who waits out ``PAIR_WINDOW`` unnoticed, or the host's
operator (``kvrules users add`` on the server, who can edit the database file anyway), is not
stopped by this; single sign-on for committee accounts (their credential at the identity
provider) is the remedy.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kvrules.store.db import parse_ts

PAIR_WINDOW = timedelta(days=30)
# The audit detail that marks a password as set by an admin in the web app.
SET_BY_ADMIN = "set_by_admin"
# Where the committee is told: the audit subject of a committee account's password being set.
COMMITTEE_SUBJECT = "committee"
_ACTIONS = ("user.added", "user.updated", "user.password-changed")


@dataclass(frozen=True)
class PasswordSet:
    name: str
    by: str  # the admin's account name, or the account itself
    at: datetime
    by_admin: bool


def _history(conn: sqlite3.Connection, name: str) -> list[PasswordSet]:
    rows = conn.execute(
        "SELECT actor, at, action, details FROM audit_log WHERE subject = ?"
        " AND action IN (?, ?, ?) ORDER BY id",
        (f"user:{name}", *_ACTIONS),
    )
    found = []
    for r in rows:
        details = json.loads(r["details"] or "{}")
        by_admin = bool(details.get(SET_BY_ADMIN))
        own = r["action"] == "user.password-changed" and r["actor"] == name
        if by_admin or own:
            found.append(PasswordSet(name, r["actor"], parse_ts(r["at"]), by_admin))
    return found


def must_set_own_password(conn: sqlite3.Connection, name: str) -> bool:
    """Whether an admin set the account's password last (it has not set its own since)."""
    history = _history(conn, name)
    return bool(history) and history[-1].by_admin


def admin_origin(conn: sqlite3.Connection, name: str, now: datetime) -> PasswordSet | None:
    """The last time an admin set the account's password, when within ``PAIR_WINDOW``."""
    admin_sets = [p for p in _history(conn, name) if p.by_admin]
    if admin_sets and now - admin_sets[-1].at <= PAIR_WINDOW:
        return admin_sets[-1]
    return None


def pair_refusal(
    conn: sqlite3.Connection, proposer: str, approver: str, now: datetime
) -> str | None:
    """Why ``approver`` may not approve what ``proposer`` proposed; None when it may."""
    theirs, mine = admin_origin(conn, proposer, now), admin_origin(conn, approver, now)
    until = f"for {PAIR_WINDOW.days} days after an admin sets a password"
    if theirs and mine and theirs.by == mine.by:
        return (
            f"the passwords of {proposer} and {approver} were both set by {mine.by} "
            f"({theirs.at:%Y-%m-%d} and {mine.at:%Y-%m-%d}): four-eyes needs two people, so "
            f"another committee member approves ({until})"
        )
    if (mine and mine.by == proposer) or (theirs and theirs.by == approver):
        return (
            f"one of {proposer} and {approver} set the other's password: another committee "
            f"member approves ({until})"
        )
    return None
