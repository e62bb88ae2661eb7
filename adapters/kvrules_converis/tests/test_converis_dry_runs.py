"""Dry runs against Converis: a tag plan unchanged since the last dry run is not planned again
(a reviewer's Converis round: 400 projects, three scans, "tags planned (dry run) 265" each
time, 265 more audit rows and 265 GETs per scan)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner
from converis_helpers import SECRET
from kvrules_converis.simulator import start_simulator

from kvrules.cli import cli
from kvrules.store import Store

ONE_PROJECT = re.compile(r"/data/entities/Project/\d+$")


def _scan(config: Path) -> dict:
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json"])
    assert result.exit_code in (0, 2), result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_second_dry_run_plans_nothing_again_and_reads_no_project(tmp_path: Path) -> None:
    with start_simulator(projects=40, seed=3, password=SECRET, rate_limit=None) as sim:
        (tmp_path / "token").write_text(SECRET + "\n", encoding="utf-8")
        token = str(tmp_path / "token")
        settings = {"base_url": sim.base_url, "username": sim.username, "password_file": token}
        config = tmp_path / "kvrules.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "database": str(tmp_path / "kvrules.db"),
                    "reference_data": str(tmp_path / "refdata.db"),
                    "sources": {"converis": {"adapter": "converis", "settings": settings}},
                }
            )
        )
        first = _scan(config)
        assert first["tags_planned"] > 3 and first["dry_run"] is True
        sim.clear_requests()
        second = _scan(config)
        reads = [r for r in sim.requests if r.method == "GET" and ONE_PROJECT.search(r.path)]
    assert second["tags_planned"] == 0
    assert second["tags_planned_earlier"] == first["tags_planned"]
    assert reads == []  # no GET per project to plan what was planned already
    with Store.open(tmp_path / "kvrules.db") as store:
        planned = [e for e in store.audit_entries() if e.action == "writeback.dry-run"]
    assert len(planned) == first["tags_planned"]  # audited once, not at every scan
