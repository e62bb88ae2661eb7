"""Sign in and out (local accounts).

The password is checked in a worker thread (``PasswordWork``) after the throttle's say: an
address that failed too often waits (HTTP 429, ``Retry-After``), an account that others guess
at gets a short delay, nobody is locked out (see ``kvrules.web.throttle``).
"""

from __future__ import annotations

import hashlib
import hmac
import math

import anyio
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.store.db import StoreBusy
from kvrules.store.users import User
from kvrules.web.auth import (
    FORM_FIELDS,
    KEPT,
    KEPT_ACTION,
    KEPT_FILE,
    csrf_token,
    error_page,
    files_not_kept,
    from_this_sites_page,
    log,
    login_session,
    open_store,
    resend_page,
    resolve_user,
    safe_next,
)
from kvrules.web.bodies import FORM_MAX_BYTES, TooLarge, limited_form
from kvrules.web.security import csrf_ok


def _form_again(
    request: Request, next_url: str, error: str, status: int, username: str = ""
) -> Response:
    kept, kept_action = getattr(request.state, "kept", ([], None))
    files = getattr(request.state, "kept_files", [])
    return request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {
            "next": next_url,
            "error": error + files_not_kept(files, "after signing in"),
            "username": username,
            "kept": kept,
            "kept_files": files,
            "kept_action": kept_action,
        },
        status_code=status,
    )


def _logged_name(request: Request, name: str, user: User | None) -> str:
    """An account's name as the log may keep it: an existing account's name; for any other,
    only that an unknown name was tried, and a short keyed hash (the same typing gives the
    same hash, to see repeats), since a password typed into the name field lands here. Keyed
    with the app's secret: an unkeyed hash of a short password is guessed offline."""
    if user is not None:
        return repr(user.name)
    key = request.app.state.settings.secret_key.encode()
    tag = hmac.new(key, name.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:8]
    return f"an unknown user name (keyed hash {tag})"


def _kept(form: FormData) -> tuple[list[tuple[str, str]], str | None]:
    """The fields of a form whose session expired, carried through signing in, and where
    they were going (a path on this site only)."""
    fields = [
        (name.removeprefix(KEPT), value)
        for name, value in form.multi_items()
        if name.startswith(KEPT) and isinstance(value, str)
    ]
    action = str(form.get(KEPT_ACTION, ""))
    return fields, safe_next(action) if action and action != "/login" else None


def _kept_files(form: FormData) -> list[tuple[str, str]]:
    """The file fields of a form whose session expired, with the names of the files chosen
    (the files themselves cannot be carried: they are asked for again after signing in)."""
    return [
        (name.removeprefix(KEPT_FILE), value)
        for name, value in form.multi_items()
        if name.startswith(KEPT_FILE) and isinstance(value, str) and value
    ]


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        csrf_token(request)
        return request.app.state.templates.TemplateResponse(
            request, "login.html", {"next": next_url}
        )
    form = await _capped_form(request)
    if form is None:
        return error_page(request, 413, "Not done: the sign-in form sent is too large.")
    request.state.kept = _kept(form)
    request.state.kept_files = _kept_files(form) if request.state.kept[1] else []
    if not csrf_ok(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]
        if from_this_sites_page(request):  # the sign-in page stood open too long: again
            request.session.clear()
            return _form_again(
                request,
                safe_next(str(form.get("next", ""))),
                "The sign-in form expired: sign in again"
                + (", your text is kept below." if request.state.kept[1] else "."),
                403,
                username=str(form.get("username", "")).strip(),
            )
        return error_page(request, 403, "The sign-in form expired (CSRF check failed). Reload.")
    name = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    address = request.client.host if request.client else "unknown"
    throttle = request.app.state.throttle
    if wait := math.ceil(throttle.retry_after(address)):
        log.warning("sign-in from %s refused for %d s after repeated failures", address, wait)
        response = _form_again(
            request,
            next_url,
            f"Too many failed sign-ins from your address: wait {wait} seconds, then try again.",
            429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    delay = throttle.account_delay(name)
    throttle.attempt(address, name)  # before the check, so that concurrent guesses count
    if delay:
        await anyio.sleep(delay)
    with open_store(request) as store:
        user = store.user(name) if name else None
    # Checked even without a usable hash, so that an unknown name costs as long as a known one.
    usable_hash = user.password_hash if user and not user.disabled else None
    ok = await request.app.state.passwords.verify(usable_hash, password)
    if not ok or user is None:
        log.warning("failed sign-in for %s from %s", _logged_name(request, name, user), address)
        return _form_again(request, next_url, "Unknown user name or wrong password.", 401)
    throttle.succeeded(address, name)
    try:
        with open_store(request) as store:
            store.audit(user.name, "user.signed-in", f"user:{user.name}", {})
    except StoreBusy as busy:  # a sign-in is audited or does not happen
        log.warning("sign-in of %r waited too long: %s", name, busy)
        response = _form_again(
            request,
            safe_next(str(form.get("next", ""))),
            "A scan is writing to the database right now, so you could not be signed in yet. "
            "Try again in a moment.",
            503,
            username=name,
        )
        response.headers["Retry-After"] = "5"
        return response
    login_session(request, user)
    kept, kept_action = request.state.kept
    if kept_action is not None:  # signed in again after a session expired mid-form
        request.state.user = user
        files = request.state.kept_files
        return resend_page(
            request,
            kept,
            kept_action,
            f"Signed in as {user.name}. Your text is kept below: send it again."
            + files_not_kept(files, "below before sending it"),
            status_code=200,
            files=files,
        )
    with open_store(request) as store:
        temporary = user.password_hash is not None and store.must_set_own_password(user.name)
    if temporary:  # an admin set it: the account sets its own before anything else
        return RedirectResponse("/account/password", status_code=303)
    return RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)


async def logout(request: Request) -> Response:
    """Sign out: ends every session of the account (a copied cookie stops working too)."""
    form = await _capped_form(request)
    if form is None:
        return error_page(request, 413, "Not done: the form sent is too large.")
    with open_store(request) as store:
        user = resolve_user(request, store)
    if not csrf_ok(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]
        if user is None:  # the session had expired: signed out already, nothing to refuse
            request.session.clear()
            return RedirectResponse("/login", status_code=303)
        return error_page(request, 403, "CSRF check failed.")
    with open_store(request) as store:
        if user is not None and request.session.get("user") == user.name:
            store.end_user_sessions(user.name, actor=user.name)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# A sign-out form is a few hundred bytes, a sign-in one too, unless it carries the text of a
# form whose session expired (kept for the user: a case form's cap); both are open to anyone.
SIGN_IN_MAX_BYTES = FORM_MAX_BYTES


async def _capped_form(request: Request) -> FormData | None:
    """The form, read no further than ``SIGN_IN_MAX_BYTES`` bytes (None beyond, the rest unread)."""
    try:
        return await limited_form(
            request, limit=SIGN_IN_MAX_BYTES, max_fields=FORM_FIELDS, max_files=0
        )
    except TooLarge:
        return None
