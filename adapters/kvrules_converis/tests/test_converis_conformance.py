"""The Converis adapter passes the kvrules adapter conformance suite (kvrules.testing)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from converis_helpers import SECRET, adapter_for
from kvrules_converis import ConverisAdapter
from kvrules_converis.simulator import start_simulator
from kvrules_converis.writeback import UnknownRecord

from kvrules.testing import (
    AdapterConformance,
    SourceHarness,
    check_no_secret,
    check_pages_to_end,
    check_resume,
    check_write_back,
)


class ConverisHarness(SourceHarness):
    tags = ["ks:high"]
    secret = SECRET
    unknown_record_error = UnknownRecord

    def __init__(self) -> None:
        self.sim = start_simulator(projects=12, seed=3, password=SECRET, rate_limit=None)
        self.human: dict[int, set[str]] = {}  # attributes add_human_values set, per project

    def adapter(self) -> ConverisAdapter:
        return adapter_for(self.sim, retries=1)

    def snapshot(self) -> object:
        risk = self.sim.config.risk_attribute
        return {
            pid: [a.get("value") for a in rec["attributes"] if a["attributeName"] == risk]
            for pid, rec in self.sim.store.entities["Project"].items()
        }

    def change(self, record_id: str) -> None:
        self.sim.store.touch(int(record_id))

    def add_broken(self) -> str:
        pid = sorted(self.sim.store.entities["Project"])[2]
        self.sim.store.set_attribute(pid, "cfTitle", None)
        self.sim.store.touch(pid)
        return str(pid)

    def break_source(self) -> None:
        self.sim.password = "revoked-token"

    def add_human_values(self, record_id: str, own_group: bool = False) -> None:
        # what an editor sets in Converis: other attributes, and (own_group) the risk
        # attribute itself, which kvrules did not write
        pid = int(record_id)
        self.sim.store.set_attribute(pid, "budget", 125000)
        self.sim.store.set_attribute(pid, "confidential", True)
        if own_group:
            self.sim.store.set_attribute(pid, self.sim.config.risk_attribute, "low")
        self.human.setdefault(pid, {"budget", "confidential"})
        if own_group:
            self.human[pid].add(self.sim.config.risk_attribute)

    def human_values(self, record_id: str) -> object:
        pid = int(record_id)
        return sorted(
            (a["attributeName"], repr(a.get("value")))
            for a in self.sim.store.entities["Project"][pid]["attributes"]
            if a["attributeName"] in self.human.get(pid, set())
        )


class TestConverisConformance(AdapterConformance):
    @pytest.fixture
    def harness(self) -> Iterator[ConverisHarness]:
        h = ConverisHarness()
        try:
            yield h
        finally:
            h.sim.stop()


def test_single_checks_with_faults_and_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        start_simulator(projects=60, seed=13, password=SECRET, rate_limit=None) as sim,
        adapter_for(sim, page_size=20) as adapter,
    ):
        sim.faults.retry_after = 0
        sim.faults.script("GET", 2, "503", path="/data/entities/Project$")
        records = check_pages_to_end(adapter)
        check_resume(adapter, records, stop_after=30)
        check_write_back(adapter, next(r.record_id for r in records if r.events), ["ks:high"])
        check_no_secret(SECRET, caplog.text, repr(adapter.config), str(records[-1].cursor))
