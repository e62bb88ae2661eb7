"""The web report's period control (reviewer, one year in): the page always showed the last
90 days; it now asks for a period (whole days in `time_zone`, the last 90 days unless asked),
and the download carries the same period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kvrules.store import Store
from tests.store.store_helpers import FakeClock
from tests.web.web_helpers import app_for, case_id, login


def test_the_web_report_has_a_period_control(db: Path) -> None:
    zone = ZoneInfo("Europe/Amsterdam")
    decided = datetime.now(UTC).replace(microsecond=0) - timedelta(days=120)
    with Store.open(db, clock=FakeClock(decided)) as store:
        store.decide(case_id(db, "p-1"), "reject", "Military end user.", actor="committee")
    client = app_for(db, time_zone=zone)
    login(client, "viewer")
    default = client.get("/report").text
    day = decided.astimezone(zone).date()
    first = datetime.now(UTC).astimezone(zone).date() - timedelta(days=90)
    assert f'name="since" value="{first}"' in default and 'name="until" value=""' in default
    assert "No decision taken in the period." in default  # 120 days ago: outside the default
    asked = client.get("/report", params={"since": str(day), "until": str(day)}).text
    assert f"Decisions taken from {day} to {day}" in asked
    section = asked.split('id="h-decided"', 1)[1].split("</section>", 1)[0]
    assert f"<tr><td>{day}</td>" in section
    assert f'href="/report.html?since={day}&amp;until={day}"' in asked
    download = client.get("/report.html", params={"since": str(day), "until": str(day)}).text
    assert "Military end user." in download
    bad = client.get("/report", params={"since": "yesterday"})
    assert bad.status_code == 400 and "is not a date such as 2026-10-01" in bad.text


def test_a_period_at_the_calendars_edge_is_a_period_error_not_a_500(db: Path) -> None:
    """Reviewer, 2026-12-07: `/report?until=9999-12-31` (the day after it is no date) and
    `until=0001-01-01` (the default start, 90 days before, is none) answered 500. East of UTC,
    0001-01-01 starts before the calendar does, too."""
    client = app_for(db, time_zone=ZoneInfo("Europe/Amsterdam"))
    login(client, "viewer")
    for page in ("/report", "/report.html"):
        for period in ({"until": "9999-12-31"}, {"until": "0001-01-01"}, {"since": "0001-01-01"}):
            answer = client.get(page, params=period)
            assert answer.status_code == 400, (page, period, answer.status_code)
            assert "the calendar runs from 0001-01-01 to 9999-12-31" in answer.text
        # a period just within the calendar is a report
        assert client.get(page, params={"until": "9999-12-30"}).status_code == 200
