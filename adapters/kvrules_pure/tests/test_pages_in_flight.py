"""How many listing pages a full read holds at a time (issue #20 items 3 and 4).

A full pass prepares the next page (its listing, pre-check and related records) on a thread of
its own while this page is mapped. The listing used to request yet another page ahead of
that, so three decoded pages were in flight (~15 MB each for 1,000 Pure projects: the reader
process's peak), for no gain in pace: the preparing thread is ahead already. Now the listing
of a full pass requests each page when that thread asks for it: two pages at a time.
"""

from __future__ import annotations

import time

from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for


def listings(sim: SimulatorHandle) -> list[str]:
    return [r.query for r in list(sim.requests) if r.path.endswith("/ws/api/projects")]


def settled(sim: SimulatorHandle, at_least: int) -> list[str]:
    """The listing requests once at least ``at_least`` came and nothing more came for a second
    (what runs ahead of the caller has then run as far as it goes)."""
    deadline = time.monotonic() + 30
    seen = listings(sim)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = listings(sim)
        if len(now) >= at_least and now == seen:
            return now
        seen = now
    return seen


def test_a_full_pass_holds_this_page_and_the_next_not_a_third() -> None:
    with start_simulator(projects=50, seed=3, api_key=SECRET) as sim:
        with adapter_for(sim, page_size=10) as adapter:
            records = adapter.fetch(None)
            first = next(records)  # the first page is mapped; the second is being prepared
            assert first.record_id
            asked = [q for q in settled(sim, 2) if "offset" in q]
            # the first page and the one prepared ahead; the third only once the caller
            # has moved on to the second (it was requested with the second before)
            assert asked == ["size=10&offset=0", "size=10&offset=10"], asked
            rest = list(records)
        # and every page is still listed, once each, in order
        assert [q for q in listings(sim) if "offset" in q] == [
            f"size=10&offset={n}" for n in range(0, 50, 10)
        ]
    assert len([r for r in [first, *rest] if r.events or r.error]) == 50


def test_pages_ahead_by_default_and_on_demand_when_asked() -> None:
    with (
        start_simulator(projects=30, seed=3, api_key=SECRET) as sim,
        adapter_for(sim, page_size=10) as adapter,
    ):
        ahead = adapter.client.pages("/projects")
        next(ahead)
        assert len(settled(sim, 2)) == 2  # the next page requested already
        ahead.close()
        before = len(listings(sim))
        on_demand = adapter.client.pages("/projects", ahead=False)
        nxt, items = next(on_demand)
        assert (nxt, len(items)) == (10, 10)
        assert len(settled(sim, before + 1)) == before + 1  # the second only when asked
        assert [len(items) for _, items in on_demand] == [10, 10]
        assert len(listings(sim)) == before + 3
