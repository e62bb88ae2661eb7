"""Sign in and out (local accounts).

The password is checked in a worker thread (``PasswordWork``) after the throttle's say: an
address that failed too often waits (HTTP 429, ``Retry-After``), an account that others guess
at gets a short delay, nobody is locked out (see ``kvrules.web.throttle``).
"""

from __future__ import annotations

import math

import anyio
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.store.db import StoreBusy
from kvrules.web.auth import (
    csrf_token,
    error_page,
    log,
    login_session,
    open_store,
    resolve_user,
    safe_next,
)
from kvrules.web.bodies import TooLarge, limited_form
from kvrules.web.security import csrf_ok


def _form_again(
    request: Request, next_url: str, error: str, status: int, username: str = ""
) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {"next": next_url, "error": error, "username": username},
        status_code=status,
    )


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        csrf_token(request)
        return request.app.state.templates.TemplateResponse(
            request, "login.html", {"next": next_url}
        )
    form = await _small_form(request)
    if form is None:
        return error_page(request, 413, "Not done: the sign-in form sent is too large.")
    if not csrf_ok(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]
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
        log.warning("failed sign-in for %r from %s", name, address)
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
    return RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)


async def logout(request: Request) -> Response:
    """Sign out: ends every session of the account (a copied cookie stops working too)."""
    form = await _small_form(request)
    if form is None:
        return error_page(request, 413, "Not done: the form sent is too large.")
    if not csrf_ok(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]
        return error_page(request, 403, "CSRF check failed.")
    with open_store(request) as store:
        user = resolve_user(request, store)
        if user is not None and request.session.get("user") == user.name:
            store.end_user_sessions(user.name, actor=user.name)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# A sign-in or sign-out form is a few hundred bytes; both are open to anyone, before sign-in.
SMALL_FORM = 64 * 1024


async def _small_form(request: Request) -> FormData | None:
    """The form, read no further than ``SMALL_FORM`` bytes (None beyond, the rest unread)."""
    try:
        return await limited_form(request, limit=SMALL_FORM, max_fields=20, max_files=0)
    except TooLarge:
        return None
