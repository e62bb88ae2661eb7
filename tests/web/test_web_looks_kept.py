"""Looks kept while a scan writes (review of the privacy change, items 4 and 5): the audit
write waited the app's busy timeout (5 s by default) inside the async handler, stalling the
event loop (0.02 → 5.19 s a page); the queue of kept looks had no bound; and an erasure that
ran while a search was kept was undone when it was written, the name with it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from kvrules.store import Store
from kvrules.store.audit import DROPPED_TEXT
from kvrules.web import looks
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import app_for, case_id, login


def test_a_look_during_a_scan_does_not_wait_for_the_lock(db: Path) -> None:
    """With the default busy wait: the scan's lock is held until the page has been served, or
    half that wait at most. Waiting for the lock, the look would be written once it is let go
    (nothing kept); not waiting, it is kept at once."""
    client = app_for(db)  # the default busy_wait
    login(client, "viewer")
    cid = case_id(db)
    served = threading.Event()
    held = threading.Event()

    def scan() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        served.wait(WebSettings(db=db, secret_key="x" * 32).busy_wait / 2)
        conn.execute("ROLLBACK")
        conn.close()

    writer = threading.Thread(target=scan)
    writer.start()
    held.wait()
    try:
        assert client.get(f"/cases/{cid}").status_code == 200
        kept = len(client.app.state.looks_pending)  # type: ignore[attr-defined]
    finally:
        served.set()
        writer.join()
    assert kept == 1


def test_past_the_cap_looks_are_counted_and_the_count_audited(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(looks, "MAX_PENDING", 2)
    client = app_for(db)
    login(client, "viewer")
    cid = case_id(db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for _ in range(5):
            assert client.get(f"/cases/{cid}").status_code == 200
        assert len(client.app.state.looks_pending) == 2  # type: ignore[attr-defined]
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    with Store.open(db) as store:
        head = store.audit_head()[0]
    assert client.get(f"/cases/{cid}").status_code == 200
    with Store.open(db) as store:
        new = [e for e in store.audit_entries() if e.id > head]
    assert [e.action for e in new] == ["case.viewed"] * 3 + [looks.LOOKS_NOT_KEPT]
    assert new[-1].details == {"looks": 3}


def test_an_erasure_while_a_search_was_kept_is_not_undone(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        assert client.get("/cases", params={"q": "Anna Kim"}).status_code == 200
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    with Store.open(db) as store:
        store.erase_person("Anna Kim", actor="dpo", apply=True)
    assert client.get("/cases", params={"q": "Najing"}).status_code == 200
    with Store.open(db) as store:
        searches = [e.details for e in store.audit_entries() if e.action == "cases.searched"]
        assert searches == [{"q": DROPPED_TEXT}, {"q": "Najing"}]
        assert store.verify_audit() == []
