"""Sign in and out (local accounts)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.web.auth import (
    csrf_token,
    error_page,
    log,
    login_session,
    open_store,
    safe_next,
)
from kvrules.web.security import csrf_ok, verify_password


async def login(request: Request) -> Response:
    templates = request.app.state.templates
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        csrf_token(request)
        return templates.TemplateResponse(request, "login.html", {"next": next_url})
    form = await request.form()
    if not csrf_ok(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]
        return error_page(request, 403, "The sign-in form expired (CSRF check failed). Reload.")
    name = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    throttle = request.app.state.throttle
    with open_store(request) as store:
        user = store.user(name) if name else None
        ok = not throttle.blocked(name) and verify_password(
            user.password_hash if user and not user.disabled else None, password
        )
        if not ok or user is None:
            throttle.fail(name)
            log.warning(
                "failed sign-in for %r from %s", name, request.client and request.client.host
            )
            return templates.TemplateResponse(
                request,
                "login.html",
                {"next": next_url, "error": "Unknown user name or wrong password."},
                status_code=401,
            )
        throttle.clear(name)
        store.audit(user.name, "user.signed-in", f"user:{user.name}", {})
    login_session(request, user)
    return RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]
        return error_page(request, 403, "CSRF check failed.")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
