"""A report's period in the institution's time zone (reviewer, one year in): `--since` was
midnight UTC while dates showed in `time_zone`, so a decision at 01:30 CEST on 1 October fell
outside `--since 2026-10-01` yet was listed as 2026-10-01 under `--since 2026-09-30`. Periods
are whole days in `time_zone`; `--until` ends one; the web report has a period control (the
last 90 days unless asked); the overview says which period its tables cover."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from kvrules.cli import cli
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from tests.store.store_helpers import FakeClock, make_finding

# 01:30 CEST on 1 October 2026 is 23:30 UTC on 30 September
DECIDED = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    clock = FakeClock(DECIDED - timedelta(days=3))
    with Store.open(tmp_path / "kvrules.db", clock=clock) as store:
        store.record_finding(make_finding(record_id="p1", severity=Severity.HIGH))
        case = store.case_for("pure", "p1")
        assert case is not None
        clock.now = DECIDED
        store.decide(case.id, "reject", "Dual use, military end user.", actor="chair")
    config = {"database": "kvrules.db", "time_zone": "Europe/Amsterdam"}
    (tmp_path / "kvrules.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def _decided(runner, site: Path, *period: str) -> list[str]:
    """The dates of the decisions the report lists for the period asked."""
    out = site / "r.html"
    args = ["report", "--config", str(site / "kvrules.yaml"), "--out", str(out), *period]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    section = page.split('id="h-decided"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td>", section)


def test_since_and_until_are_whole_days_in_the_configured_zone(runner, site) -> None:
    assert _decided(runner, site, "--since", "2026-10-01", "--until", "2026-10-31") == [
        "2026-10-01"
    ]
    assert _decided(runner, site, "--since", "2026-09-01", "--until", "2026-09-30") == []
    assert _decided(runner, site, "--since", "2026-10-02") == []
    assert _decided(runner, site, "--since", "2026-09-30", "--until", "2026-10-01") == [
        "2026-10-01"
    ]


def test_a_period_that_ends_before_it_starts_is_one_line(runner, site) -> None:
    args = ["report", "--config", str(site / "kvrules.yaml"), "--out", str(site / "r.html")]
    result = runner.invoke(cli, [*args, "--since", "2026-10-02", "--until", "2026-10-01"])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "ends (2026-10-01) before it starts (2026-10-02)" in result.output


def test_the_overview_names_the_period_its_tables_cover(runner, site) -> None:
    out = site / "r.html"
    config = str(site / "kvrules.yaml")
    period = ["--since", "2026-10-01", "--until", "2026-10-31"]
    runner.invoke(cli, ["report", "--config", config, "--out", str(out), *period])
    overview = out.read_text(encoding="utf-8").split('id="period">', 1)[1].split("</p>", 1)[0]
    assert "cover 2026-10-01 to 2026-10-31 (whole days in Europe/Amsterdam)" in overview


@pytest.mark.parametrize(
    "period",
    [("--until", "9999-12-31"), ("--until", "0001-01-01"), ("--since", "0001-01-01")],
)
def test_a_period_at_the_calendars_edge_is_one_line(runner, site, period) -> None:
    """Reviewer, 2026-12-07: `--until 9999-12-31` ended in "internal error (OverflowError…)",
    exit 70; so did `--until 0001-01-01` (the default start, 90 days before, is no date) and,
    in Europe/Amsterdam, `--since 0001-01-01` (its start in UTC is before the calendar's)."""
    args = ["report", "--config", str(site / "kvrules.yaml"), "--out", str(site / "r.html")]
    result = runner.invoke(cli, [*args, *period])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert "the calendar runs from 0001-01-01 to 9999-12-31" in result.output
