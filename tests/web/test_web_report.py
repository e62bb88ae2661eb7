"""The portfolio report: in the app and as a standalone, offline HTML file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login


def test_report_page_counts_collaborations_funding_and_decisions(db: Path) -> None:
    with Store.open(db) as store:
        store.decide(case_id(db), "reject", "listed partner in a sensitive area", actor="c")
    client = app_for(db, home_country="NL")  # a Dutch institution: DE and BE are EU
    login(client, "viewer")
    page = client.get("/report").text
    assert "3 projects" in page
    assert "<svg" in page and "CN · high: 1" in page
    assert "Faculty of Physics" in page and "250,000" in page  # the CN funder; DE and BE are EU
    assert "Funders outside NL and the EU" in page
    assert "1 reject" in page


def test_report_counts_open_cases_by_risk_type(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/report").text
    assert (
        "1 unwanted transfer of sensitive knowledge and technology; "
        "0 covert influence and interference by other states; "
        "0 ethical issues in cooperation; 1 no risk type named"
    ) in page
    case_page = client.get(f"/cases/{case_id(db)}").text
    assert '<span class="chip">Unwanted transfer of sensitive knowledge and technology</span>' in (
        case_page
    )


def test_standalone_report_is_self_contained(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html and "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing loaded from elsewhere
    assert "Partners on reference lists" in html


def test_report_download_needs_sign_in(db: Path) -> None:
    client = app_for(db)
    assert client.get("/report.html", follow_redirects=False).status_code == 303
    login(client, "viewer")
    r = client.get("/report.html")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]


def test_records_remembered_add_up_over_every_kind(db: Path) -> None:
    """'Records remembered 2364 (1500 projects, 750 research outputs)' left 114 unexplained:
    visits and applications are counted too, and the parts add up."""
    from kvrules.rulebook.cases import event_from_given

    org = {"name": "Sichuan University", "country": "CN"}
    with Store.open(db) as store:
        for n in (1, 2):
            store.record_subject(
                event_from_given(
                    {
                        "kind": "visit.requested",
                        "source": {"system": "pure", "record_id": f"v-{n}"},
                        "visit": {
                            "id": f"v-{n}",
                            "visitor": {"role": "guest", "affiliations": [org]},
                        },
                    }
                )
            )
        store.record_subject(
            event_from_given(
                {
                    "kind": "application.submitted",
                    "source": {"system": "pure", "record_id": "applications/a-1"},
                    "project": {"id": "a-1", "title": "Proposed", "partners": [org]},
                    "application": {"id": "a-1", "status": "submitted"},
                }
            )
        )
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/report").text
    said = re.search(r"<dt>Records remembered</dt><dd>(\d+) \(([^)]*)\)</dd>", page)
    assert said, page
    parts = {p.split(" ", 1)[1]: int(p.split(" ", 1)[0]) for p in said[2].split(", ")}
    assert parts["visits"] == 2 and parts["funding application"] == 1 and parts["projects"] == 3
    assert sum(parts.values()) == int(said[1])


def test_report_to_a_markdown_file_writes_markdown(db: Path, tmp_path: Path) -> None:
    """`kvrules report --out r.md` wrote HTML into the .md file: the name chooses the format,
    and the command says which it wrote."""
    out = tmp_path / "r.md"
    r = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "<html" not in text.lower() and "<svg" not in text
    assert text.startswith("# Knowledge-security portfolio report\n") and "## Case " in text
    assert "(Markdown: the open cases and their findings" in r.output
    html = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(html)])
    assert "(HTML: the portfolio report, charts inline)" in r.output
    assert "<svg" in html.read_text(encoding="utf-8")


def test_the_report_says_which_records_were_quarantined_and_never_screened(db: Path) -> None:
    """A reviewer's Converis round: 'Records remembered 208' and nothing about the 5 projects
    held in quarantine, never screened; the portfolio read as if it were whole."""
    with Store.open(db) as store:
        for n in range(5):
            store.quarantine("converis", f"90000{n}", "mapping incomplete: amount ambiguous")
        store.quarantine("pure", "p-1", "mapping incomplete: a field")  # screened before
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/report").text
    said = re.search(r'<dd id="quarantined">(.*?)</dd>', page, re.S)
    assert said, page
    text = re.sub(r"<[^>]+>", "", said[1])
    assert "6 records could not be read, 5 of them never screened" in text
    assert "1 screened only as an earlier version read" in text
    assert "kvrules quarantine" in text


def test_a_kind_no_scanned_source_reads_is_not_read_rather_than_no_data(db: Path) -> None:
    """A Converis-only installation's board report said "Co-publications …: no data.", as if
    none had been found; Converis reads projects only."""
    title = "Co-publications by year and foreign co-author country (top 8)"
    with Store.open(db) as store:
        store.register_source("converis", "converis")
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/report").text
    assert f"{title}: not read from this source (converis reads projects only)." in page
    assert f"{title}: no data." not in page
    with Store.open(db) as store:
        store.register_source("pure", "pure")  # Pure can read research outputs
    page = client.get("/report").text
    assert f"{title}: no data." in page and "not read from" not in page


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_a_written_report_is_readable_by_its_owner_only(
    db: Path, tmp_path: Path, name: str
) -> None:
    """It holds case details and people's names, as the store does: 0600, not 0644."""
    import os
    import stat

    out = tmp_path / name
    old = os.umask(0o022)  # the usual umask, which left the file world-readable
    try:
        r = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(out)])
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_the_portfolio_reads_the_cases_once(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every case was a third of the report's time at 9,300 cases, and it read them
    three times (risk per record, the counts, the critical cases)."""
    from kvrules.web.portfolio import build

    read = []
    cases_of = Store.cases

    def counted(store: Store, *args, **kwargs):
        read.append(args or kwargs)
        return cases_of(store, *args, **kwargs)

    monkeypatch.setattr(Store, "cases", counted)
    with Store.open(db) as store:
        p = build(store, home_country="NL")
    assert len(read) == 1, read
    assert sum(p.open_by_severity.values()) == 2  # the cases were counted all the same


def test_stored_times_read_back_as_written() -> None:
    """parse_ts reads ts's text with fromisoformat (ten times faster than the strptime it
    replaced): the same aware UTC datetime, microseconds and all."""
    import random
    from datetime import UTC, datetime

    from kvrules.store.db import parse_ts, ts

    pick = random.Random(7)
    for _ in range(2000):
        moment = datetime.fromtimestamp(pick.uniform(0, 4e9), UTC)
        moment = moment.replace(microsecond=pick.choice([0, pick.randrange(10**6)]))
        back = parse_ts(ts(moment))
        assert back == moment and back.tzinfo is UTC
        assert back == datetime.strptime(ts(moment), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
