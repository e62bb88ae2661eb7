"""Every simulator fault kind, scripted and at a 5% rate: the scan result never changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kvrules_pure.simulator import Faults, SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for, events_by_record, scan

KINDS = ("429", "500", "502", "503", "slow", "reset", "truncate")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    faults = Faults(seed=11, retry_after=0, slow_seconds=1.2)
    with start_simulator(projects=150, seed=11, api_key=SECRET, faults=faults) as handle:
        yield handle


@pytest.fixture(autouse=True)
def no_leftover_faults(sim: SimulatorHandle) -> Iterator[None]:
    yield
    sim.faults.clear()


@pytest.fixture(scope="module")
def clean(sim: SimulatorHandle) -> dict[str, list[str]]:
    with adapter_for(sim, research_outputs=True, activities=True) as adapter:
        return events_by_record(scan(adapter))


def _settings() -> dict[str, object]:
    # A read timeout below slow_seconds turns 'slow' into a timeout that must be retried; it
    # stays well above an ordinary response time on a loaded CI machine.
    return {"read_timeout": 0.6, "retries": 8, "research_outputs": True, "activities": True}


@pytest.mark.parametrize("kind", KINDS)
def test_each_fault_kind_on_pages_and_sub_requests(
    sim: SimulatorHandle, clean: dict[str, list[str]], kind: str
) -> None:
    sim.faults.script("GET", 1, kind, times=2, path="/projects$")
    sim.faults.script("GET", 3, kind, path="/award-clusters$")
    sim.faults.script("GET", 2, kind, path="/awards/")
    sim.faults.script("GET", 1, kind, path="/external-organizations/")
    sim.faults.script("GET", 2, kind, path="/api/organizations/")
    sim.faults.script("GET", 1, kind, path="/research-outputs$")
    with adapter_for(sim, **_settings()) as adapter:
        assert events_by_record(scan(adapter)) == clean
    assert len([f for f in sim.faults.injected if f.kind == kind]) == 7


def test_five_percent_faults_give_exactly_the_clean_scan(
    sim: SimulatorHandle, clean: dict[str, list[str]]
) -> None:
    sim.faults.rate, sim.faults.kinds = 0.05, KINDS
    with adapter_for(sim, **_settings(), page_size=40) as adapter:
        faulty = events_by_record(scan(adapter))
    injected = {f.kind for f in sim.faults.injected}
    assert len(sim.faults.injected) >= 10 and len(injected) >= 5
    assert faulty == clean


def test_retry_after_is_honoured(sim: SimulatorHandle) -> None:
    sim.faults.retry_after = 1
    try:
        sim.faults.script("GET", 1, "429", path="/projects$")
        sim.clear_requests()
        with adapter_for(sim) as adapter:
            assert adapter.client.get_json("/projects", {"size": 1})["items"]
    finally:
        sim.faults.retry_after = 0
    # Filter: a 'slow' request timed out by an earlier test may be logged late.
    assert [r.status for r in sim.requests if r.query == "size=1"] == [429, 200]
