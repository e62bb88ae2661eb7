"""Sign-in, sessions, cookies, CSRF, roles and reverse-proxy (SSO) auth."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

import pytest

from kvrules.store import Store
from kvrules.web.throttle import Throttle
from tests.web.web_helpers import PASSWORD, app_for, case_id, login, token


def test_pages_need_a_signed_in_user(db: Path) -> None:
    client = app_for(db)
    r = client.get("/cases", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/cases")


def test_login_sets_an_httponly_samesite_cookie_and_audits(db: Path) -> None:
    client = app_for(db)
    t = token(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": t, "next": "/cases"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/cases").status_code == 200
    with Store.open(db) as store:
        assert [e.action for e in store.audit_entries("user:viewer")][-1] == "user.signed-in"


def test_secure_cookie_when_not_on_loopback(db: Path) -> None:
    client = app_for(db, secure_cookies=True)
    client.base_url = "https://127.0.0.1"  # type: ignore[misc]
    r = client.get("/login")
    assert "secure" in r.headers["set-cookie"].lower()


def test_wrong_password_is_rejected_and_never_logged(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = app_for(db)
    r = login(client, "viewer", "wrong password 123")
    assert r.status_code == 401 and "wrong password" in r.text.lower()
    assert "wrong password 123" not in caplog.text
    assert client.get("/cases", follow_redirects=False).status_code == 303
    with Store.open(db) as store:
        assert all("wrong password 123" not in str(e.details) for e in store.audit_entries())


def test_repeated_failures_make_the_address_wait(db: Path) -> None:
    client = app_for(db)
    # Time stands still, so a slow password hash on a loaded machine cannot outlast the wait
    client.app.state.throttle = Throttle(clock=lambda: 1000.0)
    for _ in range(5):
        assert login(client, "viewer", "nope nope nope").status_code == 401
    r = login(client, "viewer")  # even the right password: this address waits a moment first
    assert r.status_code == 429 and r.headers["retry-after"] == "1"


def test_login_without_csrf_token_is_rejected(db: Path) -> None:
    client = app_for(db)
    client.get("/login")
    r = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 403


def test_post_with_a_bad_csrf_token_is_rejected_and_changes_nothing(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    del client.headers["Sec-Fetch-Site"]  # a forged post: no page of this site sent it
    r = client.post(
        f"/cases/{cid}/decide",
        data={"decision": "approve", "rationale": "fine", "csrf_token": "forged"},
    )
    assert r.status_code == 403 and "CSRF" in r.text
    with Store.open(db) as store:
        assert store.case(cid).status == "open"
        assert not store.decisions(cid)


def test_a_token_from_another_session_is_rejected(db: Path) -> None:
    mallory, victim = app_for(db), app_for(db)
    login(mallory, "viewer")
    stolen = token(mallory.get("/cases").text)
    login(victim, "committee")
    cid = case_id(db)
    r = victim.post(f"/cases/{cid}/triage", data={"colour": "red", "csrf_token": stolen})
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("role", "path", "data", "allowed"),
    [
        ("viewer", "triage", {"colour": "red"}, False),
        ("adviser", "triage", {"colour": "red"}, True),
        ("adviser", "decide", {"decision": "approve", "rationale": "ok"}, False),
        ("committee", "decide", {"decision": "approve", "rationale": "ok"}, True),
        ("viewer", "mitigations", {"action": "a", "owner": "b"}, False),
        ("committee", "mitigations", {"action": "a", "owner": "b"}, True),
        # an admin administers accounts and does not decide (committee review, item 4)
        ("admin", "mitigations", {"action": "a", "owner": "b"}, False),
        ("admin", "decide", {"decision": "approve", "rationale": "ok"}, False),
        ("admin", "triage", {"colour": "red"}, True),
    ],
)
def test_roles(db: Path, role: str, path: str, data: dict, allowed: bool) -> None:
    client = app_for(db)
    login(client, role)
    cid = case_id(db)
    t = token(client.get(f"/cases/{cid}").text)
    r = client.post(f"/cases/{cid}/{path}", data={**data, "csrf_token": t})
    assert (r.status_code == 200) is allowed, r.text[:300]
    if not allowed:
        assert r.status_code == 403


def test_disabled_user_loses_access_at_once(db: Path) -> None:
    client = app_for(db)
    login(client, "adviser")
    assert client.get("/cases").status_code == 200
    with Store.open(db) as store:
        store.disable_user("adviser", actor="admin")
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_open_redirect_is_refused(db: Path) -> None:
    client = app_for(db)
    t = token(client.get("/login").text)
    r = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": t,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/cases"


def test_proxy_header_only_when_enabled_and_from_a_trusted_proxy(db: Path) -> None:
    header = {"X-Remote-User": "sso-user"}
    off = app_for(db)
    assert off.get("/cases", headers=header, follow_redirects=False).status_code == 303
    on = app_for(db, proxy_header="X-Remote-User", trusted_proxies=("testclient",))
    assert on.get("/cases", headers=header).status_code == 200
    untrusted = app_for(db, proxy_header="X-Remote-User", trusted_proxies=("10.0.0.1",))
    assert untrusted.get("/cases", headers=header, follow_redirects=False).status_code == 303
    unknown = {"X-Remote-User": "nobody"}
    assert on.get("/cases", headers=unknown, follow_redirects=False).status_code == 303


def test_sso_account_cannot_log_in_with_a_password(db: Path) -> None:
    assert login(app_for(db), "sso-user", "").status_code == 401


def test_security_headers(db: Path) -> None:
    r = app_for(db).get("/login")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


def test_signing_in_keeps_the_filters_of_a_shared_link(db: Path) -> None:
    """`/cases?q=Beihang&severity=high` signed out went to `/login?next=/cases`."""
    client = app_for(db)
    shared = "/cases?q=Beihang&severity=high"
    r = client.get(shared, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert 'name="next" value="/cases?q=Beihang&amp;severity=high"' in page.text
    signed_in = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": token(page.text),
            "next": "/cases?q=Beihang&severity=high",
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == shared
    # still same-site paths only
    for elsewhere in ("//evil.example/cases?q=x", "https://evil.example/?a=b"):
        page = client.get(f"/login?next={quote(elsewhere, safe='')}")
        assert 'name="next" value="/cases"' in page.text


def test_the_proxy_header_names_sso_accounts_only_unless_configured(db: Path) -> None:
    """Security review 2026-12-07, item 4: a header naming a local-password account (here the
    admin) signed in as it; a proxy cannot vouch for a password it never checked."""
    on = app_for(db, proxy_header="X-Remote-User", trusted_proxies=("testclient",))
    for local in ("admin", "committee"):
        r = on.get("/cases", headers={"X-Remote-User": local}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), local
    assert on.get("/cases", headers={"X-Remote-User": "sso-user"}).status_code == 200
    both = app_for(
        db,
        proxy_header="X-Remote-User",
        trusted_proxies=("testclient",),
        proxy_local_accounts=True,
    )
    assert both.get("/cases", headers={"X-Remote-User": "committee"}).status_code == 200


def test_no_proxy_is_trusted_unless_named(db: Path) -> None:
    """The loopback address was trusted by default: any local process could act as anyone."""
    from kvrules.web.settings import WebSettings

    assert (
        WebSettings(db=db, secret_key="x" * 40, proxy_header="X-Remote-User").trusted_proxies == ()
    )


def test_serve_refuses_a_proxy_header_without_a_trusted_proxy(db: Path) -> None:
    from click.testing import CliRunner

    from kvrules.cli import cli

    args = ["serve", "--db", str(db), "--port", "1", "--proxy-header", "X-Remote-User"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--proxy-header needs --trusted-proxy ADDRESS" in result.output
    assert "Traceback" not in result.output


def test_a_failed_sign_in_logs_only_names_of_existing_accounts(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Security review 2026-12-07, item 9: the typed name was logged verbatim, so a password
    typed into the name field landed in the log."""
    caplog.set_level(logging.WARNING, logger="kvrules.web")
    client = app_for(db)
    typed_password = "my-Secret-passw0rd typed in the wrong field"
    assert login(client, typed_password, "whatever").status_code == 401
    assert login(client, typed_password, "whatever").status_code == 401
    assert login(client, "committee", "not the password").status_code == 401
    failed = [r.getMessage() for r in caplog.records if "failed sign-in" in r.getMessage()]
    assert len(failed) == 3 and typed_password not in caplog.text
    assert "Secret" not in caplog.text
    assert failed[0] == failed[1] and "an unknown user name (keyed hash " in failed[0]
    assert failed[2].startswith("failed sign-in for 'committee' from ")
