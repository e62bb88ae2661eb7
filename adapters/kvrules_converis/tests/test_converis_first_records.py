"""The first records of a full pass come without the bulk read of every link and organisation
(351 rate-limited requests on 3,000 projects, ~45 s before `fetch --limit 3` showed anything):
the first projects are read with their own related records until the bulk read pays off, and
they map exactly as the bulk-read ones do."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from converis_helpers import SECRET, adapter_for, events_by_record, scan
from kvrules_converis.simulator import SimulatorHandle, start_simulator
from kvrules_converis.state import State

from kvrules import FetchedRecord

SERVED: list[str] = []  # paths the module's simulator answered


@pytest.fixture(scope="module")
def big_sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=3000, seed=1, password=SECRET, rate_limit=None) as sim:
        sim.on_request(lambda method, path, status: SERVED.append(path))
        yield sim


def requests_for(sim: SimulatorHandle, records: int | None) -> tuple[int, list[FetchedRecord]]:
    """Requests the simulator served for the first ``records`` of a full pass (None: all)."""
    SERVED.clear()
    adapter = adapter_for(sim)
    try:
        content = (r for r in adapter.fetch(None) if r.events or r.error)
        got = list(itertools.islice(content, records))
    finally:
        adapter.close()
    return len(SERVED), got


@pytest.mark.slow
def test_first_records_of_a_full_pass_cost_a_few_requests(big_sim: SimulatorHandle) -> None:
    first, records = requests_for(big_sim, 3)
    assert len(records) == 3
    whole, everything = requests_for(big_sim, None)
    assert len(everything) == 3000
    # The bulk read is most of a full pass; the first three records need a small part of it.
    assert first * 5 < whole, (first, whole)


@pytest.mark.slow
def test_records_read_alone_map_as_the_bulk_read_ones(big_sim: SimulatorHandle) -> None:
    adapter = adapter_for(big_sim)
    try:
        mixed = scan(adapter)  # the first projects alone, then the bulk read
        bulk_from_the_start = State(phase="projects", start=1).encode()  # resumes bulk-read
        bulk = scan(adapter_for(big_sim), bulk_from_the_start)
    finally:
        adapter.close()
    assert events_by_record(mixed) == events_by_record(bulk)
