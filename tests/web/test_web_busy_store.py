"""Pages while a scan holds the write lock: reads answer, writes wait a bounded time and then
say "busy, try again in a moment" (503, what was typed kept), never a 500.

The scan is stood in for by another connection holding ``BEGIN IMMEDIATE`` on the same file:
the lock is what the scan holds, no timing is relied on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kvrules.store import Store, StoreError
from tests.web.web_helpers import PASSWORD, app_for, case_id, login, token


@contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")  # what a scan's transaction holds
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_pages_read_beside_a_scan_that_holds_the_write_lock(db: Path) -> None:
    client = app_for(db, busy_wait=0.05)
    assert login(client, "committee").status_code == 200
    cid = case_id(db)
    with write_lock_held(db):
        for path in ("/cases", f"/cases/{cid}", "/report", "/cases?q=Najing", "/audit"):
            page = client.get(path)
            assert page.status_code == 200, (path, page.status_code)


def test_a_write_meeting_a_busy_store_says_busy_and_keeps_what_was_typed(db: Path) -> None:
    client = app_for(db, busy_wait=0.05)
    login(client, "committee")
    cid = case_id(db)
    t = token(client.get(f"/cases/{cid}").text)
    note = "Listed lab <b>; escalate & ask the PI"
    with write_lock_held(db):
        page = client.post(
            f"/cases/{cid}/triage", data={"colour": "red", "note": note, "csrf_token": t}
        )
    assert page.status_code == 503 and page.headers["retry-after"]
    assert "try again in a moment" in page.text.lower() and "Traceback" not in page.text
    # what was typed comes back, escaped, in a form that sends it again
    assert 'value="Listed lab &lt;b&gt;; escalate &amp; ask the PI"' in page.text
    assert f'action="/cases/{cid}/triage"' in page.text
    again = client.post(
        f"/cases/{cid}/triage", data={"colour": "red", "note": note, "csrf_token": token(page.text)}
    )
    assert again.status_code == 200 and f"Case {cid} triaged red." in again.text


def test_sign_in_beside_a_busy_store_says_busy_and_keeps_the_name(db: Path) -> None:
    client = app_for(db, busy_wait=0.05)
    t = token(client.get("/login?next=/report").text)
    form = {"username": "viewer", "password": PASSWORD, "csrf_token": t, "next": "/report"}
    with write_lock_held(db):
        page = client.post("/login", data=form, follow_redirects=False)
    assert page.status_code == 503, page.status_code
    assert "try again in a moment" in page.text.lower()
    assert 'value="viewer"' in page.text and PASSWORD not in page.text
    assert client.get("/cases", follow_redirects=False).status_code == 303  # not signed in
    signed_in = client.post("/login", data=form, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/report"
    with Store.open(db) as store:
        assert [e.action for e in store.audit_entries("user:viewer")][-1] == "user.signed-in"


def test_a_request_never_migrates_an_older_schema(db: Path) -> None:
    """Migrating takes the write lock: ``serve`` upgrades at start; a request only reads the
    version, and an older one is refused with what to run, the file left as it was."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)"
        )
        older = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    conn.close()
    with pytest.raises(StoreError, match="kvrules db upgrade"):
        Store.open(db, migrate_schema=False)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == older
    conn.close()
