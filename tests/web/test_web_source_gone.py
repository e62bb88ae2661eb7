"""A record deleted at the source: its case says so at the top and in its history, stays as
it is for the committee, and its pending write-back is dropped (a reviewer's Converis round)."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login


def test_the_case_of_a_record_gone_from_the_source_says_so_and_stays_open(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.enqueue_writeback("pure", "p-1", ["ks:high"])
        status = store.case(cid).status
        assert store.record_gone("pure", "pure", "p-1", "2026-12-07T09:00:00+00:00")
        assert store.case(cid).status == status
        assert store.writeback_for("pure", "p-1") is None
        actions = [e.action for e in store.audit_entries("record:pure/p-1")]
    assert actions[-2:] == ["record.gone", "writeback.dropped"]
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{cid}").text
    assert 'id="source-gone"' in page and "The record is no longer in pure" in page
    history = page.split('id="history"', 1)[1]
    assert "noted that the record is no longer in pure: the full read of 2026-12-07" in history
    other = client.get(f"/cases/{case_id(db, 'p-2')}").text
    assert 'id="source-gone"' not in other


def test_show_the_lists_the_exports_findings_and_reports_say_it_too(
    db: Path, tmp_path: Path
) -> None:
    """Reviewer, 2026-12-07: only the web case page said it; `show case:N` had it in its
    history alone; report.md, the case list, `findings`, CSV/XLSX exports not at all."""
    import csv
    import io
    import json

    from click.testing import CliRunner
    from openpyxl import load_workbook

    from kvrules.cli import cli

    cid, other = case_id(db), case_id(db, "p-2")
    with Store.open(db) as store:
        store.record_gone("pure", "pure", "p-1", "2026-12-07T09:00:00+00:00")
    run = CliRunner()
    shown = run.invoke(cli, ["show", f"case:{cid}", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    top = " ".join(shown.stdout.split("History", 1)[0].split())
    assert "The record is no longer in pure: the full read of 2026-12-07 did not find it" in top
    assert json.loads(run.invoke(cli, ["show", f"case:{cid}", "--db", str(db), "--json"]).stdout)[
        "source_gone"
    ]
    said = run.invoke(cli, ["findings", "--db", str(db), "--json"]).stdout
    flags = {r["case"]: r["source_gone"] for r in map(json.loads, said.splitlines())}
    assert flags[cid] is True and flags[other] is False
    table = run.invoke(cli, ["findings", "--db", str(db)]).stdout
    # the record column, read down (the table wraps it)
    column = " ".join(line.split("│")[4] for line in table.splitlines() if line.count("│") > 4)
    assert "(record deleted at the source)" in " ".join(column.split()), table
    client = app_for(db)
    login(client, "viewer")
    assert "record deleted at the source (2026-12-07)" in client.get("/cases?status=all").text
    rows = list(csv.DictReader(io.StringIO(client.get("/cases.csv").text.removeprefix("\ufeff"))))
    column = {int(r["case"]): r["record deleted at the source"] for r in rows}
    assert column[cid] == "2026-12-07" and column[other] == ""
    sheet = load_workbook(io.BytesIO(client.get("/cases.xlsx").content))["cases"]
    header = [c.value for c in sheet[1]]
    assert "record deleted at the source" in header
    report = tmp_path / "report.md"
    done = run.invoke(cli, ["report", "--db", str(db), "--out", str(report)])
    assert done.exit_code == 0, done.output
    text = report.read_text(encoding="utf-8")
    assert "Records deleted at the source: 1 case whose record a full read" in text
    assert f": case {cid}" in text
    board = client.get("/report").text
    assert 'id="source-gone">1 case whose record a full read no longer found' in board
