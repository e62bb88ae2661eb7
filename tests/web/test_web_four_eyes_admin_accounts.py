"""One admin cannot pass four-eyes alone by setting up two committee accounts (security review
2026-12-07, item 3: the admin created sock1 and sock2, signed in as both, proposed and
approved). Over a real server, as the reviewer did: a password an admin sets is temporary; two
accounts whose passwords one admin set cannot approve each other's decisions; the committee is
told. ``kvrules.store.credential_origins`` says why each part is there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from kvrules.store import Store
from kvrules.store.credential_origins import PAIR_WINDOW
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import PASSWORD, SECRET, case_form, case_id, served, token

TEMPORARY = "temporary password 1"


@pytest.fixture
def base(db: Path) -> Iterator[str]:
    with served(create_app(WebSettings(db=db, secret_key=SECRET, four_eyes=True))) as (url, _):
        yield url


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=60)


def _sign_in(base: str, name: str, password: str) -> tuple[httpx.Client, httpx.Response]:
    c = _client(base)
    t = token(c.get("/login").text)
    form = {"username": name, "password": password, "csrf_token": t, "next": "/cases"}
    return c, c.post("/login", data=form)


def _admin_sets(base: str, *names: str) -> None:
    admin, _ = _sign_in(base, "admin", PASSWORD)
    for name in names:
        t = token(admin.get("/admin/users").text)
        form = {"csrf_token": t, "name": name, "role": "committee", "password": TEMPORARY}
        assert admin.post("/admin/users", data=form).status_code == 303


def _own_password(base: str, name: str, new: str) -> None:
    c, r = _sign_in(base, name, TEMPORARY)
    assert r.headers["location"] == "/account/password"  # sent there first
    page = c.get("/account/password")
    assert "An admin set your password" in page.text
    form = {"csrf_token": token(page.text), "current": TEMPORARY, "new": new, "again": new}
    assert c.post("/account/password", data=form).status_code == 303


def _propose(client: httpx.Client, cid: int) -> httpx.Response:
    data = {"decision": "approve", "rationale": "no concerns", "form": "decide"}
    return client.post(f"/cases/{cid}/decide", data={**data, **case_form(client, cid)})


def _approve(client: httpx.Client, cid: int, decision: int) -> httpx.Response:
    return client.post(f"/decisions/{decision}/approve", data=case_form(client, cid))


def test_two_accounts_one_admin_set_up_cannot_pass_four_eyes(base: str, db: Path) -> None:
    cid = case_id(db)
    _admin_sets(base, "sock1", "sock2")
    sock1, r = _sign_in(base, "sock1", TEMPORARY)
    assert r.headers["location"] == "/account/password"
    refused = _propose(sock1, cid)  # before setting its own password
    assert refused.status_code == 400 and "set your own" in refused.text
    _own_password(base, "sock1", "sock one's own password")
    _own_password(base, "sock2", "sock two's own password")
    sock1, _ = _sign_in(base, "sock1", "sock one's own password")
    assert _propose(sock1, cid).status_code == 303
    with Store.open(db) as store:
        (proposed,) = store.decisions(cid)
    sock2, _ = _sign_in(base, "sock2", "sock two's own password")
    refused = _approve(sock2, cid, proposed.id)
    assert refused.status_code == 409
    assert "were both set by admin" in refused.text and "another committee member" in refused.text
    chair, _ = _sign_in(base, "chair", PASSWORD)  # a member no admin set up: the pair is real
    notice = chair.get("/cases").text
    assert 'id="committee-set-up"' in notice and "sock1: created by admin" in notice
    assert _approve(chair, cid, proposed.id).status_code == 303
    with Store.open(db) as store:
        assert store.decision(proposed.id).approved_by == "chair"  # type: ignore[union-attr]
        told = [(e.actor, e.details["account"]) for e in store.audit_entries("committee")]
        assert told == [("admin", "sock1"), ("admin", "sock2")]


def test_the_pair_is_refused_for_the_window_only(db: Path) -> None:
    """After ``PAIR_WINDOW`` (the committee having been told all along) the accounts pair."""
    from kvrules.store import credential_origins

    with Store.open(db) as store:
        for name in ("sock1", "sock2"):
            store.add_user(name, "committee", "hash", actor="admin", set_by_admin=True)
        conn = store._db.conn
        now = datetime.now(UTC)
        assert credential_origins.pair_refusal(conn, "sock1", "sock2", now)
        later = now + PAIR_WINDOW + timedelta(days=1)
        assert credential_origins.pair_refusal(conn, "sock1", "sock2", later) is None
        assert credential_origins.pair_refusal(conn, "sock1", "chair", now) is None
