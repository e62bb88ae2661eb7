"""Accounts, for admins: list them, add one or change its role, disable or enable one; and
the pre-screening API's client tokens: issue (shown once) and revoke.

The same store calls as ``kvrules users`` (every change is in the audit log, the password only
as its argon2 hash). Two safeguards keep the institution from locking itself out: an admin
cannot disable their own account, and the last active admin cannot lose the role. A new role
or password and disabling end the account's sessions; saving a disabled account leaves it
disabled (enabling is a separate step).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.store.users import ROLES
from kvrules.web.auth import error_page, flash, guard, open_store
from kvrules.web.security import MIN_PASSWORD


def _back(request: Request, message: str) -> Response:
    flash(request, message)
    return RedirectResponse("/admin/users", status_code=303)


def _accounts_page(request: Request, **extra: object) -> Response:
    with open_store(request) as store:
        accounts, tokens = store.users(), store.api_tokens()
    return request.app.state.templates.TemplateResponse(
        request,
        "admin_users.html",
        {
            "accounts": accounts,
            "roles": ROLES,
            "min_password": MIN_PASSWORD,
            "tokens": tokens,
            **extra,
        },
    )


@guard("admin")
async def account_list(request: Request) -> Response:
    return _accounts_page(request)


@guard("admin")
async def issue_token(request: Request) -> Response:
    """A new API token, shown in this one response (never in a redirect, cookie or log)."""
    client = str(request.state.form.get("client", "")).strip()
    with open_store(request) as store:
        try:
            new_token = store.issue_api_token(client, actor=request.state.user.name)
        except ValueError as exc:
            return error_page(request, 400, str(exc))
    return _accounts_page(request, new_token=new_token, new_client=client)


@guard("admin")
async def revoke_token(request: Request) -> Response:
    client = request.path_params["client"]
    with open_store(request) as store:
        if not store.revoke_api_token(client, actor=request.state.user.name):
            return error_page(request, 404, f"{client} has no live API token.")
    return _back(request, f"The API token of {client} is revoked: its next request is refused.")


@guard("admin")
async def save_account(request: Request) -> Response:
    form = request.state.form
    name = str(form.get("name", "")).strip()
    role = str(form.get("role", ""))
    password = str(form.get("password", ""))
    if not name or role not in ROLES:
        return error_page(request, 400, "An account needs a name and one of the roles.")
    try:
        password_hash = await request.app.state.passwords.hash(password) if password else None
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    with open_store(request) as store:
        existing = store.user(name)
        try:  # the last-admin check is made in the write's transaction
            new = store.add_user(
                name,
                role,
                password_hash,
                actor=request.state.user.name,
                keep_an_admin=True,
                set_by_admin=True,  # temporary: the account sets its own (credential_origins)
            )
        except ValueError as exc:
            return error_page(request, 400, f"{exc}.")
    how = (
        "with a temporary password: it sets its own at its next sign-in"
        if password_hash
        else "signing in through SSO or as before"
    )
    still = (
        " It is still disabled: enable it to let it sign in."
        if existing and existing.disabled
        else ""
    )
    return _back(request, f"Account {name} {'added' if new else 'updated'} ({role}, {how}).{still}")


@guard("admin")
async def disable_account(request: Request) -> Response:
    name = request.path_params["name"]
    if name == request.state.user.name:
        return error_page(request, 400, "You cannot disable your own account.")
    with open_store(request) as store:
        try:  # the last-admin check is made in the write's transaction
            if not store.disable_user(name, actor=request.state.user.name, keep_an_admin=True):
                return error_page(request, 404, f"There is no active account {name}.")
        except ValueError as exc:
            return error_page(request, 400, f"{exc}.")
    return _back(request, f"Account {name} disabled.")


@guard("admin")
async def enable_account(request: Request) -> Response:
    name = request.path_params["name"]
    with open_store(request) as store:
        if not store.enable_user(name, actor=request.state.user.name):
            return error_page(request, 404, f"There is no disabled account {name}.")
    return _back(request, f"Account {name} enabled.")
