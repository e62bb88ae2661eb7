"""Paging as the WS v2 document allows it: `count` is a maximum, not a promise (issue #15)."""

from __future__ import annotations

from converis_helpers import SECRET, adapter_for, scan
from kvrules_converis.simulator import start_simulator


def test_a_server_answering_fewer_records_than_asked_loses_nothing() -> None:
    # The server answers at most 7 records a page although the adapter asks for 50.
    with start_simulator(projects=30, seed=2, password=SECRET, rate_limit=None, page_cap=7) as sim:
        with adapter_for(sim) as adapter:
            records = scan(adapter)
        full = start_simulator(projects=30, seed=2, password=SECRET, rate_limit=None)
        with full, adapter_for(full) as reference:
            expected = scan(reference)
    assert {r.record_id for r in records} == {str(i) for i in sim.store.entities["Project"]}
    # Links and organisations are paged too: every partner and funder is still there.
    assert [r.model_dump() for r in records] == [r.model_dump() for r in expected]
