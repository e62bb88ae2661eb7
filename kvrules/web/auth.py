"""Who is asking: a local session (argon2 password) or a trusted reverse proxy's header (SSO);
the ``guard`` decorator checks the role and, on every POST, the CSRF token.

A local session is a signed cookie naming the account and its *session generation*; it counts
only while that generation is the account's current one (read from the database on every
request), so signing out, a password reset, a role change or disabling ends it everywhere.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.store import Store
from kvrules.store.users import User
from kvrules.web.bodies import FORM_MAX_BYTES, TooLarge, in_words, limited_form
from kvrules.web.forwarded import peer
from kvrules.web.scope import hidden_case
from kvrules.web.security import can, csrf_ok, new_csrf_token
from kvrules.web.settings import WebSettings

log = logging.getLogger("kvrules.web")
Endpoint = Callable[[Request], Awaitable[Response]]


def settings(request: Request) -> WebSettings:
    return request.app.state.settings


def open_store(request: Request) -> Store:
    # One connection per request: a Store is not shared across threads, and SQLite/WAL lets
    # the scanner write while the app reads. Never migrating here: that takes the write lock,
    # which a scan may hold for minutes (``serve`` upgrades the schema once, at start); a
    # write waits ``busy_wait`` seconds, then ``StoreBusy`` becomes the busy page (app.py).
    s = settings(request)
    return Store.open(s.db, migrate_schema=False, busy_timeout=s.busy_wait)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


def proxy_user_name(request: Request) -> str | None:
    s = settings(request)
    if not s.proxy_header or request.client is None:
        return None
    if peer(request.scope) not in s.trusted_proxies:
        return None  # anyone else could simply send the header
    return request.headers.get(s.proxy_header) or None


def resolve_user(request: Request, store: Store) -> User | None:
    if proxy_name := proxy_user_name(request):
        user = store.user(proxy_name)  # the proxy vouches for each request: no session to end
    elif session_name := request.session.get("user"):
        user = store.user(session_name)  # read every time: any change applies at once
        if user is not None and request.session.get("generation") != user.session_generation:
            return None  # a session that was ended (or a cookie from before the upgrade)
    else:
        return None
    return user if user is not None and not user.disabled else None


def login_session(request: Request, user: User) -> None:
    request.session.clear()  # a fresh session (and CSRF token) on login: no fixation
    request.session["user"] = user.name
    request.session["generation"] = user.session_generation
    request.session["csrf"] = new_csrf_token()


def flash(request: Request, message: str) -> None:
    request.session["flash"] = message


# A post's fields and files read at most (Starlette's own default): a form larger than its page
# can send is refused before anything reads it.
FORM_FIELDS = 1000
FORM_FILES = 1000
# Answers a post beyond a route's form limits (Starlette's reason, in one line), in place of
# the generic error page: the route's own page, with what it can keep.
Refused = Callable[[Request, str], Response]


def guard(
    permission: str,
    *,
    max_fields: int = FORM_FIELDS,
    max_files: int = FORM_FILES,
    max_bytes: int = FORM_MAX_BYTES,
    refused: Refused | None = None,
) -> Callable[[Endpoint], Endpoint]:
    """Require a signed-in user with ``permission``; on POST, a valid CSRF token first.

    The handler finds the user in ``request.state.user`` and a parsed form in
    ``request.state.form``. A route whose page sends larger forms sets ``max_fields`` and
    ``max_files`` (and ``max_bytes``, the whole body); a post beyond them is answered by
    ``refused`` (to a signed-in user with ``permission``; nothing was read, so nothing is
    done), else by a 400 error page (413 for the body's size).
    """

    def wrap(handler: Endpoint) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            request.state.user = None
            too_large: str | None = None
            if request.method == "POST":
                try:
                    form = await limited_form(
                        request, limit=max_bytes, max_fields=max_fields, max_files=max_files
                    )
                except TooLarge:  # the rest of it is never read
                    too_large = f"the form sent is larger than {in_words(max_bytes)}"
                    if refused is None:
                        return error_page(request, 413, f"Not done: {too_large}.")
                except HTTPException as exc:  # Starlette: too many fields or files
                    if refused is None or exc.status_code != 400:
                        raise
                    too_large = str(exc.detail)
                else:
                    request.state.form = form
                if too_large is None and not csrf_ok(
                    request.session.get("csrf"),
                    form.get("csrf_token"),  # type: ignore[arg-type]
                ):
                    log.warning("CSRF check failed for %s %s", request.method, request.url.path)
                    return error_page(
                        request,
                        403,
                        "The form has expired or was not sent by "
                        "this site (CSRF check failed). Reload the page and retry.",
                    )
            with open_store(request) as store:
                user = resolve_user(request, store)
                # an account limited to some units: another unit's case is not there for it
                hidden = hidden_case(store, request, user) if user is not None else None
            if user is None:
                if request.method == "GET":
                    # the whole address, filters too: a shared link opens as it was sent
                    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(f"/login?next={quote(here, safe='/')}", status_code=303)
                return error_page(request, 401, "Please sign in.")
            request.state.user = user
            if not can(user.role, permission):
                if request.method == "GET" and permission == "view" and can(user.role, "prescreen"):
                    # a grant officer (signing in lands on /cases): their one page instead
                    return RedirectResponse("/prescreen", status_code=303)
                return error_page(
                    request, 403, f"Your role ({user.role}) may not do this ({permission})."
                )
            if hidden is not None:
                return error_page(request, 404, f"There is no case {hidden}.")
            if too_large is not None and refused is not None:
                return refused(request, too_large)
            return await handler(request)

        return endpoint

    return wrap


SQLITE_MAX_INTEGER = 2**63 - 1


def row_id(request: Request, param: str, what: str) -> int:
    """A numeric path parameter as a database id; one SQLite cannot hold is not found (it
    made the query raise and the page answer 500)."""
    value: int = request.path_params[param]
    if value > SQLITE_MAX_INTEGER:
        raise HTTPException(404, f"There is no {what} {value}.")
    return value


def error_page(request: Request, status: int, message: str) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


SECRET_FIELDS = ("password", "csrf_token")  # never written back into a page


def busy_page(request: Request, message: str) -> Response:
    """503 with what was typed kept: a POST's fields in a form that sends them again."""
    form = getattr(request.state, "form", None)
    resend = None
    if request.method == "POST" and form is not None:
        resend = [
            (name, str(value))
            for name, value in form.multi_items()
            if isinstance(value, str) and not any(s in name for s in SECRET_FIELDS)
        ]
    action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = request.app.state.templates.TemplateResponse(
        request,
        "busy.html",
        {"message": message, "resend": resend, "action": action},
        status_code=503,
    )
    response.headers["Retry-After"] = "5"
    return response


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/cases"
