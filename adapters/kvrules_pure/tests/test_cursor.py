"""The cursor stays small; what grows with the portfolio is kept as rows beside it
(kvrules.AdapterState), and cursors of the earlier formats are read and turned into rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from kvrules_pure.simulator import start_simulator
from kvrules_pure.state import PREFIX, RECORDS, State
from pure_helpers import SECRET, adapter_for

from kvrules import AdapterState, FetchedRecord, pack_cursor
from kvrules.store import Store


def _fetch_all(changes_feed: bool) -> list[FetchedRecord]:
    with (
        start_simulator(projects=120, seed=7, api_key=SECRET) as sim,
        adapter_for(sim, page_size=30, changes_feed=changes_feed) as adapter,
    ):
        return list(adapter.fetch(None))


@pytest.mark.parametrize("feed", [True, False], ids=["changes-feed", "versions"])
def test_the_cursor_does_not_grow_with_the_pages_read_its_rows_come_with_it(feed: bool) -> None:
    # The cursor carried the reverse index (and, without the feed, the version map), so a scan
    # held, sent and wrote a string that grew with the portfolio at every page: about 130
    # bytes more per project read (13 MB a page at 100,000 projects), in both processes.
    records = _fetch_all(feed)
    cursors = [r.cursor for r in records if r.cursor is not None]
    assert len(cursors) == 5  # four pages of projects, then the end of the pass
    assert all(c.startswith(PREFIX) for c in cursors)
    # Only the units projects named may add to it (bounded by the institution's units).
    assert len(cursors[3]) < 1.5 * len(cursors[0]) and len(cursors[3]) < 2000
    # A page's rows ride on the record that carries its cursor, nowhere else.
    assert all(r.cursor is not None for r in records if r.state_rows)
    rows = [row for r in records for row in r.state_rows]
    projects = {r.record_id for r in records if r.events}
    assert {key for space, key, _ in rows if space == RECORDS} == projects
    assert len(projects) == 120


def _older_index() -> dict:
    return {"r": ["p-1", "p-2"], "m": {"org-a": [0, 1], "award-b": [1]}}


def _head(**changes: object) -> dict:
    doc = {
        "mode": "changes",
        "phase": 0,
        "offset": 0,
        "token": "t-1",
        "versions": False,
        "pending": [],
        "unit_refs": ["abc"],
        "unit_changes": [],
    }
    return {**doc, **changes}


def _stored_again(state: State, tmp_path: Path) -> State:
    """What a scan does with the rows of a resume point: store them with the cursor; the next
    read (another process) reads them from the state database."""
    point = state.resume_point()
    with Store.open(tmp_path / "kvrules.db") as store:
        with store.transaction():
            store.keep_adapter_state("pure", point["state_rows"])
        stored = store.adapter_state("pure")  # a connection of its own, as a reader opens
    return State.decode(point["cursor"], AdapterState(stored))


def _dependents(state: State) -> dict[str, set[str]]:
    return {ref: state.index.dependents([ref]) for ref in ("org-a", "award-b", "org-z")}


@pytest.mark.parametrize("older", ["pure1", "pure2"])
def test_a_cursor_of_an_earlier_format_resumes_with_its_index_kept_as_rows(
    older: str, tmp_path: Path
) -> None:
    # What a state database holds from before: pure1, the whole index inside one document;
    # pure2, the index in packed chunks after the position.
    if older == "pure1":
        cursor = pack_cursor("pure1:", _head(index=_older_index(), versions=None))
    else:
        cursor = pack_cursor("pure2:", _head()) + "." + pack_cursor("", _older_index())
    state = State.decode(cursor, AdapterState())
    expected = {"org-a": {"p-1", "p-2"}, "award-b": {"p-2"}, "org-z": set()}
    assert _dependents(state) == expected
    assert "p-2" in state.index and "p-3" not in state.index
    state.index.add("p-3", ["org-a"])
    again = _stored_again(state, tmp_path)
    assert again.token == "t-1" and again.unit_refs == {"abc"}
    assert again.encode().startswith(PREFIX)
    assert _dependents(again) == expected | {"org-a": {"p-1", "p-2", "p-3"}}
    assert "p-3" in again.index


def test_older_versions_become_rows_a_later_chunk_overriding_an_earlier_one(
    tmp_path: Path,
) -> None:
    cursor = (
        pack_cursor("pure2:", _head(mode="diff", token=None, versions=True))
        + "~"
        + pack_cursor("", {"k1": "v1", "k2": "v2"})
        + "~"
        + pack_cursor("", {"k1": "v9"})
    )
    state = _stored_again(State.decode(cursor, AdapterState()), tmp_path)
    assert state.versions is not None
    assert state.versions.get("k1") == "v9" and state.versions.get("k2") == "v2"


def test_a_damaged_older_index_is_refused_when_the_cursor_is_read() -> None:
    cursor = pack_cursor("pure2:", _head()) + "." + pack_cursor("", _older_index())
    with pytest.raises(ValueError, match="damaged pure2: cursor"):
        State.decode(cursor[:-8] + "AAAA!!!!", AdapterState())


def test_a_version_seen_again_unchanged_writes_no_row() -> None:
    # A diffed pass lists every record: a row for each unchanged one would be held (and
    # written) per project; only what changed is.
    state = State.decode(pack_cursor(PREFIX, _head(mode="diff", versions=True)), AdapterState())
    assert state.versions is not None
    assert not state.seen("award-1", 1)
    state.rows.take()
    assert state.seen("award-1", 1) and state.rows.take() == []
    assert not state.seen("award-1", 2) and len(state.rows.take()) == 1
