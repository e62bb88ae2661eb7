"""Every simulator fault kind, scripted and at a 5% rate: the scan result never changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from converis_helpers import SECRET, adapter_for, events_by_record, scan
from kvrules_converis.simulator import Faults, SimulatorHandle, start_simulator

KINDS = ("429", "500", "502", "503", "slow", "reset", "truncate")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    faults = Faults(seed=11, retry_after=0, slow_seconds=1.2)
    with start_simulator(
        projects=100, seed=11, password=SECRET, faults=faults, rate_limit=None
    ) as h:
        yield h


@pytest.fixture(autouse=True)
def no_leftover_faults(sim: SimulatorHandle) -> Iterator[None]:
    yield
    sim.faults.clear()


@pytest.fixture(scope="module")
def clean(sim: SimulatorHandle) -> dict[str, list[str]]:
    with adapter_for(sim) as adapter:
        return events_by_record(scan(adapter))


def _settings() -> dict[str, object]:
    # A read timeout below slow_seconds turns 'slow' into a timeout that must be retried; it
    # stays well above an ordinary response time on a loaded CI machine.
    return {"read_timeout": 0.6, "retries": 8, "page_size": 10}


@pytest.mark.parametrize("kind", KINDS)
def test_each_fault_kind_on_every_kind_of_request(
    sim: SimulatorHandle, clean: dict[str, list[str]], kind: str
) -> None:
    sim.faults.script("GET", 1, kind, path="/config/entities$")
    sim.faults.script("GET", 2, kind, times=2, path="/data/entities/Project$")
    sim.faults.script("GET", 1, kind, path="/data/linkentities/proj_has_fund$")
    sim.faults.script("GET", 2, kind, path="/data/entities/Organisation$")
    with adapter_for(sim, **_settings()) as adapter:
        assert events_by_record(scan(adapter)) == clean
    assert len([f for f in sim.faults.injected if f.kind == kind]) == 5


def test_five_percent_faults_give_exactly_the_clean_scan(
    sim: SimulatorHandle, clean: dict[str, list[str]]
) -> None:
    sim.faults.rate, sim.faults.kinds = 0.05, KINDS
    with adapter_for(sim, **{**_settings(), "page_size": 5}) as adapter:
        faulty = events_by_record(scan(adapter))
    assert len(sim.faults.injected) >= 8 and len({f.kind for f in sim.faults.injected}) >= 4
    assert faulty == clean


def test_faults_during_an_incremental_pass(sim: SimulatorHandle) -> None:
    with adapter_for(sim, **_settings()) as adapter:
        cursor = None
        for r in adapter.fetch(None):
            cursor = r.cursor or cursor
        touched = sorted(sim.store.entities["Project"])[:6]
        for pid in touched:
            sim.store.touch(pid)
        sim.faults.rate, sim.faults.kinds = 0.15, ("429", "500", "503", "reset", "truncate")
        got = {r.record_id for r in scan(adapter, cursor) if r.events or r.error}
    assert got == {str(p) for p in touched}


def test_a_write_survives_a_failed_put(sim: SimulatorHandle) -> None:
    pid = sorted(sim.store.entities["Project"])[-1]
    sim.faults.script("PUT", 1, "503")
    sim.faults.script("PUT", 2, "reset")
    with adapter_for(sim) as adapter:
        assert adapter.write_tags(str(pid), ["ks:low"], dry_run=False).written
        assert adapter.write_tags(str(pid), ["ks:low"]).before == ["ks:low"]
        adapter.write_tags(str(pid), [], dry_run=False)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"hello": "other host"}, "no 'data' list"),
        ({"nrRecordsAll": 3, "data": {"id": 1}}, "'data' is not a list"),
        ([{"id": 1}], "a JSON list, not an object"),
    ],
)
def test_a_list_page_without_the_read_apis_fields_is_a_source_error_not_zero_records(
    answer: object, says: str
) -> None:
    """As the Pure adapter's (reviewer's defect): a 200 without the Read API's list fields
    is not an empty list. (A wrong base_url is caught first by the data-model check; a page
    in the middle of a scan is not.)"""
    from kvrules_converis.client import ConverisClient, ConverisError
    from kvrules_converis.config import ConverisConfig

    from kvrules.testing.hostile import HostileServer, Json

    with HostileServer() as other:
        other.script("/", Json(answer))
        base = other.url("/converis-apis/ws/v2")
        client = ConverisClient(
            ConverisConfig(base_url=base, username="u", password=SECRET, retries=0)
        )
        with pytest.raises(ConverisError, match="did not answer a Converis list page") as err:
            client.all("/data/entities/Project")
        assert says in str(err.value) and f"{base}/data/entities/Project" in str(err.value)
        # the Read API's real path (cris-apis.md 2.1), not a made-up /converis/api/v1
        assert "e.g. https://converis.example.edu/converis-apis/ws/v2?" in str(err.value)
        other.script("/", Json({"startRecord": 1, "count": 0, "nrRecordsAll": 0}))
        assert client.all("/data/entities/Project") == []  # an empty list, as the spec allows
        client.close()
