"""A record deleted at the source: its case says so at the top and in its history, stays as
it is for the committee, and its pending write-back is dropped (a reviewer's Converis round)."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login


def test_the_case_of_a_record_gone_from_the_source_says_so_and_stays_open(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.enqueue_writeback("pure", "p-1", ["ks:high"])
        status = store.case(cid).status
        assert store.record_gone("pure", "pure", "p-1", "2026-12-07T09:00:00+00:00")
        assert store.case(cid).status == status
        assert store.writeback_for("pure", "p-1") is None
        actions = [e.action for e in store.audit_entries("record:pure/p-1")]
    assert actions[-2:] == ["record.gone", "writeback.dropped"]
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{cid}").text
    assert 'id="source-gone"' in page and "The record is no longer in pure" in page
    history = page.split('id="history"', 1)[1]
    assert "noted that the record is no longer in pure: the full read of 2026-12-07" in history
    other = client.get(f"/cases/{case_id(db, 'p-2')}").text
    assert 'id="source-gone"' not in other
