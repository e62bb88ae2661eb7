"""`kvrules fetch --json` ("records exactly as the rules will see them") fed to `kvrules
evaluate`: every line is taken, and the findings are those of the records as the source gave
them (`fetch --raw --json`).

A reviewer fed 300 lines of `fetch --json` to `evaluate`: 38 were skipped with
"country_set_apart: set apart by kvrules' enrichment, never by a source" — the intake check
that keeps a source from setting the field refused kvrules' own output.
Real parts: the Pure simulator over HTTP, the shipped rulebooks and lists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.pipeline.pipeline_helpers import System, start_system

pytestmark = pytest.mark.heavy  # a simulator: started first, see tests/conftest.py


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = start_system(tmp_path_factory.mktemp("round-trip") / "run")
    try:
        yield running
    finally:
        running.stop()


def _fetched(system: System, path: Path, *flags: str) -> list[str]:
    args = ["fetch", "--config", str(system.config), "--source", "pure", "--json", *flags]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout, encoding="utf-8")
    return result.stdout.splitlines()


def _evaluated(system: System, path: Path) -> set[tuple[str, str, str]]:
    args = ["evaluate", "--config", str(system.config), "--json", str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr  # 2 when a line was skipped
    assert "skipped" not in result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    return {(f["source_record_id"], f["rule_id"], f["fingerprint"]) for f in found}


def test_fetch_json_is_what_evaluate_reads(system: System, tmp_path: Path) -> None:
    enriched = _fetched(system, tmp_path / "fetched.jsonl")
    # the portfolio holds organisations whose country enrichment set apart
    assert sum('"country_set_apart":"' in line for line in enriched) > 0
    _fetched(system, tmp_path / "raw.jsonl", "--raw")
    from_enriched = _evaluated(system, tmp_path / "fetched.jsonl")
    assert from_enriched  # the portfolio has findings
    assert from_enriched == _evaluated(system, tmp_path / "raw.jsonl")
