"""Dry runs against Converis: a tag plan unchanged since the last dry run is not planned again
(a reviewer's Converis round: 400 projects, three scans, "tags planned (dry run) 265" each
time, 265 more audit rows and 265 GETs per scan)."""

from __future__ import annotations

import re
from pathlib import Path

from converis_helpers import SECRET, cli_config, cli_scan
from kvrules_converis.simulator import start_simulator

from kvrules.store import Store

ONE_PROJECT = re.compile(r"/data/entities/Project/\d+$")


def test_a_second_dry_run_plans_nothing_again_and_reads_no_project(tmp_path: Path) -> None:
    with start_simulator(projects=40, seed=3, password=SECRET, rate_limit=None) as sim:
        config = cli_config(tmp_path, sim)
        first = cli_scan(config)
        assert first["tags_planned"] > 3 and first["dry_run"] is True
        sim.clear_requests()
        second = cli_scan(config)
        reads = [r for r in sim.requests if r.method == "GET" and ONE_PROJECT.search(r.path)]
    assert second["tags_planned"] == 0
    assert second["tags_planned_earlier"] == first["tags_planned"]
    assert reads == []  # no GET per project to plan what was planned already
    with Store.open(tmp_path / "kvrules.db") as store:
        planned = [e for e in store.audit_entries() if e.action == "writeback.dry-run"]
    assert len(planned) == first["tags_planned"]  # audited once, not at every scan
