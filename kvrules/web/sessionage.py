"""How long a signed-in local session has left, for the page's warning before it ends.

A session is a signed cookie that counts for ``session_max_age`` seconds from when it was last
signed: at sign-in, and at every response that changed the session (Starlette re-signs it
only then; a page that merely reads it does not extend it). Its signature's timestamp is
therefore the one true start, read here; ``session.js`` asks ``/session`` before it warns, so
that a session renewed meanwhile in another tab is not said to be ending.
"""

from __future__ import annotations

import time

import itsdangerous
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kvrules.web.auth import guard, open_store, resolve_user

SESSION_COOKIE = "kvrules_session"


def session_ends_in(request: Request) -> int | None:
    """Seconds until this request's local session ends (None: no local session: nobody
    signed in, or a proxy's SSO user). A session this response changes is signed anew."""
    settings = request.app.state.settings
    if not request.session.get("user"):
        return None
    if request.session.modified:  # re-signed as this response is sent: a full age
        return settings.session_max_age
    raw = request.cookies.get(SESSION_COOKIE, "")
    signer = itsdangerous.TimestampSigner(str(settings.secret_key))
    try:
        _, signed_at = signer.unsign(raw.encode(), return_timestamp=True)
    except itsdangerous.BadSignature:
        return None
    return max(0, round(signed_at.timestamp() + settings.session_max_age - time.time()))


def warn_before(max_age: int) -> int:
    """Seconds before a session ends that the page warns: five minutes, or a third of a
    short session's age (WCAG 2.2.1 asks for at least 20 seconds to extend it)."""
    return min(5 * 60, max(20, max_age // 3))


async def session_status(request: Request) -> Response:
    """GET /session: the seconds left (0 when it has ended); reading it extends nothing."""
    with open_store(request) as store:
        user = resolve_user(request, store)
    left = session_ends_in(request) if user is not None else None
    return JSONResponse({"ends_in": left or 0}, status_code=200 if left else 401)


ENDED = "Your session has ended: sign in again."


async def renew_session(request: Request) -> Response:
    """POST /session/renew, the warning's "Stay signed in": the session is changed, so its
    cookie is signed anew with a full age; says for how long, in seconds.

    A click after the session ended finds no session, hence no CSRF token to match: that is
    said as what it is (401, "sign in again"), not logged as a failed CSRF check, a security
    line for a harmless click. Nothing is renewed: there is no session a forged post could
    keep alive."""
    if not request.session.get("user"):
        return JSONResponse({"ends_in": 0, "error": ENDED}, status_code=401)
    return await _renew(request)


@guard("prescreen")  # every role: any signed-in person may keep their own session
async def _renew(request: Request) -> Response:
    request.session["renewed"] = int(time.time())
    return JSONResponse({"ends_in": request.app.state.settings.session_max_age})
