"""What a monitor polls: ``GET /healthz``, no sign-in, nothing personal in the answer.

200 ``{"status": "ok", "schema": N}`` when the database can be opened read-only and holds the
schema this release reads; 503 ``{"status": "unavailable", "reason": …}`` otherwise (gone,
unreadable, not yet upgraded, from a newer release). Before, the only page a monitor could poll
was ``/login``, which stayed 200 with the database's folder gone while every sign-in failed
(operations review, 2026-12-07). The reason names no path: the answer is public.
"""

from __future__ import annotations

import logging

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kvrules.store import Store
from kvrules.store.db import SchemaMismatch, StoreError
from kvrules.store.storage import StorageError
from kvrules.web.auth import error_page, settings

log = logging.getLogger("kvrules.web")


def _state(db: object) -> tuple[int, dict[str, object]]:
    try:
        current, latest = Store.schema_of(db)  # read-only: never takes the write lock
    except (StoreError, StorageError, OSError) as exc:
        log.warning("health check: %s", exc)
        return 503, {"status": "unavailable", "reason": "the database cannot be read"}
    if current != latest:
        reason = f"the database has schema {current}, this release reads {latest}: " + (
            "run kvrules db upgrade" if current < latest else "a newer release wrote it"
        )
        return 503, {"status": "unavailable", "reason": reason}
    return 200, {"status": "ok", "schema": current}


async def healthz(request: Request) -> Response:
    status, body = await anyio.to_thread.run_sync(_state, settings(request).db)
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
