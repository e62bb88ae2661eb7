"""Typed or quarantined, bounded per record (issue #14, items 3, 4, 9, 11): in `kvrules
evaluate` a field of the wrong type skips its line with the field path; a scan with hostile
records mixed in quarantines each with its reason and screens every other record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.reliability.rel_helpers import HANG_TIMEOUT, MEMORY_LIMIT
from tests.reliability.test_rel_hostile import event, findings_by_event, write_jsonl

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py


def test_a_country_of_the_wrong_type_is_reported_not_read_as_missing(tmp_path: Path) -> None:
    wrong = event(1, "Harbin Institute of Technology", country=5)  # type: ignore[arg-type]
    records = write_jsonl(
        tmp_path / "typed.jsonl",
        [
            json.dumps(wrong).encode(),
            json.dumps(event(2, "Harbin Institute of Technology")).encode(),
        ],
    )
    result = CliRunner().invoke(cli, ["evaluate", "--json", str(records)])
    assert result.exit_code == 2, result.output
    assert f"{records}:1: project.partners.0.country: expected an ISO 3166-1" in (result.stderr)
    assert set(findings_by_event(result.stdout)) == {"e2"}


# -- a whole scan with hostile records mixed in (bench/hostile_soak.py, small N) -----------------

ROOT = Path(__file__).resolve().parents[2]


def hostile_soak(*args: str) -> dict:
    """bench/hostile_soak.py in a child: the Pure simulator in it, `kvrules scan` in its child."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "hostile_soak.py"), "--json", *args],
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT,
        check=False,
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_scan_with_hostile_records_loses_nothing_and_doubles_nothing() -> None:
    """Every kind of hostile record once among 400 projects: each is quarantined with the
    field path and reason (as `kvrules quarantine` shows it), every good project is screened,
    the scan counts each record once."""
    result = hostile_soak("--projects", "400", "--every", "40")
    assert result["problems"] == [] and result["hostile"] == 10, result
    assert result["screened"] == 390 and result["quarantined"] == 10


def test_twenty_megabyte_titles_and_twelve_megabyte_names_scan_within_two_gib() -> None:
    """Issue #14's memory attack (five records with 20 MB titles or 12 MB organisation names)
    against SECURITY.md's promise: the scan, limited to 2 GiB of address space, quarantines
    them with the limit and screens the others."""
    result = hostile_soak(
        "--projects", "10", "--every", "2", "--kinds", "huge-title,huge-name", "--huge",
        "--rlimit-gib", str(MEMORY_LIMIT / (1 << 30)),
    )  # fmt: skip
    assert result["problems"] == [] and result["hostile"] == 5, result
    assert result["screened"] == 5 and result["quarantined"] == 5
