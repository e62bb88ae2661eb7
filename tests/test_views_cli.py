"""findings / show / alerts / quarantine / audit verify over a real SQLite store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kvrules import Evaluator, load_rulebook
from kvrules.cli import cli
from kvrules.events_io import read_events
from kvrules.rulebook.discovery import shipped_rulebooks
from kvrules.store import Store

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    book = load_rulebook(shipped_rulebooks() / "us-dod-1286.yaml")
    with Store.open(path) as store, Evaluator([book]) as ev:
        for event in read_events(EXAMPLES / "events.jsonl", []):
            store.record_findings(ev.evaluate(event), {"committee": ["mail"], "adviser": ["mail"]})
        store.quarantine("pure", "p-bad", "project without title")
    return path


def test_findings_lists_most_severe_first(runner, db):
    result = runner.invoke(cli, ["findings", "--db", str(db), "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["severity"] for r in rows] == ["critical", "high", "medium"]
    # Named as the RIS names the record (the examples' subjects were not stored: the id).
    assert rows[0]["name"] == f"pure record {rows[0]['record'].split(':', 1)[1]}"
    high_only = runner.invoke(cli, ["findings", "--db", str(db), "--json", "--severity", "high"])
    assert len(high_only.stdout.splitlines()) == 2
    by_risk = runner.invoke(cli, ["findings", "--db", str(db), "--json", "--risk", "ethics"])
    assert by_risk.exit_code == 0 and by_risk.stdout == ""  # the DoD rules screen for transfer
    transfer = runner.invoke(
        cli, ["findings", "--db", str(db), "--json", "--risk", "knowledge-transfer"]
    )
    assert len(transfer.stdout.splitlines()) == len(rows)


def test_show_explains_a_case(runner, db):
    case = json.loads(
        runner.invoke(cli, ["findings", "--db", str(db), "--json"]).stdout.splitlines()[0]
    )["case"]
    data = json.loads(
        runner.invoke(cli, ["show", f"case:{case}", "--db", str(db), "--json"]).stdout
    )
    assert data["severity"] == "critical"
    first = data["findings"][0]
    assert first["evidence"] and first["citation"]["cite"] and first["rationale"]
    assert [h["action"] for h in data["history"]][:1] == ["case.opened"]
    assert data["history"][0]["in_words"] == "opened the case"
    assert data["history"][0]["technical"] == f"record {data['record'].replace(':', '/', 1)}"
    shown = runner.invoke(cli, ["show", str(case), "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    # In words by default, with the technical path one flag away.
    assert "evidence: partner " in text and " is on the US DoD Section 1286 list" in text
    assert "evidence: project.partners[0].lists" not in text
    # the history as sentences, as on the web, not action codes
    assert " opened the case" in text and "case.opened" not in text
    technical = runner.invoke(cli, ["show", str(case), "--db", str(db), "--technical"]).stdout
    assert "evidence: project.partners[0].lists" in technical
    assert "risk: Unwanted transfer of sensitive knowledge and technology" in text
    assert first["risks"] == ["knowledge-transfer"]


def test_alerts_one_per_record_and_route(runner, db):
    rows = [
        json.loads(x)
        for x in runner.invoke(cli, ["alerts", "--db", str(db), "--json"]).stdout.splitlines()
    ]
    # p-1001: the critical finding to the committee, the single-factor one to the adviser;
    # o-77 (a co-publication, one factor) to the adviser. One row per record and route.
    assert [r["route"] for r in rows] == ["committee", "adviser", "adviser"]
    assert {r["status"] for r in rows} == {"pending"}


def test_quarantine_view(runner, db):
    rows = [
        json.loads(x)
        for x in runner.invoke(cli, ["quarantine", "--db", str(db), "--json"]).stdout.splitlines()
    ]
    assert rows == [{**rows[0], "record": "p-bad", "reason": "project without title"}]


def test_audit_verify_detects_tampering(runner, db):
    ok = runner.invoke(cli, ["audit", "verify", "--db", str(db)])
    assert ok.exit_code == 0 and "audit log intact" in ok.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    bad = runner.invoke(cli, ["audit", "verify", "--db", str(db)])
    assert bad.exit_code == 1 and "audit row 2" in bad.stderr


def test_missing_database_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["findings", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no kvrules database" in result.output


def test_text_that_looks_like_markup_is_shown_as_written(runner, tmp_path) -> None:
    from tests.store.store_helpers import make_finding

    db = tmp_path / "m.db"
    with Store.open(db) as store:
        # a rule of no rulebook shipped: shown under its stored title (a shipped rule's finding
        # is shown under the rule's title now, kvrules.ruletitles)
        finding = make_finding(rule_id="site-own-rule", rationale="Listed [bold]twice[/] in [FY25]")
        finding.rule_title = "[high] partner on the list"
        store.record_findings([finding], {"committee": ["mail"]})
        store.quarantine("pure", "p-9", "field [red] unreadable")
        case = store.cases()[0].id
    shown = runner.invoke(cli, ["show", str(case), "--db", str(db)]).stdout
    assert "[high] partner on the list" in shown and "Listed [bold]twice[/] in [FY25]" in shown
    held = runner.invoke(cli, ["quarantine", "--db", str(db)]).stdout
    assert "field [red] unreadable" in held


def test_show_history_says_what_was_found_by_title_with_the_rule_id_behind_technical(runner, db):
    """'found a critical signal: rule us-dod-1286@…/…' named a rule id; the history now says the
    finding's title, and the rule id is one flag away."""
    case = json.loads(
        runner.invoke(cli, ["findings", "--db", str(db), "--json"]).stdout.splitlines()[0]
    )
    data = json.loads(
        runner.invoke(cli, ["show", str(case["case"]), "--db", str(db), "--json"]).stdout
    )
    found = [h for h in data["history"] if h["action"] == "finding.recorded"]
    titles = {f["rule_title"] for f in data["findings"]}
    assert found and all(h["in_words"].split(": ", 1)[1] in titles for h in found), found
    assert all(h["technical"].startswith("rule us-dod-1286@") for h in found)
    history = runner.invoke(
        cli, ["show", str(case["case"]), "--db", str(db)], env={"COLUMNS": "300"}
    )
    words = history.stdout.split("\nHistory")[1]
    assert f"found a critical signal: {case['title']}" in words and "us-dod-1286" not in words
    technical = runner.invoke(
        cli, ["show", str(case["case"]), "--db", str(db), "--technical"], env={"COLUMNS": "300"}
    ).stdout.split("\nHistory")[1]
    assert f"found a critical signal: {case['title']} [rule us-dod-1286@" in technical


def test_show_and_findings_keep_rule_ids_and_paths_one_flag_away(runner, db):
    rows = [
        json.loads(line)
        for line in runner.invoke(cli, ["findings", "--db", str(db), "--json"]).stdout.splitlines()
    ]
    top = rows[0]
    assert top["evidence"] and all(
        " is on the US DoD" in e or "funder" in e for e in top["evidence"]
    )
    assert top["evidence_technical"][0].startswith("project.partners[0].lists")
    table = runner.invoke(cli, ["findings", "--db", str(db)], env={"COLUMNS": "300"}).stdout
    assert " is on the US DoD Section 1286 list" in table
    for code in (top["rule"], "project.partners[0]"):
        assert code.split("/")[-1] not in table, code
    case = top["case"]
    text = runner.invoke(cli, ["show", str(case), "--db", str(db)]).stdout
    technical = runner.invoke(cli, ["show", str(case), "--db", str(db), "--technical"]).stdout
    rule_id = top["rule"].split("/")[-1]
    for code in (rule_id, "sha256:"):
        assert code not in text, code
        assert code in technical, code


def test_people_read_no_source_ids_and_alerts_say_to_whom(runner, db):
    """'record: pure c6ab…', 'opened the case for record pure/…' and 'queued an alert about 1
    finding(s)' were read by people: the record is named (and linked), its source id is one
    flag away, and the history says whom an alert is for, in proper plurals."""
    rows = [
        json.loads(line)
        for line in runner.invoke(cli, ["findings", "--db", str(db), "--json"]).stdout.splitlines()
    ]
    record_id = rows[0]["record"].split(":", 1)[1]
    wide = {"COLUMNS": "300"}
    shown = runner.invoke(cli, ["show", str(rows[0]["case"]), "--db", str(db)], env=wide).stdout
    history = shown.split("\nHistory")[1]
    assert "record: pure" not in shown and record_id not in history
    assert "queued an alert to the committee about 1 finding\n" in history, history
    assert "finding(s)" not in history
    technical = runner.invoke(
        cli, ["show", str(rows[0]["case"]), "--db", str(db), "--technical"], env=wide
    ).stdout
    assert f"record: pure {record_id}" in technical
    assert f"opened the case [record pure/{record_id}]" in technical
    table = runner.invoke(cli, ["findings", "--db", str(db)], env=wide).stdout
    assert f"pure {record_id}" not in table


def test_show_says_decisions_and_mitigations_in_words(runner, db):
    """'approve-with-mitigations' and 'marked mitigation 1 as done' were ids in the text."""
    with Store.open(db) as store:
        case = store.cases("open")[0].id
        store.decide(
            case,
            "approve-with-mitigations",
            "Civil research.",
            actor="committee",
            mitigations=[("No lab access", "PI", None)],
        )
        store.set_mitigation_status(store.mitigations(case)[0].id, "done", actor="adviser")
    text = " ".join(runner.invoke(cli, ["show", str(case), "--db", str(db)]).stdout.split())
    assert "decision: approve with mitigations" in text and "approve-with" not in text
    assert "marked the mitigation “No lab access” as done" in text


def test_the_history_names_each_alert_target_as_people_are_named() -> None:
    """Committee review, 2026-12-07: "queued an alert to the export control about 3 findings"."""
    from kvrules.history import _queued

    said = {r: _queued({"route": r, "findings": 3}) for r in ("export-control", "own-route")}
    assert (
        said["export-control"] == "queued an alert to the export-control officer about 3 findings"
    )
    assert said["own-route"] == "queued an alert to the own route about 3 findings"
