"""Whether a case changed since a page was drawn, checked in the write that would change it.

A case page's forms carry the case's *version*: the id of its newest audit entry when the
page was drawn (``kvrules.web.caseform``). A write made from that page passes it as ``seen``;
the store then looks for the case's audit entries newer than it, by anyone but the writer,
inside the write's own transaction (``BEGIN IMMEDIATE``: the write lock is held from the
look to the commit), and refuses with ``CaseChanged`` if there are any. Checking first and
writing in a second transaction let two members posting at the same moment both pass the
check, the second silently overwriting the first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from kvrules.errors import KvrulesError
from kvrules.store import audit as _audit


class CaseChanged(KvrulesError):
    """Someone else changed the case since the page the write came from (``changes``: their
    audit entries, oldest first); nothing was written."""

    def __init__(self, case_id: int, changes: list[_audit.AuditEntry]) -> None:
        latest = changes[-1]
        super().__init__(
            f"case {case_id} was changed by {latest.actor} ({latest.action}) since version "
            f"{changes[0].id - 1}; nothing was written"
        )
        self.case_id = case_id
        self.changes = changes


def require_unchanged(conn: sqlite3.Connection, case_id: int, seen: int | None, actor: str) -> None:
    """Raise ``CaseChanged`` when the case has audit entries newer than ``seen`` by anyone but
    ``actor`` (one's own change, such as the same form posted twice, is no news to one).
    ``seen`` None: a write from no page (a script, the CLI), nothing to be stale against.
    Call inside the write's transaction."""
    if seen is None:
        return
    changes = _audit.newer(conn, f"case:{case_id}", seen, other_than=actor)
    if changes:
        raise CaseChanged(case_id, changes)


def require_unchanged_all(
    conn: sqlite3.Connection, case_ids: Iterable[int], seen: int | None, actor: str
) -> None:
    """``require_unchanged`` for many cases (a list page's bulk change): ``CaseChanged`` for
    the first of them changed by someone else since ``seen``, with all its changes."""
    if seen is None:
        return
    subjects = {f"case:{i}" for i in case_ids}
    changes = _audit.newer_of_any(conn, subjects, seen, other_than=actor)
    if changes:
        first = changes[0].subject
        raise CaseChanged(int(first.split(":", 1)[1]), [e for e in changes if e.subject == first])


def repeated(
    conn: sqlite3.Connection, subject: str, action: str, actor: str, details: dict[str, Any]
) -> _audit.AuditEntry | None:
    """``subject``'s newest entry when it is this very change by this member (``action``,
    and each of ``details`` as recorded): the same form posted twice (a double click, a
    resent request), which the caller records once. None when recording it is news."""
    last = _audit.latest(conn, subject)
    if last is None or (last.action, last.actor) != (action, actor):
        return None
    return last if all(last.details.get(k) == v for k, v in details.items()) else None
