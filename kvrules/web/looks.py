"""Who looked at whose data (review of 0.3.0, item 7): a case page opened, the case list
searched, written to the audit log (``kvrules.store.audit.VIEWED``, ``SEARCHED``) by the
account that did it.

Reading must never wait for a scan: while one holds the write lock, the page is shown at once
and what was looked at is kept in the app, with the time it was looked at, and written with
the next look that finds the store free (in the order they were made). Kept in memory only: a
``serve`` stopped while a scan holds the lock loses those entries; its log says how many were
waiting each time one more was kept.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from kvrules.store.db import StoreBusy, ts
from kvrules.web.auth import open_store

log = logging.getLogger("kvrules.web")


def audit_look(request: Request, action: str, subject: str, details: dict[str, Any]) -> None:
    """Audit that the signed-in account looked at ``subject``; never waits for a scan."""
    pending = _pending(request)
    pending.append((ts(datetime.now(UTC)), request.state.user.name, action, subject, details))
    try:
        with open_store(request) as store:
            store.audit_entries_made(list(pending))
    except StoreBusy:
        log.info("%d look(s) kept to audit when the scan writing now has finished", len(pending))
        return
    pending.clear()


def _pending(request: Request) -> deque:
    state = request.app.state
    if not hasattr(state, "looks_pending"):
        state.looks_pending = deque()
    return state.looks_pending
