"""The cursor: written a page at a time, and read back whatever wrote it."""

from __future__ import annotations

import itertools
import re

import pytest
from kvrules_pure.simulator import start_simulator
from kvrules_pure.state import SEP, SEP_VERSIONS, ReverseIndex, State, Versions
from pure_helpers import SECRET, adapter_for

from kvrules import pack_cursor


def _chunks(cursor: str, sep: str = SEP) -> list[str]:
    """The packed chunks after ``sep`` (the reverse index's, or the versions')."""
    return [part[1:] for part in re.findall(r"[.~][^.~]*", cursor) if part[0] == sep]


def test_each_page_adds_its_own_chunk_and_carries_the_earlier_ones_as_they_were() -> None:
    # The whole reverse index was packed again at every page: time and memory that grew with
    # the portfolio (seconds per page at 50,000 projects). A page now packs only its own part.
    with (
        start_simulator(projects=120, seed=7, api_key=SECRET) as sim,
        adapter_for(sim, page_size=30) as adapter,
    ):
        cursors = [r.cursor for r in adapter.fetch(None) if r.cursor is not None]
    assert len(cursors) == 5  # four pages of projects, then the end of the pass
    for before, after in itertools.pairwise(cursors[:4]):
        assert _chunks(after)[:-1] == _chunks(before)
    assert [len(_chunks(c)) for c in cursors] == [1, 2, 3, 4, 4]
    index = State.decode(cursors[-1]).index
    assert len(index.unpacked().records) == 120


def _index_of(state: State) -> dict[str, set[str]]:
    unpacked = state.index.unpacked()
    return {ref: state.index.dependents([ref]) for ref in unpacked.refs}


def test_a_cursor_of_the_earlier_format_is_read_and_written_in_the_new_one() -> None:
    # What a state database holds from before: pure1, the whole index inside one document.
    doc = {
        "mode": "changes",
        "phase": 0,
        "offset": 0,
        "token": "t-1",
        "index": {"r": ["p-1", "p-2"], "m": {"org-a": [0, 1], "award-b": [1]}},
        "versions": None,
        "pending": [],
        "unit_refs": ["abc"],
        "unit_changes": [],
    }
    state = State.decode(pack_cursor("pure1:", doc))
    expected = {"org-a": {"p-1", "p-2"}, "award-b": {"p-2"}}
    assert _index_of(state) == expected
    assert "p-2" in state.index and "p-3" not in state.index
    state.index.add("p-3", ["org-a"])
    again = State.decode(state.encode())
    assert again.token == "t-1" and again.unit_refs == {"abc"}
    assert _index_of(again) == expected | {"org-a": {"p-1", "p-2", "p-3"}}


def test_chunks_are_packed_into_one_when_many_pile_up_in_later_passes() -> None:
    state = State(mode="changes", token="t")
    pages = ReverseIndex.COMPACT_AT + 5
    for n in range(pages):
        state.index.add(f"p-{n}", [f"org-{n % 3}"])
        state = State.decode(state.encode())  # one feed page each
    assert len(_chunks(state.encode())) <= ReverseIndex.COMPACT_AT
    assert state.index.dependents(["org-0"]) == {f"p-{n}" for n in range(0, pages, 3)}


def test_a_damaged_reverse_index_is_refused_when_the_cursor_is_read() -> None:
    state = State(mode="changes", token="t")
    state.index.add("p-1", ["org-a"])
    cursor = state.encode()
    with pytest.raises(ValueError, match="damaged pure2: cursor"):
        State.decode(cursor[:-8] + "AAAA!!!!")


def test_without_the_changes_feed_the_versions_are_written_a_page_at_a_time_too() -> None:
    # Without the feed every pass is diffed on versions, which the cursor also packed whole at
    # every page: as the reverse index did, a full read grew quadratic in the portfolio.
    with (
        start_simulator(projects=120, seed=7, api_key=SECRET) as sim,
        adapter_for(sim, page_size=30, changes_feed=False) as adapter,
    ):
        cursors = [r.cursor for r in adapter.fetch(None) if r.cursor is not None]
        versions = [_chunks(c, SEP_VERSIONS) for c in cursors]
        assert [len(v) for v in versions] == [1, 2, 3, 4, 4]
        for before, after in itertools.pairwise(versions[:4]):
            assert after[:-1] == before
        state = State.decode(cursors[-1])
        assert state.mode == "diff" and state.versions is not None
        assert len(state.versions.unpacked()) > 120  # projects and what they refer to
        assert [r.record_id for r in adapter.fetch(cursors[-1]) if r.events] == []


def test_a_later_version_overrides_an_earlier_one_across_chunks() -> None:
    state = State(mode="full", versions=Versions())
    state.remember("award-1", 1)
    state = State.decode(state.encode())
    state.remember("award-1", 2)
    state.mode = "diff"
    state = State.decode(state.encode())
    assert state.seen("award-1", 2) and not state.seen("award-2", 1)
