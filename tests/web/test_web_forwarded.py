"""Behind a TLS-terminating proxy (reviewer's defect: the session cookie lacked Secure and
X-Forwarded-Proto was ignored): the headers are believed from the addresses
``forwarded_allow_ips`` names only (``serve --forwarded-allow-ips``), and the cookie of a
request that reached the proxy over https is Secure."""

from __future__ import annotations

from pathlib import Path

from tests.web.web_helpers import PASSWORD, app_for, token


def _session_cookie(client, **headers: str) -> str:
    t = token(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": "committee", "password": PASSWORD, "csrf_token": t},
        headers=headers,
        follow_redirects=False,
    )
    return next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and "kvrules_session" in v
    )


def test_behind_a_trusted_tls_proxy_the_cookie_is_secure(db: Path) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    behind = app_for(db, forwarded_allow_ips=("testclient",))
    assert "secure" in _session_cookie(behind, **https).lower()
    # the same headers from an address not trusted for them are ignored
    untrusted = app_for(db, forwarded_allow_ips=("10.0.0.1",))
    assert "secure" not in _session_cookie(untrusted, **https).lower()
    assert "secure" not in _session_cookie(app_for(db), **https).lower()  # the default: none


def test_sso_is_still_trusted_by_the_proxy_address_behind_forwarded_headers(db: Path) -> None:
    client = app_for(
        db,
        proxy_header="X-Remote-User",
        trusted_proxies=("testclient",),
        forwarded_allow_ips=("testclient",),
    )
    page = client.get(
        "/cases", headers={"X-Remote-User": "sso-user", "X-Forwarded-For": "203.0.113.9"}
    )
    assert page.status_code == 200 and "sso-user" in page.text
