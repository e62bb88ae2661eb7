"""One institution time zone (``time_zone`` in kvrules.yaml, default the server's): every time
on a page is shown in it with the zone named, and "today" (overdue) is counted in it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kvrules.config import ConfigError, load_config
from kvrules.store import Store
from kvrules.timezone import today
from tests.web.web_helpers import app_for, case_id, login, token

# 23:03 the evening before in Vancouver. A date long past on purpose: the page also shows times
# of "now" (the case was opened when the test runs), which on a December 7th at 07:03 in
# Vancouver read like the unconverted decision time.
DECIDED = datetime(2026, 1, 7, 7, 3, tzinfo=UTC)


def _decided_at_night(db: Path) -> int:
    cid = case_id(db)
    with Store.open(db, clock=lambda: DECIDED) as store:
        store.decide(cid, "reject", "Listed lab.", actor="committee")
    return cid


def test_times_are_shown_in_the_institutions_zone_with_the_zone_named(db: Path) -> None:
    cid = _decided_at_night(db)
    vancouver = app_for(db, time_zone=ZoneInfo("America/Vancouver"))
    login(vancouver, "viewer")
    page = vancouver.get(f"/cases/{cid}").text
    assert "2026-01-06 23:03 PST" in page  # the decisions table and the history
    assert "2026-01-07 07:03" not in page
    assert "2026-01-06 23:03 PST" in vancouver.get("/audit").text
    amsterdam = app_for(db, time_zone=ZoneInfo("Europe/Amsterdam"))
    login(amsterdam, "viewer")
    assert "2026-01-07 08:03 CET" in amsterdam.get(f"/cases/{cid}").text


def test_already_recorded_says_the_first_decisions_time_in_the_institutions_zone(
    db: Path,
) -> None:
    """Reviewer's defect (LOW): the repeat notice said the time in UTC whatever the zone."""
    cid = _decided_at_night(db)
    vancouver = app_for(db, time_zone=ZoneInfo("America/Vancouver"))
    login(vancouver, "committee")
    form = {
        "csrf_token": token(vancouver.get(f"/cases/{cid}").text),
        "decision": "reject",
        "rationale": "Listed lab.",
    }
    again = vancouver.post(f"/cases/{cid}/decide", data=form)  # the same decision, resent
    assert "Already recorded: your decision (reject) of 2026-01-06 23:03 PST;" in again.text
    assert "07:03 UTC" not in again.text


def test_overdue_is_counted_in_the_institutions_zone(db: Path) -> None:
    """Pago Pago (UTC-11) and Kiritimati (UTC+14) are always a calendar day or more apart:
    a mitigation due today in Pago Pago is overdue in Kiritimati, at any hour of the day."""
    cid = case_id(db)
    due = today(ZoneInfo("Pacific/Pago_Pago"))
    with Store.open(db) as store:
        store.add_mitigation(cid, "Export-control review", "alice", due, actor="committee")
    for zone, overdue in (("Pacific/Pago_Pago", False), ("Pacific/Kiritimati", True)):
        client = app_for(db, time_zone=ZoneInfo(zone))
        login(client, "viewer")
        for path in ("/mitigations", f"/cases/{cid}"):
            assert ("<strong>overdue</strong>" in client.get(path).text) is overdue, (zone, path)


def test_time_zone_is_a_config_setting(tmp_path: Path) -> None:
    path = tmp_path / "kvrules.yaml"
    path.write_text("time_zone: America/Vancouver\n", encoding="utf-8")
    assert load_config(path).time_zone == "America/Vancouver"
    path.write_text("home_country: NL\n", encoding="utf-8")
    assert load_config(path).time_zone is None  # the server's
    path.write_text("time_zone: Mars/Olympus_Mons\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="time_zone 'Mars/Olympus_Mons' is not a time zone"):
        load_config(path)


def test_unset_it_is_the_servers_zone(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    cid = _decided_at_night(db)
    client = app_for(db)  # no time_zone: the server's
    login(client, "viewer")
    assert "2026-01-07 16:03 JST" in client.get(f"/cases/{cid}").text
