"""The Pure adapter passes the generic kvrules adapter conformance checks."""

from __future__ import annotations

import logging

import pytest
from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for

from kvrules.testing import check_no_secret, check_pages_to_end, check_resume, check_write_back


def test_pure_adapter_conformance(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        start_simulator(projects=90, seed=13, api_key=SECRET) as sim,
        adapter_for(sim, page_size=20, research_outputs=True, activities=True) as adapter,
    ):
        sim.faults.script("GET", 2, "503", path="/projects$")
        records = check_pages_to_end(adapter)
        check_resume(adapter, records, stop_after=30)
        check_write_back(adapter, next(r.record_id for r in records if r.events), ["ks:high"])
        check_no_secret(SECRET, caplog.text, repr(adapter.config), str(records[-1].cursor))
