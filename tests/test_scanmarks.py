"""The scan's marks (kvrules.store.scanmarks): per report, with the transaction, and the
records a complete read did not yield listed in key order across pages while each is noted
gone (``record_gone`` deletes the observation the next page is read after)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.store import Store, scanmarks
from kvrules.store.scanmarks import AWARDS_COUNTED, SEEN


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "kvrules.db") as opened:
        yield opened


def test_a_mark_is_new_once_per_report(store: Store) -> None:
    store.forget_scan_marks()
    assert store.scan_mark(1, AWARDS_COUNTED, "pure", "p1", "project.created")
    assert not store.scan_mark(1, AWARDS_COUNTED, "pure", "p1", "project.created")
    assert store.scan_mark(1, AWARDS_COUNTED, "pure", "p1", "partner.added")  # another kind
    assert store.scan_mark(2, AWARDS_COUNTED, "pure", "p1", "project.created")  # another scan
    assert store.scan_marked(1, AWARDS_COUNTED, "pure", "p1", "project.created")
    assert not store.scan_marked(1, SEEN, "pure", "p1")
    assert store.scan_marks(1, AWARDS_COUNTED) == 2
    store.forget_scan_marks()
    assert store.scan_marks(1, AWARDS_COUNTED) == 0


def test_marks_work_on_a_connection_that_never_began_a_scan(store: Store) -> None:
    # Scanner.rescreen(report=...) outside a scan counts awards with marks too.
    assert store.scan_mark(7, AWARDS_COUNTED, "pure", "p1", "project.created")
    assert not store.scan_marked(7, SEEN, "pure", "p1")


def test_a_mark_goes_with_a_transaction_rolled_back(store: Store) -> None:
    store.forget_scan_marks()
    with pytest.raises(RuntimeError), store.transaction():
        store.scan_mark(1, SEEN, "pure", "p1")
        raise RuntimeError("the record failed")
    assert not store.scan_marked(1, SEEN, "pure", "p1")


def test_records_observed_and_not_seen_are_listed_across_pages_as_they_go(
    store: Store,
) -> None:
    ids = [f"r{i:05d}" for i in range(2 * scanmarks.PAGE + 37)]
    with store.transaction():
        for record_id in ids:
            store.observe_record("pure", record_id, {"id": record_id})
        store.observe_record("other", "r00001", {})  # another source's: never listed
    store.forget_scan_marks()
    seen = set(ids[::3])
    for record_id in seen:
        store.scan_mark(5, SEEN, "pure", record_id)
    store.scan_mark(4, SEEN, "pure", ids[1])  # another scan's mark does not count
    unseen = [r for r in ids if r not in seen]
    assert store.observed_unmarked_count("pure", 5, SEEN) == len(unseen)
    listed = []
    for record_id in store.observed_unmarked("pure", 5, SEEN):
        listed.append(record_id)
        store.record_gone("pure", "pure", record_id, "2026-12-07T12:00:00+00:00")
    assert listed == unseen  # key order, each once, while each was forgotten
    assert sorted(store.observed_records("pure")) == sorted(seen)
    assert store.observed_records("other") == ["r00001"]
