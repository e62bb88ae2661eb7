"""Sessions end on the server, sign-in cannot stall the app or lock out the real user, and ids
beyond SQLite's integers are 404 — all against a real uvicorn server on 127.0.0.1 (clients
connect from different 127.x.y.z addresses to stand in for different machines)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from kvrules.web.throttle import Throttle
from tests.web.web_helpers import PASSWORD, SECRET, case_id, served, token

COOKIE = "kvrules_session"
NEW_PASSWORD = "another long passphrase"


@pytest.fixture
def server(db: Path) -> Iterator[tuple[str, uvicorn.Server]]:
    with served(create_app(WebSettings(db=db, secret_key=SECRET))) as running:
        yield running


@pytest.fixture
def base(server: tuple[str, uvicorn.Server]) -> str:
    return server[0]


def client(base: str, source: str = "127.0.0.1", cookie: str | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=base,
        transport=httpx.HTTPTransport(local_address=source),
        cookies={COOKIE: cookie} if cookie else None,
        follow_redirects=False,
        timeout=60,
    )


def sign_in(c: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    t = token(c.get("/login").text)
    return c.post(
        "/login", data={"username": name, "password": password, "csrf_token": t, "next": "/cases"}
    )


def signed_in(base: str, name: str, source: str = "127.0.0.1") -> httpx.Client:
    c = client(base, source)
    assert sign_in(c, name).status_code == 303
    return c


def post_form(c: httpx.Client, path: str, data: dict, page: str = "/cases") -> httpx.Response:
    return c.post(path, data={**data, "csrf_token": token(c.get(page).text)})


def cli_ok(*args: str, password: str | None = None) -> None:
    r = CliRunner().invoke(cli, list(args), input=f"{password}\n" if password else None)
    assert r.exit_code == 0, r.output


# -- a stolen or kept cookie stops working ------------------------------------------------


def _logout(base: str, adviser: httpx.Client, db: Path) -> None:
    assert post_form(adviser, "/logout", {}).status_code == 303


def _web_password_reset(base: str, adviser: httpx.Client, db: Path) -> None:
    admin = signed_in(base, "admin")
    data = {"name": "adviser", "role": "adviser", "password": NEW_PASSWORD}
    assert post_form(admin, "/admin/users", data, "/admin/users").status_code == 303


def _web_role_change(base: str, adviser: httpx.Client, db: Path) -> None:
    admin = signed_in(base, "admin")
    data = {"name": "adviser", "role": "committee", "password": ""}
    assert post_form(admin, "/admin/users", data, "/admin/users").status_code == 303


def _web_disable(base: str, adviser: httpx.Client, db: Path) -> None:
    admin = signed_in(base, "admin")
    assert post_form(admin, "/admin/users/adviser/disable", {}, "/admin/users").status_code == 303


def _cli_password_reset(base: str, adviser: httpx.Client, db: Path) -> None:
    args = ("users", "add", "adviser", "--role", "adviser", "--db", str(db), "--password-stdin")
    cli_ok(*args, password=NEW_PASSWORD)


def _cli_role_change(base: str, adviser: httpx.Client, db: Path) -> None:
    cli_ok("users", "add", "adviser", "--role", "viewer", "--sso", "--db", str(db))


def _cli_disable(base: str, adviser: httpx.Client, db: Path) -> None:
    cli_ok("users", "disable", "adviser", "--db", str(db))


ENDINGS: dict[str, Callable[[str, httpx.Client, Path], None]] = {
    "logout": _logout,
    "password reset in the web app": _web_password_reset,
    "role change in the web app": _web_role_change,
    "disabled in the web app": _web_disable,
    "password reset with kvrules users": _cli_password_reset,
    "role change with kvrules users": _cli_role_change,
    "disabled with kvrules users": _cli_disable,
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_replayed_cookie_is_refused_once_the_session_ended(
    base: str, db: Path, ending: str
) -> None:
    adviser = signed_in(base, "adviser")
    cid = case_id(db)
    csrf = token(adviser.get(f"/cases/{cid}").text)
    stolen = adviser.cookies[COOKIE]
    assert client(base, cookie=stolen).get("/cases").status_code == 200  # it did work

    ENDINGS[ending](base, adviser, db)

    replayed = client(base, cookie=stolen)
    r = replayed.get("/cases")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = replayed.post(f"/cases/{cid}/triage", data={"colour": "red", "csrf_token": csrf})
    assert r.status_code == 401
    with Store.open(db) as store:
        assert cid not in store.triage_colours()


def test_a_role_change_never_re_enables_a_disabled_account(base: str, db: Path) -> None:
    adviser = signed_in(base, "adviser")
    stolen = adviser.cookies[COOKIE]
    admin = signed_in(base, "admin")
    assert post_form(admin, "/admin/users/adviser/disable", {}, "/admin/users").status_code == 303
    data = {"name": "adviser", "role": "committee", "password": ""}
    r = post_form(admin, "/admin/users", data, "/admin/users")
    assert r.status_code == 303
    assert "still disabled" in admin.get("/admin/users").text
    r = CliRunner().invoke(
        cli, ["users", "add", "adviser", "--role", "viewer", "--sso", "--db", str(db)]
    )
    assert r.exit_code == 0 and "still disabled: `kvrules users enable adviser`" in r.output
    with Store.open(db) as store:
        user = store.user("adviser")
        assert user is not None and user.disabled and user.role == "viewer"
    assert client(base, cookie=stolen).get("/cases").status_code == 303
    assert sign_in(client(base), "adviser").status_code == 401

    # Enabling is its own, audited step; the old session stays ended.
    r = post_form(admin, "/admin/users/adviser/enable", {}, "/admin/users")
    assert r.status_code == 303
    assert client(base, cookie=stolen).get("/cases").status_code == 303
    assert sign_in(client(base), "adviser").status_code == 303
    with Store.open(db) as store:
        actions = [e.action for e in store.audit_entries("user:adviser")]
        assert actions[-2:] == ["user.enabled", "user.signed-in"]


def test_enable_with_kvrules_users(db: Path) -> None:
    cli_ok("users", "disable", "viewer", "--db", str(db))
    cli_ok("users", "enable", "viewer", "--db", str(db))
    with Store.open(db) as store:
        assert not store.user("viewer").disabled
    r = CliRunner().invoke(cli, ["users", "enable", "viewer", "--db", str(db)])
    assert r.exit_code == 1 and "no disabled account 'viewer'" in r.output


def test_other_accounts_keep_their_sessions(base: str) -> None:
    adviser, viewer = signed_in(base, "adviser"), signed_in(base, "viewer")
    assert post_form(adviser, "/logout", {}).status_code == 303
    assert viewer.get("/cases").status_code == 200


def test_sso_through_the_proxy_header_still_works(db: Path) -> None:
    settings = WebSettings(
        db=db, secret_key=SECRET, proxy_header="X-Remote-User", trusted_proxies=("127.0.0.1",)
    )
    with served(create_app(settings)) as (base, _):
        sso = client(base)
        sso.headers["X-Remote-User"] = "sso-user"
        assert sso.get("/cases").status_code == 200
        cid = case_id(db)
        r = post_form(sso, f"/cases/{cid}/triage", {"colour": "amber"}, f"/cases/{cid}")
        assert r.status_code == 303
        cli_ok("users", "disable", "sso-user", "--db", str(db))
        assert sso.get("/cases").status_code == 303


# -- sign-in: hashing off the event loop, throttling without lock-out ----------------------


def test_slow_password_checks_do_not_hold_up_other_pages(
    server: tuple[str, uvicorn.Server], db: Path
) -> None:
    base, srv = server
    # A hash with a high work factor makes each check slow for real (no stand-in): this is
    # what 48 concurrent wrong passwords did to every page.
    slow = PasswordHasher(time_cost=30, memory_cost=16384).hash(PASSWORD)
    with Store.open(db) as store:
        store.add_user("slow", "viewer", slow, actor="test")
    reader = signed_in(base, "viewer")
    guessers = [client(base, f"127.0.0.{10 + i}") for i in range(4)]
    tokens = [token(g.get("/login").text) for g in guessers]
    finished: list[str] = []
    lock = threading.Lock()

    def guess(g: httpx.Client, t: str) -> None:
        r = g.post("/login", data={"username": "slow", "password": "wrong guess", "csrf_token": t})
        with lock:
            finished.append(f"login {r.status_code}")

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(guessers, tokens, strict=True)
    ]
    for t in threads:
        t.start()
    # Wait until the server is handling every guess (one request task each) — or, where the
    # checks block the event loop, has handled them one after the other ...
    while len(srv.server_state.tasks) < len(guessers) and any(t.is_alive() for t in threads):
        threading.Event().wait(0.01)
    threading.Event().wait(0.2)  # ... and has read them (not an assertion on time)
    page = reader.get("/cases")
    with lock:
        finished.append(f"page {page.status_code}")
    for t in threads:
        t.join()
    assert finished[0] == "page 200", finished  # the page did not wait for any password check
    assert finished[1:] == ["login 401"] * len(guessers)


def test_the_real_user_signs_in_after_another_address_failed_often(
    server: tuple[str, uvicorn.Server],
) -> None:
    base, running = server
    # Time stands still, so a slow password hash on a loaded machine cannot outlast the wait
    running.config.app.state.throttle = Throttle(clock=lambda: 1000.0)
    attacker = client(base, "127.0.0.2")
    for _ in range(5):
        assert sign_in(attacker, "viewer", "not the password").status_code == 401
    r = sign_in(attacker, "viewer")  # even the right password: this address must wait
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "Too many failed sign-ins from your address" in r.text
    user = client(base, "127.0.0.1")
    assert sign_in(user, "viewer").status_code == 303
    assert user.get("/cases").status_code == 200


# -- ids beyond SQLite's integers ---------------------------------------------------------

TOO_BIG = str(2**63)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/cases/{TOO_BIG}"),
        ("POST", f"/cases/{TOO_BIG}/triage"),
        ("POST", f"/cases/{TOO_BIG}/adjudicate"),
        ("POST", f"/cases/{TOO_BIG}/decide"),
        ("POST", f"/cases/{TOO_BIG}/mitigations"),
        ("POST", f"/mitigations/{TOO_BIG}/status"),
        ("GET", f"/cases/{'9' * 400}"),
    ],
)
def test_an_id_beyond_sqlite_integers_is_not_found(base: str, method: str, path: str) -> None:
    admin = signed_in(base, "committee")  # may do all of these (an admin does not decide)
    data = {
        "colour": "red",
        "verdict": "same",
        "reason": "r",
        "decision": "approve",
        "rationale": "r",
        "action": "a",
        "owner": "o",
        "status": "done",
        "csrf_token": token(admin.get("/cases").text),
    }
    r = admin.request(method, path, data=data if method == "POST" else None)
    assert r.status_code == 404, r.text[:300]
    assert "There is no" in r.text
