"""Who looked at whose data (review of 0.3.0, item 7): a case page opened, the case list
searched, written to the audit log (``kvrules.store.audit.VIEWED``, ``SEARCHED``) by the
account that did it.

Reading must never wait for a scan: the entry is written without waiting for the write lock
(busy timeout 0: the handler runs on the event loop, and waiting the app's ``busy_wait`` there
stalled every other request for that long). While a scan holds the lock, the page is shown at
once and what was looked at is kept in the app, with the time it was looked at, and written
with the next look that finds the store free (in the order they were made). Kept in memory
only, at most ``MAX_PENDING`` of them: past that, further looks are counted, not kept, and the
count is audited (``LOOKS_NOT_KEPT``) with the next write; a ``serve`` stopped while a scan
holds the lock loses what is kept (its log says how many were waiting each time one more was
kept). An erasure that ran while an entry was kept is not undone by it: the store drops the
text of entries made before the newest erasure (``Store.audit_entries_made``).
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from kvrules.store import Store
from kvrules.store.db import StoreBusy, ts
from kvrules.web.auth import settings

log = logging.getLogger("kvrules.web")

# Looks kept while a scan writes: a few hours of a busy committee's reading, about 1 kB each.
MAX_PENDING = 1000
LOOKS_NOT_KEPT = "audit.looks_not_kept"


def audit_look(request: Request, action: str, subject: str, details: dict[str, Any]) -> None:
    """Audit that the signed-in account looked at ``subject``; never waits for a scan."""
    pending = _pending(request)
    state = request.app.state
    now = ts(datetime.now(UTC))
    look = (now, request.state.user.name, action, subject, details)
    made = [*pending, look]
    if not_kept := getattr(state, "looks_not_kept", 0):
        made.append((now, "system", LOOKS_NOT_KEPT, "audit", {"looks": not_kept}))
    try:
        # never waiting: on the event loop, a wait would stall every other request
        with Store.open(settings(request).db, migrate_schema=False, busy_timeout=0) as store:
            store.audit_entries_made(made)
    except StoreBusy:
        _keep(state, pending, look)
        return
    pending.clear()
    state.looks_not_kept = 0


def _keep(state: Any, pending: deque, look: tuple) -> None:
    if len(pending) < MAX_PENDING:
        pending.append(look)
        log.info("%d look(s) kept to audit when the scan writing now has finished", len(pending))
        return
    state.looks_not_kept = getattr(state, "looks_not_kept", 0) + 1
    log.warning(
        "%d look(s) waiting to be audited, the most kept: %d more not kept (their count is "
        "audited when the scan has finished)",
        MAX_PENDING,
        state.looks_not_kept,
    )


def _pending(request: Request) -> deque:
    state = request.app.state
    if not hasattr(state, "looks_pending"):
        state.looks_pending = deque()
    return state.looks_pending
