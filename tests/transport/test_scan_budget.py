"""Issue #14 (5): a scan has an overall budget; when it is used up the scan stops at a record
boundary, keeps what it read, and the next scan resumes (a full read too, not from scratch).

A budget of 0 s stops after the first record whatever the machine's speed: no timing here.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from kvrules import Evaluator, load_rulebook
from kvrules.cli import cli
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.store import Store
from tests.conftest import project_exports, rule_yaml

RULE = rule_yaml("ru", "'any p in project.partners: p.country == \"RU\"'", on="project.created")

RECORDS = [f"P{i}" for i in range(1, 6)]


def _exports(tmp_path: Path) -> Path:
    return project_exports(tmp_path, RECORDS, partners=[{"name": "Acme", "country": "RU"}])


def test_a_used_up_budget_stops_the_scan_and_the_next_scans_resume_the_full_read(
    tmp_path: Path, write_rulebook
) -> None:
    book = load_rulebook(write_rulebook(RULE))
    cls = get_adapters()["file"]
    adapter = cls(cls.Config(path=_exports(tmp_path), page_size=1))  # a cursor per record
    with Store.open(tmp_path / "s.db") as store, Evaluator([book]) as ev:

        def scanner(budget: timedelta | None) -> Scanner:
            # full_every: a stopped full read must be resumed, not restarted every time
            return Scanner(store, "file", adapter, ev, None, budget=budget, full_every=timedelta(7))

        # A 0 s budget stops every scan at its first resume point (a cursor per record here).
        reports = [scanner(timedelta(0)).scan() for _ in range(len(RECORDS) + 2)]
        assert all(r.budget_exhausted and r.full for r in reports)  # each resumed the full read
        assert [r.records for r in reports] == [1, 1, 1, 1, 1, 0, 0]
        # every record read once, kept with its finding: nothing lost, nothing doubled
        assert sum(r.findings for r in reports) == len(RECORDS)
        assert sorted(c.record_id for c in store.cases("open")) == RECORDS
        done = scanner(None).scan()  # no budget: the full read ends, having nothing left
        assert (done.records, done.full, done.budget_exhausted) == (0, True, False)
        after = scanner(None).scan()  # the full read counted as done: incremental now
        assert (after.records, after.full, after.budget_exhausted) == (0, False, False)


def test_scan_command_says_the_budget_was_used_up(tmp_path: Path, write_rulebook) -> None:
    book = write_rulebook(RULE)
    exports = _exports(tmp_path)
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'k.db'}\nrulebooks: [{book}]\n"
        f"sources:\n  f:\n    adapter: file\n    scan_budget: 0s\n"
        f"    settings: {{path: {exports}, page_size: 1}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["budget_exhausted"] is True and summary["records"] == 1
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "the scan budget of f was used up" in result.stdout
    assert "next scan resumes" in result.stdout
