"""The auditor's tools (committee review, item 5): the audit log could not be exported and its
page filtered by subject only; the exports had no mitigations; the report's charts gave a
screen reader their title only."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from kvrules.store import Store
from kvrules.web import charts
from tests.store.store_helpers import FakeClock
from tests.web.web_helpers import app_for, case_id, login

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _dated_entries(db: Path) -> dict[str, int]:
    """Three entries at known moments: 2026-11-30 23:30 and 2026-12-01 22:59 UTC (both 1
    December in Amsterdam), 2026-12-02 10:00 UTC; by two people."""
    ids = {}
    for key, moment, actor in (
        ("late-nov-utc", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "committee"),
        ("dec-1", datetime(2026, 12, 1, 22, 59, tzinfo=UTC), "adviser"),
        ("dec-2", datetime(2026, 12, 2, 10, 0, tzinfo=UTC), "committee"),
    ):
        with Store.open(db, clock=FakeClock(moment)) as store:
            ids[key] = store.audit(actor, "user.signed-in", f"user:{actor}", {"k": key}).id
    return ids


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r"<tr><td>(\d+)</td>", page)]


def test_the_audit_page_filters_by_person_and_by_dates_in_the_institutions_zone(
    db: Path,
) -> None:
    ids = _dated_entries(db)
    client = app_for(db, time_zone=AMSTERDAM)
    login(client, "viewer")
    day = client.get("/audit?from=2026-12-01&to=2026-12-01").text
    assert sorted(_ids(day)) == sorted([ids["late-nov-utc"], ids["dec-1"]])
    person = client.get("/audit?actor=committee&from=2026-12-01").text
    assert sorted(_ids(person)) == sorted([ids["late-nov-utc"], ids["dec-2"]])
    assert 'value="committee"' in person and 'value="2026-12-01"' in person
    bad = client.get("/audit?from=1.12.2026")
    assert bad.status_code == 400 and "write the date as YYYY-MM-DD" in bad.text
    assert re.search(r'id="a-from"[^>]*aria-invalid="true"', bad.text)
    assert 'value="1.12.2026"' in bad.text


def test_the_audit_log_exports_as_csv_with_hashes_and_the_export_is_audited(db: Path) -> None:
    ids = _dated_entries(db)
    client = app_for(db, time_zone=AMSTERDAM)
    login(client, "viewer")
    page = client.get("/audit?actor=committee&from=2026-12-01").text
    assert 'href="/audit.csv?actor=committee&amp;from=2026-12-01"' in page
    response = client.get("/audit.csv?actor=committee&from=2026-12-01")
    assert response.headers["content-type"].startswith("text/csv")
    rows = _rows(response.text)
    assert [int(r["entry"]) for r in rows] == sorted([ids["late-nov-utc"], ids["dec-2"]])
    with Store.open(db) as store:
        by_id = {e.id: e for e in store.audit_entries()}
        first = by_id[int(rows[0]["entry"])]
        assert (rows[0]["hash"], rows[0]["prev_hash"]) == (first.hash, first.prev_hash)
        assert rows[0]["at (local)"] == "2026-12-01 00:30 CET"
        assert rows[0]["what happened"] == "signed in"
        (exported,) = store.audit_entries("export:audit")
    assert exported.actor == "viewer" and exported.action == "audit.exported"
    assert exported.details == {
        "format": "csv",
        "filters": "actor=committee&from=2026-12-01",
        "entries": 2,
    }
    assert client.get("/audit.csv?to=soon").status_code == 400


def test_the_exports_have_a_mitigations_sheet(db: Path) -> None:
    cid = case_id(db)
    due = datetime.now(UTC).date() + timedelta(days=30)
    with Store.open(db) as store:
        store.decide(
            cid,
            "approve-with-mitigations",
            "Civil use only.",
            actor="committee",
            mitigations=[("Export-control review", "legal", due)],
        )
        store.add_mitigation(cid, "Brief the partner", "PI office", None, actor="committee")
    client = app_for(db)
    login(client, "viewer")
    rows = _rows(client.get("/cases.csv?table=mitigations").text)
    assert [(r["case"], r["action"], r["owner"], r["due on"], r["status"]) for r in rows] == [
        (str(cid), "Export-control review", "legal", due.isoformat(), "open"),
        (str(cid), "Brief the partner", "PI office", "", "open"),
    ]
    assert rows[0]["decision id"] and rows[1]["decision id"] == ""
    book = load_workbook(io.BytesIO(client.get("/cases.xlsx").content))
    sheet = list(book["mitigations"].iter_rows(values_only=True))
    assert sheet[0][:4] == ("case", "mitigation", "decision id", "action")
    assert [r[3] for r in sheet[1:]] == ["Export-control review", "Brief the partner"]
    assert "table=mitigations" in client.get("/cases").text


def test_each_chart_carries_its_figures_as_a_table() -> None:
    drawn = str(
        charts.columns(
            "Cases opened per year, by severity",
            ["2025", "2026"],
            {"2025": {"high": 3, "low": 1}, "2026": {"high": 2}},
            ["high", "low"],
            x_title="year opened",
        )
    )
    table = drawn.split("</svg>", 1)[1]
    assert table.startswith('<details class="chart-figures"><summary>')
    assert "<caption>Cases opened per year, by severity</caption>" in table
    assert '<th scope="col">year opened</th><th scope="col">high</th>' in table
    assert '<tr><th scope="row">2025</th><td>3</td><td>1</td><td>4</td></tr>' in table
    assert '<tr><th scope="row">2026</th><td>2</td><td>0</td><td>2</td></tr>' in table
    bars = str(charts.bars("Open", [("high", {"high": 5})], ["high"], y_title="severity"))
    assert '<tr><th scope="row">high</th><td>5</td><td>5</td></tr>' in bars


def test_the_reports_charts_have_their_tables(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    report = client.get("/report").text
    svgs = report.count('role="img"')
    assert svgs >= 2 and report.count('<details class="chart-figures">') == svgs
    assert re.search(
        r'<caption>Open cases by severity</caption>.*?<th scope="row">high</th><td>0</td>'
        r"<td>1</td>",
        report,
        re.S,
    ), "the open high case in the table"
