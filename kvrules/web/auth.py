"""Who is asking: a local session (argon2 password) or a trusted reverse proxy's header (SSO);
the ``guard`` decorator checks the role and, on every POST, the CSRF token.

A local session is a signed cookie naming the account and its *session generation*; it counts
only while that generation is the account's current one (read from the database on every
request), so signing out, a password reset, a role change or disabling ends it everywhere.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.store import Store
from kvrules.store.db import StoreError
from kvrules.store.users import User
from kvrules.web.bodies import FORM_MAX_BYTES, TooLarge, limited_form, size_in_words
from kvrules.web.errorwords import heading, in_words
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
        if user is not None and user.password_hash and not settings(request).proxy_local_accounts:
            log.warning(
                "the proxy header names %s, an account with a local password: refused", user.name
            )
            return None
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
                    too_large = f"the form sent is larger than {size_in_words(max_bytes)}"
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
                    if from_this_sites_page(request):
                        # a form of ours whose session expired or was renewed meanwhile
                        return kept_page(request)
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
                if too_large is None and from_this_sites_page(request):
                    return kept_page(request)  # signed out meanwhile: sign in, text kept
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


def error_page(request: Request, status: int, message: str, said_as: str | None = None) -> Response:
    """The site's error page: a heading saying what happened (``said_as``, else the status's),
    the reason in kvrules' words, and the way back for whoever is asking (their cases, the
    pre-screen, or signing in)."""
    if getattr(request.state, "user", None) is None:
        # an error raised before ``guard`` looked (an unknown address): who is asking anyway;
        # a store that cannot be read now leaves the page without its way back, never broken
        try:
            with open_store(request) as store:
                request.state.user = resolve_user(request, store)
        except (StoreError, sqlite3.Error) as unread:
            log.warning("error page for %s without its reader: %s", request.url.path, unread)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "heading": said_as or heading(status),
            "message": in_words(status, message),
        },
        status_code=status,
    )


SECRET_FIELDS = ("password", "csrf_token")  # never written back into a page


def typed(form: FormData) -> list[tuple[str, str]]:
    """A form's text fields as posted, in order; never a password or the CSRF token (a file
    cannot be sent again from a page)."""
    return [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and not any(s in name for s in SECRET_FIELDS)
    ]


def chosen_files(form: FormData) -> list[tuple[str, str]]:
    """A form's file fields that carried a file: ``(field, file name)``. A file cannot be
    kept through signing in (a page cannot fill a file field): its name is, to ask for it."""
    return [
        (name, value.filename)
        for name, value in form.multi_items()
        if not isinstance(value, str) and getattr(value, "filename", None)
    ]


def files_not_kept(files: list[tuple[str, str]], when: str) -> str:
    """The sentence asking for the chosen files again ("" when there were none)."""
    if not files:
        return ""
    names = ", ".join(name for _, name in files)
    one = len(files) == 1
    return (
        f" The file you chose ({names}) {'was' if one else 'were'} not kept: choose "
        f"{'the file' if one else 'the files'} again {when}."
    )


def _action(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def busy_page(request: Request, message: str) -> Response:
    """503 with what was typed kept: a POST's fields in a form that sends them again."""
    form = getattr(request.state, "form", None)
    posted = request.method == "POST" and form is not None
    resend = typed(form) if posted else None
    files = chosen_files(form) if posted else []
    action = _action(request)
    response = request.app.state.templates.TemplateResponse(
        request,
        "busy.html",
        {
            "message": message + files_not_kept(files, "below"),
            "resend": resend,
            "action": action,
            "files": files,
        },
        status_code=503,
    )
    response.headers["Retry-After"] = "5"
    return response


def from_this_sites_page(request: Request) -> bool:
    """Whether the browser says this post came from one of kvrules' own pages: a form typed
    here, which may be kept when its session expired; never a post from another site, which
    a kept form would let through with one click (CSRF)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site.strip().lower() == "same-origin"
    origin = request.headers.get("origin")
    return origin is not None and origin == f"{request.url.scheme}://{request.url.netloc}"


# The sign-in form carries a kept form's fields under this prefix, and its address as
# KEPT_ACTION: after signing in, the page offers to send them again (``kept_page``).
KEPT = "kept:"
KEPT_ACTION = "kept_action"
KEPT_FILE = "kept_file:"  # a file field's name → the name of the file that was chosen
EXPIRED = "Your session expired: sign in again, your text is kept below."
RENEWED = (
    "This form was opened before your session was renewed (signed in again, or in another "
    "window): your text is kept below; send it again if it is still what you want."
)


def kept_page(request: Request) -> Response:
    """A form of this site posted after its session expired, or was ended or renewed: never a
    bare 403 losing what was typed. Signed out: the sign-in form, carrying the typed fields
    (401); still signed in: the typed fields in a form that sends them again (403)."""
    form = getattr(request.state, "form", None)
    fields = typed(form) if form is not None else []
    files = chosen_files(form) if form is not None else []
    templates = request.app.state.templates
    with open_store(request) as store:
        user = resolve_user(request, store)
    if user is None:
        request.session.clear()  # a session that no longer counts: a fresh one to sign in
        return templates.TemplateResponse(
            request,
            "login.html",
            {
                "next": _came_from(request),
                "error": EXPIRED + files_not_kept(files, "after signing in"),
                "kept": fields,
                "kept_files": files,
                "kept_action": _action(request),
            },
            status_code=401,
        )
    request.state.user = user  # the page's menu, as for any signed-in page
    message = RENEWED + files_not_kept(files, "below")
    return resend_page(request, fields, _action(request), message, status_code=403, files=files)


def resend_page(
    request: Request,
    fields: list[tuple[str, str]],
    action: str,
    message: str,
    status_code: int,
    files: list[tuple[str, str]] | None = None,
) -> Response:
    """What was typed, shown, in a form that sends it to ``action`` again; ``files``: the
    file fields it had (field, file name), each asked for again in that form."""
    return request.app.state.templates.TemplateResponse(
        request,
        "kept.html",
        {"message": message, "resend": fields, "action": action, "files": files or []},
        status_code=status_code,
    )


def _came_from(request: Request) -> str:
    """The page the form was on (its Referer, on this site), to land on after signing in."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    return "/cases"


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/cases"
