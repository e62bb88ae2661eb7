"""What a monitor polls: ``GET /healthz``, no sign-in, nothing personal in the answer.

200 ``{"status": "ok", "schema": N}`` when the database can be opened read-only and holds the
schema this release reads; 503 ``{"status": "unavailable", "reason": …}`` otherwise (gone,
unreadable, not yet upgraded, from a newer release). Before, the only page a monitor could poll
was ``/login``, which stayed 200 with the database's folder gone while every sign-in failed
(operations review, 2026-12-07). The reason names no path: the answer is public.

It also said ``ok`` while 35 alerts were held (the mail server down) and after `watch` had
stopped (operations review, 2026-12-07). A usable database's answer now carries what a
monitor needs, counts and times only (no record, no person, no secret): each source's last
scan (when it ended, its outcome, when one last read the source) and the alert outbox's
backlog (pending, the oldest pending one's age, dead letters). ``status`` is ``degraded``
(still 200: the web pages work) with ``problems`` in words when a source has not been read for
longer than ``health.scan_overdue_after`` or an alert has failed and stayed undelivered longer
than ``health.alerts_undelivered_after`` (``Config.health_limits``). Cheap: a few indexed
reads on one read-only connection.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kvrules.last_scan import last_scans
from kvrules.store import Store
from kvrules.store.db import SchemaMismatch, StoreError, connect_read_only, parse_ts
from kvrules.store.storage import StorageError
from kvrules.web.auth import error_page, settings

log = logging.getLogger("kvrules.web")


def utcnow() -> datetime:
    """The clock ages are taken on (a module function: tests set the time)."""
    return datetime.now(UTC)


def _state(
    db: object, sources: tuple[str, ...], limits: tuple[timedelta, timedelta]
) -> tuple[int, dict[str, object]]:
    unreadable = {"status": "unavailable", "reason": "the database cannot be read"}
    try:
        current, latest = Store.schema_of(db)  # read-only: never takes the write lock
    except (StoreError, StorageError, OSError) as exc:
        log.warning("health check: %s", exc)
        return 503, unreadable
    if current != latest:
        reason = f"the database has schema {current}, this release reads {latest}: " + (
            "run kvrules db upgrade" if current < latest else "a newer release wrote it"
        )
        return 503, {"status": "unavailable", "reason": reason}
    try:
        conn = connect_read_only(db)  # type: ignore[arg-type]
        try:
            body = _operations(conn, sources, limits, utcnow())
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        log.warning("health check: %s", exc)
        return 503, unreadable
    return 200, {"schema": current, **body}


def _operations(
    conn: sqlite3.Connection,
    sources: tuple[str, ...],
    limits: tuple[timedelta, timedelta],
    now: datetime,
) -> dict[str, object]:
    """status, problems, per-source last scans, the outbox's backlog."""
    overdue_after, stuck_after = limits
    problems: list[str] = []
    scans = last_scans(conn)
    shown: dict[str, object] = {}
    for name in sources or tuple(sorted(scans)):
        scan = scans.get(name)
        read_at = scan.last_ok if scan else None
        shown[name] = {
            "last_scan_at": _iso(scan.at) if scan else None,
            "last_scan_outcome": scan.outcome if scan else None,
            "last_read_at": _iso(read_at),
        }
        if read_at is None or now - read_at > overdue_after:
            since = f"since {_iso(read_at)}" if read_at else "ever"
            problems.append(
                f"source '{name}' not read {since} (expected within {_span(overdue_after)}: "
                "is `kvrules watch` running, is the source up?)"
            )
    # Pending rows are few and on a partial index (alert_outbox_due); dead ones are counted.
    pending, oldest, failing_since = conn.execute(
        "SELECT count(*), min(created_at), min(CASE WHEN attempts > 0 THEN created_at END)"
        " FROM alert_outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
    ).fetchone()
    (dead,) = conn.execute("SELECT count(*) FROM alert_outbox WHERE dead_at IS NOT NULL").fetchone()
    if failing_since is not None and now - parse_ts(failing_since) > stuck_after:
        problems.append(
            f"alerts undelivered for {_span(now - parse_ts(failing_since))} after failing "
            f"(over {_span(stuck_after)}: `kvrules alerts --status pending` says why)"
        )
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "sources": shown,
        "alerts": {
            "pending": pending,
            "oldest_pending_age_seconds": (
                int((now - parse_ts(oldest)).total_seconds()) if oldest else None
            ),
            "dead": dead,
        },
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


async def healthz(request: Request) -> Response:
    site = settings(request)
    status, body = await anyio.to_thread.run_sync(_state, site.db, site.sources, site.health_limits)
    return JSONResponse(body, status_code=status)  # no-store, as every answer (app.py)


# The heading of a page refused for the database's schema: no "try again in a moment", which
# no retry makes true (the administrator upgrades, or restarts the server)
SCHEMA_HEADING = "The database's schema is not this server's"
UNUSABLE = (
    "kvrules cannot use its database right now; nothing was changed. The administrator "
    "finds the cause in the server's log."
)


def is_api(request: Request) -> bool:
    """A request to the JSON API, answered in JSON (``{"error": …}``), never an HTML page."""
    return request.url.path.startswith("/api/")


async def store_unusable(request: Request, exc: Exception) -> Response:
    """The database cannot be opened (gone, unreadable, a full or read-only disk, another
    schema): one page saying so (JSON for the API), the cause in the server's log in one line
    — never a 500 with a traceback."""
    log.error("%s %s: %s", request.method, request.url.path, exc)
    if isinstance(exc, SchemaMismatch):  # said as /healthz says it, to whoever asked
        words = _schema_words(exc.current, exc.latest)
        if is_api(request):
            return JSONResponse({"error": words}, status_code=503)
        return error_page(request, 503, words, said_as=SCHEMA_HEADING)
    if is_api(request):
        return JSONResponse({"error": UNUSABLE}, status_code=503)
    return error_page(request, 503, UNUSABLE)


def _schema_words(current: int, latest: int) -> str:
    """Why every page is refused while the file's schema is not this server's: a server left
    running while another release upgraded the file (README, Upgrading, step 1)."""
    if current > latest:
        what = (
            "a newer kvrules release upgraded it; the administrator restarts the server with "
            "that release"
        )
    else:
        what = "the administrator runs `kvrules db upgrade`, then restarts the server"
    return (
        f"kvrules cannot use its database: it has schema {current}, this server reads schema "
        f"{latest} ({what}). Nothing was changed."
    )
