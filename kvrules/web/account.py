"""Your own password: set it (the current one typed again), as every account must after an
admin set it (``kvrules.store.credential_origins``: until then it decides nothing)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.web.auth import flash, guard, open_store
from kvrules.web.security import MIN_PASSWORD


def _page(
    request: Request, error: str | None = None, status_code: int = 200, field: str | None = None
) -> Response:
    """The form; ``error`` said at ``field`` (current, new or again: marked invalid, described
    by it and focused, WCAG 3.3.1), or above the form when no field is to blame."""
    with open_store(request) as store:
        temporary = store.must_set_own_password(request.state.user.name)
    return request.app.state.templates.TemplateResponse(
        request,
        "account_password.html",
        {"temporary": temporary, "error": error, "field": field, "min_password": MIN_PASSWORD},
        status_code=status_code,
    )


@guard("account")
async def password_form(request: Request) -> Response:
    return _page(request)


@guard("account")
async def set_password(request: Request) -> Response:
    form, user = request.state.form, request.state.user
    current, new = str(form.get("current", "")), str(form.get("new", ""))
    if user.password_hash is None:
        return _page(request, "Your account signs in through SSO: it has no password here.", 400)
    if not await request.app.state.passwords.verify(user.password_hash, current):
        return _page(request, "The current password is wrong.", 400, "current")
    if new != str(form.get("again", "")):
        return _page(request, "The two new passwords differ.", 400, "again")
    if new == current:
        return _page(request, "Choose a password other than your current one.", 400, "new")
    try:
        password_hash = await request.app.state.passwords.hash(new)
    except ValueError as exc:
        return _page(request, f"{exc}.", 400, "new")
    with open_store(request) as store:
        store.set_user_password_hash(user.name, password_hash, actor=user.name)
    # a new password ends every session of the account, this one too: sign in again
    request.session.clear()
    flash(request, "Your password is set. Sign in with it.")
    return RedirectResponse("/login", status_code=303)
