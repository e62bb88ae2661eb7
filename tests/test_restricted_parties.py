"""An organisation on a sanctions or restricted-party list (the US Consolidated Screening List,
the UK Sanctions List) is a finding on its own: a partner, a co-author's organisation or a
visitor's home institution, whatever the research and the country (rulebooks/
restricted-parties.yaml). Before, a partner on such a list with no sensitive content and no
country signal gave GREEN and no finding, because the Leidraad's triage needs two factors,
while a funder on the same list was already high. `evaluate`, `scan` (and `show`) and `check`
say it alike, and name the component list or regime the entry came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.scan_helpers import file_export_config, project_event, scanned

FIXTURES = Path(__file__).parent / "refdata" / "fixtures"
RULE = "partner-on-restricted-party-list"
REGIME = "(designated under The Russia (Sanctions) (EU Exit) Regulations 2019)"


def _evaluated(tmp_path: Path, event: dict) -> list[tuple[str, str, str | None]]:
    """(rule, severity, alert) of what `kvrules evaluate --no-enrich` fires with the shipped
    rulebooks (none named) for ``event``."""
    event = {"id": "e1", "source": {"system": "x", "record_id": "r1"},
             "occurred_at": "2026-11-01T10:00:00Z", **event}  # fmt: skip
    (tmp_path / "e.jsonl").write_text(json.dumps(event) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["evaluate", "--no-enrich", "--json", str(tmp_path / "e.jsonl")]
    )
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    for f in found:  # the sanctions rules alert the export-control officer too
        assert f["also_alert"] == (["export-control"] if "restricted" in f["rule_id"] else [])
    return sorted((f["rule_id"], f["severity"], f["alert"]) for f in found)


@pytest.mark.parametrize("listed", ["us_csl", "uk_sanctions"])
def test_a_listed_partner_alone_is_a_high_finding_for_the_committee(tmp_path, listed) -> None:
    partner = {"name": "Example Trading Co", "country": "AE", "lists": [listed]}
    event = {"kind": "project.created",
             "project": {"id": "p", "title": "Medieval manuscripts", "partners": [partner]}}  # fmt: skip
    assert _evaluated(tmp_path, event) == [(RULE, "high", "committee")]


def test_lists_about_sensitive_research_only_keep_their_logic(tmp_path) -> None:
    partner = {"name": "Example Defence University", "country": "AE", "lists": ["ca_nro"]}
    event = {"kind": "project.created",
             "project": {"id": "p", "title": "Medieval manuscripts", "partners": [partner]}}  # fmt: skip
    assert _evaluated(tmp_path, event) == []


def test_a_co_author_organisation_and_a_visitors_institution_too(tmp_path) -> None:
    org = {"name": "Example Trading Co", "country": "AE", "lists": ["uk_sanctions"]}
    output = {
        "kind": "output.published",
        "output": {"id": "o", "title": "Bronze Age trade", "affiliations": [org]},
    }
    assert _evaluated(tmp_path, output) == [
        ("coauthor-on-restricted-party-list", "high", "committee")
    ]
    visit = {"kind": "visit.requested",
             "visit": {"id": "v", "visitor": {"role": "guest", "affiliations": [org]}}}  # fmt: skip
    fired = _evaluated(tmp_path, visit)
    assert ("visitor-from-restricted-party", "high", "committee") in fired


def _import_the_lists() -> None:
    """The CSL and UK Sanctions List fixtures into this test's own reference store
    ($KVRULES_REFDATA, which a scan, `show` and `check` read)."""
    for importer, name in (("csl", "csl.json"), ("uk_sanctions", "uk_sanctions.xml")):
        args = [importer, str(FIXTURES / name), "--edition", "2026-12-01"]
        imported = CliRunner().invoke(cli, ["refdata", "import", *args])
        assert imported.exit_code == 0, imported.output


def test_check_is_red_and_names_the_regime_even_where_the_leidraad_says_amber() -> None:
    # RU carries a country signal: the Leidraad's amber (country and partner) fires beside it,
    # and the designation makes the pre-screen red
    _import_the_lists()
    args = ["check", "--topic", "medieval manuscripts",
            "--partner", "Example Institute of Applied Physics (RU)"]  # fmt: skip
    answer = CliRunner().invoke(cli, [*args, "--json"])
    assert answer.exit_code == 0, answer.output
    out = json.loads(answer.stdout)
    assert out["triage"]["colour"] == "red"
    assert out["triage"]["rule"] == f"restricted-parties/{RULE}"
    assert {f["rule_id"] for f in out["findings"]} == {RULE, "triage-amber"}
    text = " ".join(CliRunner().invoke(cli, args).stdout.split())
    # RED, NOT COMPLETE: the store holds no ca_nro, us_csl, aspi_cdut edition (said so)
    assert text.startswith("RED, NOT COMPLETE — A partner is on a sanctions or restricted-party")
    assert "dealings with it may be prohibited or need a licence" in text
    assert f"is on the UK Sanctions List {REGIME}, edition 2026-12-01" in text
    technical = CliRunner().invoke(cli, [*args, "--technical"]).stdout
    assert "designated_under: The Russia (Sanctions) (EU Exit) Regulations 2019" in technical


def test_a_scan_stores_it_and_show_names_the_regime(tmp_path) -> None:
    _import_the_lists()
    partner = {"name": "Example Institute of Applied Physics", "country": "RU"}
    event = project_event("P1", title="Medieval manuscripts", partners=[partner])
    config = file_export_config(tmp_path, event, reference_data=False)
    scanned(config)
    shown = CliRunner().invoke(cli, ["show", "1", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())
    assert "A partner is on a sanctions or restricted-party list" in text
    assert f"is on the UK Sanctions List {REGIME}, edition 2026-12-01" in text


def test_the_finding_alerts_the_committee_and_the_export_control_officer(tmp_path) -> None:
    """`alert: [committee, export-control]`: the finding's route is the committee (the case
    list's filter, the pre-screen's red), and the export-control officer is alerted too."""
    from kvrules import CollaborationEvent, Evaluator
    from kvrules.engine import load_rulebook
    from kvrules.store import Store

    book = load_rulebook(Path(__file__).parents[1] / "rulebooks" / "restricted-parties.yaml")
    partner = {"name": "Example Trading Co", "country": "AE", "lists": ["us_csl"]}
    event = CollaborationEvent.model_validate(
        {"id": "e1", "kind": "project.created", "occurred_at": "2026-11-01T10:00:00Z",
         "source": {"system": "file", "record_id": "P1"},
         "project": {"id": "P1", "title": "Medieval manuscripts", "partners": [partner]}}
    )  # fmt: skip
    with Evaluator([book]) as evaluator:
        [finding] = evaluator.evaluate(event)
    assert (finding.alert, finding.also_alert) == ("committee", ["export-control"])
    routes = {"committee": ["digest"], "export-control": ["mail"], "adviser": ["mail"]}
    with Store.open(tmp_path / "kvrules.db") as store:
        [recorded] = store.record_findings([finding], routes)
        queued = sorted((a.route, a.channel) for a in store.alerts("pending"))
        assert queued == [("committee", "digest"), ("export-control", "mail")]
        assert len(recorded.alert_ids) == 2
        # the same finding again alerts nobody
        store.record_findings([finding], routes)
        assert len(store.alerts("pending")) == 2


def test_an_alert_list_names_each_target_once() -> None:
    from kvrules.rulebook.loader import RulebookError, load_text

    src = """
rulebook: r
version: "1"
title: t
jurisdiction: NL
sources: [{id: s, cite: a source}]
rules:
  - id: x
    title: x
    on: partner.added
    when: partner.lists contains "us_csl"
    severity: high
    alert: [committee, committee]
    rationale: r
    cite: s
"""
    with pytest.raises(RulebookError, match="name each target once"):
        load_text(src, "r.yaml")
