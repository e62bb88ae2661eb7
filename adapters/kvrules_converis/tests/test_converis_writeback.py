"""Write-back through the CUD API: dry-run default, idempotent, refuses to overwrite edits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from converis_helpers import SECRET, adapter_for
from kvrules_converis.simulator import SimulatorHandle, start_simulator
from kvrules_converis.writeback import StaleRecord, UnknownRecord, WriteConflict

RISK = "knowledgeSecurityRisk"


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=10, seed=5, password=SECRET, rate_limit=None) as handle:
        yield handle


def _pid(sim: SimulatorHandle) -> int:
    return sorted(sim.store.entities["Project"])[0]


def _risk(sim: SimulatorHandle, pid: int) -> list[str]:
    rec = sim.store.get("Project", pid) or {}
    return [a["value"] for a in rec["attributes"] if a["attributeName"] == RISK]


def _puts(sim: SimulatorHandle) -> int:
    return sum(1 for r in sim.requests if r.method == "PUT")


def test_dry_run_is_the_default_and_writes_nothing(sim: SimulatorHandle) -> None:
    pid = _pid(sim)
    with adapter_for(sim) as adapter:
        result = adapter.write_tags(str(pid), ["ks:high"])
    assert result.dry_run and not result.written and result.changed
    assert (result.before, result.after) == ([], ["ks:high"])
    assert _puts(sim) == 0 and _risk(sim, pid) == []


def test_write_is_idempotent_and_can_be_undone(sim: SimulatorHandle) -> None:
    pid = _pid(sim)
    with adapter_for(sim) as adapter:
        first = adapter.write_tags(str(pid), ["ks:medium"], dry_run=False)
        assert first.written and _risk(sim, pid) == ["medium"] and _puts(sim) == 1
        again = adapter.write_tags(str(pid), ["ks:medium"], dry_run=False)
        assert not again.written and again.before == ["ks:medium"] and _puts(sim) == 1
        cleared = adapter.write_tags(str(pid), [], dry_run=False, written=["ks:medium"])
    assert cleared.written and _risk(sim, pid) == []
    assert sim.store.writes[0] == {"id": pid, "attributes": [{"name": RISK, "value": "medium"}]}


def test_an_edit_between_read_and_write_is_not_overwritten(sim: SimulatorHandle) -> None:
    pid = _pid(sim)
    reads = {"n": 0}

    def editor(method: str, path: str, status: int) -> None:
        if method == "GET" and path.endswith(f"/Project/{pid}"):
            reads["n"] += 1
            if reads["n"] == 1:  # someone saves the record right after our first read
                sim.store.touch(pid)

    sim.on_request(editor)
    with adapter_for(sim, write_retry_delay=0) as adapter:
        result = adapter.write_tags(str(pid), ["ks:high"], dry_run=False)
    assert result.written and _risk(sim, pid) == ["high"]
    assert reads["n"] == 4 and _puts(sim) == 1  # read, re-read (moved), read, re-read, PUT


def test_a_record_that_keeps_changing_is_left_alone(sim: SimulatorHandle) -> None:
    pid = _pid(sim)
    ticks = iter(range(10**6))  # updatedOn has one-second resolution: each edit a new second
    sim.store.clock = lambda: datetime(2030, 1, 1, tzinfo=UTC) + timedelta(seconds=next(ticks))
    sim.on_request(lambda m, p, s: sim.store.touch(pid) if m == "GET" else None)
    with (
        adapter_for(sim, write_retry_delay=0, max_write_attempts=3) as adapter,
        pytest.raises(WriteConflict),
    ):
        adapter.write_tags(str(pid), ["ks:high"], dry_run=False)
    assert _puts(sim) == 0 and _risk(sim, pid) == []


def test_a_record_changed_since_screening_is_stale(sim: SimulatorHandle) -> None:
    pid = _pid(sim)
    screened = (sim.store.get("Project", pid) or {})["updatedOn"]
    with adapter_for(sim) as adapter:
        adapter.write_tags(str(pid), ["ks:low"], dry_run=False, expected_updated_on=screened)
        with pytest.raises(StaleRecord):  # our own write moved updatedOn
            adapter.write_tags(str(pid), ["ks:high"], dry_run=False, expected_updated_on=screened)
    assert _risk(sim, pid) == ["low"]


def test_bad_requests_are_refused(sim: SimulatorHandle) -> None:
    with adapter_for(sim) as adapter:
        with pytest.raises(UnknownRecord):
            adapter.write_tags("999999999", ["ks:high"])
        with pytest.raises(UnknownRecord):
            adapter.write_tags("not-an-id", ["ks:high"])
        with pytest.raises(ValueError, match="risk_values"):
            adapter.write_tags(str(_pid(sim)), ["ks:typo"], dry_run=False)
        with pytest.raises(ValueError, match="one choice"):
            adapter.write_tags(str(_pid(sim)), ["ks:low", "ks:high"], dry_run=False)
        assert adapter.writable_tags(["ks:low", "ks:critical", "ks:review-required"]) == ["ks:high"]
    assert _puts(sim) == 0


def test_a_value_kvrules_did_not_write_is_left_as_it_is(sim: SimulatorHandle) -> None:
    pid = _pid(sim)
    with adapter_for(sim) as adapter, adapter_for(sim) as editor:
        adapter.write_tags(str(pid), ["ks:medium"], dry_run=False)
        # An editor raises the risk to high through the CUD API (a real PUT).
        change = {"id": str(pid), "attributes": [{"name": RISK, "value": "high"}]}
        editor.client.put_entities({"entities": [change]})
        puts = _puts(sim)
        kept = adapter.write_tags(str(pid), ["ks:low"], dry_run=False, written=["ks:medium"])
        assert _puts(sim) == puts and _risk(sim, pid) == ["high"]
        # Back to kvrules' own value: kvrules may change it again.
        editor.client.put_entities({"entities": [{**change, "attributes": [
            {"name": RISK, "value": "medium"}]}]})  # fmt: skip
        updated = adapter.write_tags(str(pid), ["ks:low"], dry_run=False, written=["ks:medium"])
    assert kept.skipped and not kept.written and kept.before == ["ks:high"]
    assert updated.written and updated.before == ["ks:medium"] and _risk(sim, pid) == ["low"]
