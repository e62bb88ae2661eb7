"""The command line as an administrator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from kvrules.cli import cli
from kvrules.rulebook.discovery import shipped_rulebooks

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_evaluate_reports_bad_lines_and_evaluates_the_rest(runner):
    result = runner.invoke(
        cli,
        [
            "evaluate",
            "--rulebook",
            str(shipped_rulebooks() / "us-dod-1286.yaml"),
            str(EXAMPLES / "events.jsonl"),
            "--json",
        ],
    )
    assert result.exit_code == 2
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(f["source_record_id"], f["rule_id"]) for f in findings} == {
        ("p-1001", "project-partner-on-1286"),
        ("p-1001", "listed-partner-with-dod-funding"),
        ("o-77", "coauthor-on-1286"),
    }
    assert all(f["evidence"] and f["rulebook"]["sha256"] for f in findings)
    assert "events.jsonl:4: source.record_id: Field required" in result.stderr


def test_evaluate_table_and_exit_zero_on_clean_input(runner, tmp_path):
    clean = tmp_path / "clean.jsonl"
    clean.write_text("".join((EXAMPLES / "events.jsonl").read_text().splitlines(True)[:3]))
    dod = shipped_rulebooks() / "us-dod-1286.yaml"
    result = runner.invoke(cli, ["evaluate", "--rulebook", str(dod), str(clean)])
    assert result.exit_code == 0, result.output
    assert "3 finding(s) in 3 event(s)" in result.stdout
    assert "Not on a list means not found in these editions" in result.stdout
    assert "critical" in result.stdout


def test_evaluate_uses_the_configs_rulebooks_as_a_scan_does(runner, tmp_path):
    from tests.conftest import HEADER, rule_yaml

    (tmp_path / "own.yaml").write_text(
        HEADER + rule_yaml("any-project", 'project.title matches ".*"', on="project.created")
    )
    config = tmp_path / "kvrules.yaml"
    config.write_text("rulebooks: [own.yaml]\n")
    events = str(EXAMPLES / "events.jsonl")
    result = runner.invoke(cli, ["evaluate", "--config", str(config), events, "--json"])
    rules = {json.loads(line)["rule_id"] for line in result.stdout.splitlines()}
    assert rules == {"any-project"}, result.output  # the config's rulebook, not the shipped ones
    dod = str(shipped_rulebooks() / "us-dod-1286.yaml")
    flagged = runner.invoke(
        cli, ["evaluate", "--config", str(config), "--rulebook", dod, events, "--json"]
    )
    assert "any-project" not in flagged.stdout and "project-partner-on-1286" in flagged.stdout


def test_evaluate_reports_invalid_json_with_line_number(runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"not json"\n\n' + (EXAMPLES / "events.jsonl").read_text().splitlines()[1])
    result = runner.invoke(cli, ["evaluate", str(bad), "--json"])
    assert result.exit_code == 2
    assert f"{bad}:1: " in result.stderr and "Invalid JSON" in result.stderr


def test_test_command_counts_and_fails(runner, write_rulebook):
    from tests.conftest import rule_yaml

    tests = """tests:
  - name: fires
    given: {kind: partner.added, partner: {name: X, country: CN}}
    expect: [cn]
  - name: wrongly expects nothing
    given: {kind: partner.added, partner: {name: X, country: CN}}
    expect: []
"""
    path = write_rulebook(rule_yaml("cn", 'partner.country == "CN"'), tests)
    result = runner.invoke(cli, ["test", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert "wrongly expects nothing: unexpectedly fired ['cn']" in result.stdout


def test_shipped_rulebooks_validate_and_pass_their_tests(runner):
    assert runner.invoke(cli, ["validate"]).exit_code == 0
    result = runner.invoke(cli, ["test"])
    assert result.exit_code == 0, result.output
    passed = int(result.stdout.splitlines()[-1].split()[0])
    assert passed >= 4


def test_schema_is_a_valid_json_schema_that_accepts_the_examples(runner):
    result = runner.invoke(cli, ["schema"])
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    first = json.loads((EXAMPLES / "events.jsonl").read_text().splitlines()[0])
    jsonschema.validate(first, schema)
    assert not [k for k in schema["$defs"]["Person"]["properties"] if "nation" in k]


def test_plugins_lists_first_party_adapters(runner):
    result = runner.invoke(cli, ["plugins", "--json"])
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["file"]["distribution"] == "kvrules" and rows["file"]["adapters"] == ["file"]
    assert all(r["error"] is None for r in rows.values())


def test_evaluate_table_says_evidence_in_words_with_the_technical_form_in_its_own_column(
    runner, tmp_path
):
    clean = tmp_path / "clean.jsonl"
    clean.write_text((EXAMPLES / "events.jsonl").read_text().splitlines(True)[0])
    dod = shipped_rulebooks() / "us-dod-1286.yaml"
    result = runner.invoke(
        cli, ["evaluate", "--rulebook", str(dod), str(clean)], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "severity" in line)
    columns = [c.strip() for c in header.strip("┃│ ").split("┃")]
    assert columns == ["severity", "record", "finding", "technical detail", "source"]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in result.stdout.splitlines()]
    rows = [r for r in rows if len(r) == len(columns)]
    human = " ".join(" ".join(r[i] for i in (1, 2) for r in rows).split())  # wrapped cells
    technical = "".join(r[3] for r in rows)  # folded at any character
    assert "Hypersonic boundary-layer transition" in human  # the record by its title
    assert "partner Beihang University (CN) is on the US DoD Section 1286 list" in human
    for code in ("project.partners[0].lists", "us_dod_1286", "project-partner-on-1286"):
        assert code not in human, code
        assert code in technical, code


def test_evaluate_refuses_a_file_that_holds_no_records(runner, tmp_path):
    # README: exit 1 for "a file that holds no records" — not "0 finding(s) in 0 event(s)"
    dod = str(shipped_rulebooks() / "us-dod-1286.yaml")
    for name, text in (("e.jsonl", ""), ("blank.jsonl", "\n  \n")):
        empty = tmp_path / name
        empty.write_text(text)
        for flags in ([], ["--json"]):
            result = runner.invoke(cli, ["evaluate", "--rulebook", dod, str(empty), *flags])
            assert result.exit_code == 1, result.output
            assert "0 finding(s)" not in result.output
            assert f"{empty}: holds no records" in result.output
            assert "Traceback" not in result.output


def test_evaluate_says_what_was_not_screened_on_a_country(runner, tmp_path):
    """Code review (2026-12-07, HIGH): `kvrules evaluate` set a visitor's unidentified
    institution apart in silence, so "0 finding(s)" read as an all-clear. It says what was not
    screened on a country, as a scan does; a partner named in two words is screened."""
    visit = {
        "id": "pure:v-1:requested", "kind": "visit.requested",
        "occurred_at": "2026-12-01T00:00:00Z", "source": {"system": "pure", "record_id": "v-1"},
        "visit": {"id": "v-1", "host_unit": "Physics", "visitor": {
            "role": "visiting researcher",
            "affiliations": [{"name": "Wei Zhang", "country": "CN"}]}},
    }  # fmt: skip
    partner = {
        "id": "pure:p-1:added", "kind": "partner.added", "occurred_at": "2026-12-01T00:00:00Z",
        "source": {"system": "pure", "record_id": "p-1"},
        "project": {"id": "p-1", "title": "Guidance"},
        "partner": {"name": "Almaz Antey", "country": "RU"},
    }  # fmt: skip
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in (visit, partner)))
    result = runner.invoke(cli, ["evaluate", str(events)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Not complete: 1 institution of a person" in text, text
    assert "Wei Zhang (CN)" in text and "Almaz Antey (RU)" not in text
