"""Who looked at whose data (GDPR/ethics review of 0.3.0, 2026-12-07, item 7): a committee
member's search of the case list and the case pages they opened wrote no audit entry, so a
data-protection officer could not answer "who looked at X". Now each is audited (account,
what), the search text where `kvrules privacy` finds and erases it (the access log stays free
of queries: tests/web/test_web_access_log.py)."""

from __future__ import annotations

import json
from pathlib import Path

from kvrules.store import Store
from kvrules.store.audit import SEARCH_SUBJECT, viewed_subject
from tests.web.test_web_busy_store import write_lock_held
from tests.web.web_helpers import app_for, case_id, login


def test_a_search_and_a_case_page_are_audited_and_an_erasure_reaches_the_search(
    db: Path,
) -> None:
    client = app_for(db)
    login(client, "viewer")
    cid = case_id(db)
    with Store.open(db) as store:
        head = store.audit_head()[0]
        history = [e.id for e in store.audit_entries(f"case:{cid}")]
    assert client.get("/cases", params={"q": "Anna Kim"}).status_code == 200
    assert client.get(f"/cases/{cid}").status_code == 200
    assert client.get("/cases").status_code == 200  # no search: nothing to audit
    assert client.get("/cases/999999").status_code == 404  # no case: no view
    with Store.open(db) as store:
        new = [e for e in store.audit_entries() if e.id > head]
        assert [(e.actor, e.action, e.subject, e.details) for e in new] == [
            ("viewer", "cases.searched", SEARCH_SUBJECT, {"q": "Anna Kim"}),
            ("viewer", "case.viewed", viewed_subject(cid), {}),
        ]
        # the case's History (and the version its forms carry) is not a list of views
        assert [e.id for e in store.audit_entries(f"case:{cid}")] == history
        # the search names a person: found by an access request, gone after an erasure
        found = store.person_data("anna kim", actor="dpo")
        assert [e["action"] for e in found.audit_entries] == ["cases.searched"]
        store.erase_person("Anna Kim", actor="dpo", apply=True)
        (search,) = [e for e in store.audit_entries() if e.action == "cases.searched"]
        assert "Anna Kim" not in json.dumps(search.details) and store.verify_audit() == []


def test_a_look_while_a_scan_writes_is_shown_at_once_and_audited_after(db: Path) -> None:
    """Reading never waits for a scan (tests/web/test_web_busy_store.py): what was looked at
    while the write lock was held is audited with the next look, at the time it was made."""
    client = app_for(db, busy_wait=0.05)
    login(client, "viewer")
    cid = case_id(db)
    with Store.open(db) as store:
        head = store.audit_head()[0]
    with write_lock_held(db):
        assert client.get(f"/cases/{cid}").status_code == 200
        assert client.get("/cases", params={"q": "Najing"}).status_code == 200
    with Store.open(db) as store:
        assert store.audit_head()[0] == head  # nothing written yet, nothing lost either
    assert client.get(f"/cases/{cid}").status_code == 200
    with Store.open(db) as store:
        new = [e for e in store.audit_entries() if e.id > head]
        assert [e.action for e in new] == ["case.viewed", "cases.searched", "case.viewed"]
        assert [e.at for e in new] == sorted(e.at for e in new)
        assert store.verify_audit() == []
