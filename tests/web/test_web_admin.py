"""Accounts in the web app, for admins only: add, change role, disable; audited; no lock-out."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from kvrules.web.security import verify_password
from tests.web.web_helpers import app_for, login, token


def _post(client, path: str, data: dict):
    page = client.get("/admin/users").text
    return client.post(path, data={**data, "csrf_token": token(page)})


def test_only_admins_see_and_change_accounts(db: Path) -> None:
    committee = app_for(db)
    login(committee, "committee")
    assert "/admin/users" not in committee.get("/cases").text  # no link for them
    assert committee.get("/admin/users").status_code == 403
    page = committee.get("/cases").text
    forged = committee.post(
        "/admin/users", data={"name": "mallory", "role": "admin", "csrf_token": token(page)}
    )
    assert forged.status_code == 403
    with Store.open(db) as store:
        assert store.user("mallory") is None


def test_add_change_and_disable_an_account_all_audited(db: Path) -> None:
    admin = app_for(db)
    login(admin, "admin")
    assert '<a href="/admin/users">Accounts</a>' in admin.get("/cases").text
    r = _post(admin, "/admin/users", {"name": "dora", "role": "adviser",
                                      "password": "correct horse battery"})  # fmt: skip
    assert (
        r.status_code == 200 and "Account dora added (adviser, with a temporary password" in r.text
    )
    r = _post(admin, "/admin/users", {"name": "dora", "role": "committee", "password": ""})
    assert "Account dora updated (committee" in r.text
    with Store.open(db) as store:
        dora = store.user("dora")
        assert dora is not None and dora.role == "committee"
        assert verify_password(dora.password_hash, "correct horse battery")  # kept
    r = _post(admin, "/admin/users/dora/disable", {})
    assert "Account dora disabled." in r.text
    assert (
        _post(
            admin, "/admin/users", {"name": "x", "role": "viewer", "password": "short"}
        ).status_code
        == 400
    )
    with Store.open(db) as store:
        assert store.user("dora").disabled
        actions = [(e.actor, e.action) for e in store.audit_entries("user:dora")]
        assert actions == [
            ("admin", "user.added"),
            ("admin", "user.updated"),
            ("admin", "user.disabled"),
        ]
        assert "correct horse" not in str([e.details for e in store.audit_entries("user:dora")])
    dora_client = app_for(db)
    assert "Sign in" in login(dora_client, "dora", "correct horse battery").text  # disabled


def test_no_lock_out(db: Path) -> None:
    admin = app_for(db)
    login(admin, "admin")
    assert _post(admin, "/admin/users/admin/disable", {}).status_code == 400  # not yourself
    r = _post(admin, "/admin/users", {"name": "admin", "role": "viewer", "password": ""})
    assert r.status_code == 400 and "last admin" in r.text
    _post(admin, "/admin/users", {"name": "second-admin", "role": "admin", "password": ""})
    _post(admin, "/admin/users", {"name": "admin", "role": "viewer", "password": ""})
    with Store.open(db) as store:
        assert store.user("admin").role == "viewer"  # allowed: there is another admin now
    # The role change ended their session; signed in again, the page is no longer theirs.
    assert admin.get("/admin/users", follow_redirects=False).status_code == 303
    login(admin, "admin")
    assert admin.get("/admin/users").status_code == 403
