"""A project the mapping cannot read completely is visible where an administrator looks: the
scan summary's quarantined count and `kvrules quarantine`, with the field path (issue #15)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from converis_helpers import SECRET
from kvrules_converis.simulator import start_simulator
from kvrules_converis.simulator.model import SPONSOR_LINK

from kvrules.cli import cli


def test_mapping_incomplete_reaches_the_scan_summary_and_the_quarantine(tmp_path: Path) -> None:
    (tmp_path / "token").write_text(SECRET + "\n", encoding="utf-8")
    with start_simulator(projects=6, seed=5, password=SECRET, rate_limit=None, shapes=True) as sim:
        settings = {
            "base_url": sim.base_url,
            "username": sim.username,
            "password_file": str(tmp_path / "token"),
        }
        config = {
            "database": "kvrules.db",
            "reference_data": "refdata.db",
            "sources": {"converis": {"adapter": "converis", "settings": settings}},
        }
        path = tmp_path / "kvrules.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        result = CliRunner().invoke(cli, ["scan", "--config", str(path), "--json"])
        sponsored = str(
            sim.store.shapes["organisation on a link type the adapter is not configured for"]
        )
    assert result.exit_code == 2, result.output  # done, with records quarantined
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["source"] == "converis" and summary["quarantined"] >= 1
    shown = CliRunner().invoke(cli, ["quarantine", "--db", str(tmp_path / "kvrules.db"), "--json"])
    assert shown.exit_code == 0, shown.output
    entries = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    reasons = {e["record"]: e["reason"] for e in entries}
    assert f"mapping incomplete: {SPONSOR_LINK}[0]" in str(reasons.get(sponsored)), reasons
    assert len(entries) == summary["quarantined"]
