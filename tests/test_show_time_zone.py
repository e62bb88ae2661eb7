"""`kvrules show` in the institution's time zone (reviewer, one year in): the case history
showed "2026-12-07 08:43" — UTC, unsaid — where the web said "09:43 CET". It uses
`time_zone` and names the zone, as the web does; --json keeps the stored UTC moment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import yaml

from kvrules.cli import cli
from kvrules.store import Store
from tests.store.store_helpers import FakeClock, make_finding

FOUND = datetime(2026, 12, 7, 8, 43, tzinfo=UTC)


def _site(tmp_path: Path, time_zone: str) -> tuple[Path, int]:
    with Store.open(tmp_path / "kvrules.db", clock=FakeClock(FOUND)) as store:
        case_id = store.record_finding(make_finding(record_id="p1")).case_id
    config = {"database": "kvrules.db", "time_zone": time_zone}
    (tmp_path / "kvrules.yaml").write_text(yaml.safe_dump(config))
    return tmp_path / "kvrules.yaml", case_id


def test_show_gives_history_times_in_the_configured_zone_named(runner, tmp_path) -> None:
    config, case_id = _site(tmp_path, "Europe/Amsterdam")
    shown = runner.invoke(cli, ["show", f"case:{case_id}", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    history = shown.stdout.split("History", 1)[1]
    assert "2026-12-07 09:43 CET" in history and "08:43" not in history


def test_show_json_keeps_utc(runner, tmp_path) -> None:
    config, case_id = _site(tmp_path, "America/Vancouver")
    shown = runner.invoke(cli, ["show", f"case:{case_id}", "--config", str(config), "--json"])
    assert json.loads(shown.stdout)["history"][0]["at"].startswith("2026-12-07T08:43")
    text = runner.invoke(cli, ["show", f"case:{case_id}", "--config", str(config)]).stdout
    assert "2026-12-07 00:43 PST" in text.split("History", 1)[1]
