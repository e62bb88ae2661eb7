"""The demo's portfolio is dated up to the day it runs (review of the privacy change, item 10):
the simulator dated it up to 2025-06-30 while the scan, its cases' ages and
``ended_projects_quiet_after`` use the real clock, so the demo aged with the calendar (its
open cases fell toward the report test's 50 as projects ended more than a year before today,
and the planted risks went quiet from 2029). The demo keeps the real clock, as it does for
"now" everywhere else; the portfolio's dates follow it (a seed gives the same records on a
given day; the simulator's own default stays a fixed day)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kvrules.cli.demo import demo_simulator


def test_the_demos_planted_risks_run_for_three_years_from_today() -> None:
    with demo_simulator(400, 1, "k", "realistic") as sim:
        records = [sim.store.get("projects", uuid) for uuid in sim.store.planted()]
    ends = [
        date.fromisoformat(end)
        for r in records
        if r and (end := (r.get("period") or r.get("actualPeriod") or {}).get("endDate"))
    ]
    assert ends, "the realistic portfolio plants risks"
    today = datetime.now(UTC).date()
    assert min(ends) >= today + timedelta(days=3 * 365)
