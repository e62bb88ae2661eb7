"""A funder on a designation list is a finding wherever a funder appears: a pre-screen (check,
the web form, the API), a project, an award (funder.added) and a funding application, as a scan
evaluates them. Reviewer, 2026-12-07: a funder on the Section 1286 list gave GREEN and "No
findings" while the same answer said the funder was on the list, edition FY25."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

NUDT = "National University of Defense Technology"


def check(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["check", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_funder_on_the_1286_list_is_at_least_amber_and_names_the_entry_and_edition():
    out = check("--funder", NUDT, "--partner", "TU Delft (NL)", "--topic", "hypersonic propulsion")
    assert out["triage"]["colour"] in ("amber", "red"), out["triage"]
    hit = next(f for f in out["findings"] if f["rule_id"] == "funder-on-1286")
    assert hit["severity"] == "high" and hit["citation"]["id"] == "dod-1286"
    # named as the proposal names it: the country its list entry gives (none was given:
    # test_country_from_list) is said with where it came from, and is no part of the
    # finding's identity (test_country_taken_same_finding)
    assert [e["subject"] for e in hit["evidence"]] == [NUDT]
    # the evidence in words names the list, its edition and the entry as the list spells it
    result = CliRunner().invoke(cli, ["check", "--funder", NUDT])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "GREEN" not in text and "No findings" not in text
    assert (
        f"funder {NUDT} is on the US DoD Section 1286 list, edition FY25, listed as “{NUDT}”"
    ) in text
    assert "; country CN taken from its entry on the US DoD Section 1286 list, edition FY25" in text


def _event(kind: str, listed: dict, **extra: object) -> dict:
    project = {"id": "p1", "title": "Soil moisture", "funders": [listed]}
    event = {
        "id": f"e-{kind}",
        "kind": kind,
        "source": {"system": "file", "record_id": "p1"},
        "occurred_at": "2026-11-01T10:00:00Z",
        "project": project,
        **extra,
    }
    return event


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("project.created", {}),
        ("project.updated", {}),
        ("funder.added", {"funder": {"name": NUDT}}),  # an award added to a project
        ("application.submitted", {"application": {"id": "a-1", "status": "submitted"}}),
        ("list.updated", {}),
    ],
)
def test_every_event_kind_with_a_funder_finds_the_listed_funder(
    tmp_path: Path, kind: str, extra: dict
):
    """As a scan evaluates events (enriched against the shipped lists, then the shipped
    rulebooks): the funder's list match is a finding, with no partner and no country."""
    records = tmp_path / "events.jsonl"
    records.write_text(json.dumps(_event(kind, {"name": NUDT}, **extra)) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--json", str(records)])
    assert result.exit_code == 0, result.output
    fired = {json.loads(line)["rule_id"] for line in result.stdout.splitlines() if line}
    assert "funder-on-1286" in fired, (kind, fired)


def test_a_funder_on_another_designation_list_is_a_finding_too(tmp_path: Path):
    event = _event("project.created", {"name": "Example Listed Co", "lists": ["us_csl"]})
    records = tmp_path / "events.jsonl"
    records.write_text(json.dumps(event) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--no-enrich", "--json", str(records)])
    assert result.exit_code == 0, result.output
    fired = [json.loads(line) for line in result.stdout.splitlines() if line]
    hit = next(f for f in fired if f["rule_id"] == "funder-on-designation-list")
    assert hit["severity"] == "high" and hit["alert"] == "adviser"
