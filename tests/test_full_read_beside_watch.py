"""A full read (`scan --full`) over a source already read keeps its resume points to itself
until it completes: an incremental scan (`watch`) that runs meanwhile, or after the full read
stopped part-way, goes on from its own position, not from the middle of the full read (the
reviewer's watch read 2,143 of 3,143 records again, at 10,000 projects 13,215 records in
118 s against a 60 s interval).

The real Pure adapter against the Pure simulator; "meanwhile" is a full read stopped by
--limit after a few records, as one still running is: nothing is timed."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from kvrules_pure.simulator import start_simulator

from kvrules.cli import cli

API_KEY = "full-read-beside-watch-key-0123456789"
PROJECTS = 60


def _scan(config: Path, *extra: str) -> dict:
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json", *extra])
    assert result.exit_code in (0, 1), result.output  # 1: findings
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_incremental_scan_does_not_resume_a_full_read_stopped_part_way(
    tmp_path: Path,
) -> None:
    with start_simulator(projects=PROJECTS, seed=3, api_key=API_KEY) as sim:
        (tmp_path / "key").write_text(API_KEY + "\n", encoding="utf-8")
        config = tmp_path / "kvrules.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "database": str(tmp_path / "kvrules.db"),
                    "reference_data": str(tmp_path / "refdata.sqlite"),
                    "sources": {
                        "pure": {
                            "adapter": "pure",
                            "settings": {
                                "base_url": sim.base_url,
                                "api_key_file": str(tmp_path / "key"),
                                "page_size": 10,  # a resume point every 10 records
                            },
                        }
                    },
                }
            ),
            encoding="utf-8",
        )
        first = _scan(config)
        assert first["records"] >= PROJECTS
        part = _scan(config, "--full", "--limit", "25")  # a full read, stopped part-way
        assert part["records"] == 25
        after = _scan(config)  # what `watch` does next
        assert after["records"] < 5, (
            after
        )  # not the rest of the full read again  # not the rest of the full read again
        full = _scan(config, "--full")  # a full read that completes
        assert full["records"] >= PROJECTS
        assert _scan(config)["records"] < 5  # and the position it reached is the source's
