"""A full pass fetches the next page while this one is mapped (issue #20 item 3: the reader
sets the pace of a scan, and it and the source used to wait for each other, page by page).

The next page is listed, pre-checked and its award clusters, awards and organisations fetched
on a thread of the adapter's own while the records of this page are handed on; mapping, the
cursor and the scan state stay where they were, in order. Real HTTP against the simulator.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from kvrules_pure.client import PureError
from kvrules_pure.simulator import Faults, SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for

from kvrules import FetchedRecord

PAGE = 10


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    faults = Faults(seed=3, retry_after=0, slow_seconds=0.5)
    with start_simulator(projects=4 * PAGE, seed=3, api_key=SECRET, faults=faults) as handle:
        yield handle


@pytest.fixture(autouse=True)
def no_leftover_faults(sim: SimulatorHandle) -> Iterator[None]:
    yield
    sim.faults.clear()


def eventually(condition: Callable[[], bool], *, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def clusters_asked(sim: SimulatorHandle) -> set[str]:
    """The projects whose award clusters the simulator was asked for."""
    return {r.path.split("/")[-2] for r in list(sim.requests) if r.path.endswith("/award-clusters")}


def test_the_next_pages_related_records_are_fetched_while_this_page_is_handed_on(
    sim: SimulatorHandle,
) -> None:
    listed = requests.get(
        f"{sim.base_url}/projects",
        params={"size": PAGE, "offset": PAGE},
        headers={"api-key": SECRET},
        timeout=10,
    ).json()["items"]
    second_page = {p["uuid"] for p in listed if p.get("awardClusters")}
    assert second_page  # the seed gives the second page projects with awards
    with adapter_for(sim, page_size=PAGE) as adapter:
        records = adapter.fetch(None)
        first = next(records)  # the first page is mapped; the reader stops here
        assert first.record_id not in second_page
        # Before a record of the second page is asked for, its awards are on their way.
        assert eventually(lambda: bool(second_page & clusters_asked(sim)))
        rest = list(records)
    read = [first, *rest]
    assert [r.record_id for r in read if r.events][PAGE : 2 * PAGE] == [p["uuid"] for p in listed]


def test_a_failing_next_page_is_raised_after_every_record_of_this_one(
    sim: SimulatorHandle,
) -> None:
    # The second listing fails for good (every retry): a source error, after the first page.
    sim.faults.script("GET", 2, "500", times=1_000, path="/projects$")
    got: list[FetchedRecord] = []
    with adapter_for(sim, page_size=PAGE, retries=1) as adapter, pytest.raises(PureError):
        for record in adapter.fetch(None):
            got.append(record)
    assert len([r for r in got if r.events]) == PAGE
    assert got[-1].cursor is not None  # the first page's cursor: a resumed scan starts after it


def test_stopping_early_leaves_no_reading_ahead_behind(sim: SimulatorHandle) -> None:
    sim.faults.script("GET", 1, "slow", times=1_000, path="/awards/")
    with adapter_for(sim, page_size=PAGE) as adapter:
        records = adapter.fetch(None)
        next(records)
        records.close()  # a limit or a budget: the scan stops reading here
    assert eventually(
        lambda: not any(t.name.startswith("pure-ahead") for t in threading.enumerate())
    )
