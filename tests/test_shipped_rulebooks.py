"""The shipped rulebooks: valid, tested, cited, and never screening people by nationality."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.config import TEMPLATE
from kvrules.engine import load_rulebook
from kvrules.rulebook.loader import RulebookError, load_text

ROOT = Path(__file__).resolve().parent.parent
BOOKS = sorted((ROOT / "rulebooks").glob("*.yaml"))
MINE = [b for b in BOOKS if b.name != "us-dod-1286.yaml"]
KNOWN_LISTS = {"us_dod_1286", "ca_nro", "us_csl", "uk_sanctions", "aspi_cdut"}


def test_the_expected_rulebooks_are_shipped() -> None:
    assert {b.stem for b in MINE} == {
        "nl-leidraad",
        "ca-strac",
        "eu-dual-use",
        "funding-dependency",
        "contracts",
        "visits",
        "copublications",
        "restricted-parties",
    }


def test_kvrules_validate_passes() -> None:
    result = CliRunner().invoke(cli, ["validate", str(ROOT / "rulebooks")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


@pytest.mark.parametrize("enrich", ["--enrich", "--no-enrich"])
def test_kvrules_test_passes(enrich: str) -> None:
    # With --enrich the shipped reference data and country profiles are applied to each test
    # event, so the tests must hold both for hand-given and for enriched facts.
    result = CliRunner().invoke(cli, ["test", enrich, str(ROOT / "rulebooks")])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(" 0 failed"), result.output
    passed = int(result.output.strip().splitlines()[-1].split()[0])
    assert passed >= 50


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.stem)
def test_every_rule_cites_a_source_and_explains_itself(path: Path) -> None:
    book = load_rulebook(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw.get("description", "").strip()
    for rule in book.rules:
        assert rule.citation.cite.strip(), rule.id
        assert len(rule.rationale) >= 40, rule.id
        assert rule.legal_basis is None, f"{rule.id}: no shipped rule may read personal attributes"
        assert rule.risks, f"{rule.id}: every shipped rule names the risk type it screens for"
    for source in raw["sources"]:
        assert len(source["cite"]) >= 30, source["id"]


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.stem)
def test_every_rule_is_exercised_and_every_rulebook_has_a_negative_case(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = {rule_id for t in raw["tests"] for rule_id in t["expect"]}
    assert {r["id"] for r in raw["rules"]} <= expected
    assert any(t["expect"] == [] for t in raw["tests"])


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.stem)
def test_rules_read_no_personal_attributes_and_only_known_lists(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = yaml.safe_dump([r["when"] for r in raw["rules"]])
    assert "attributes" not in text  # free-form person attributes (the linter refuses them)
    lists = set(re.findall(r'(?:lists|candidate_lists) contains "([a-z0-9_]+)', text))
    for name in re.findall(r"(?:lists|candidate_lists) contains any vars\.(\w+)", text):
        lists |= set(raw["vars"][name])
    assert lists <= KNOWN_LISTS, lists - KNOWN_LISTS


def test_the_linter_would_reject_a_nationality_rule() -> None:
    # Guard for the visits rulebook: the linter, not only our care, keeps nationality out.
    src = """
rulebook: bad-visits
version: "1"
title: bad
jurisdiction: NL
sources: [{id: s, cite: a source}]
rules:
  - id: by-nationality
    title: bad
    on: visit.requested
    when: visit.visitor.attributes.nationality == "CN"
    severity: high
    rationale: not allowed
    cite: s
"""
    with pytest.raises(RulebookError, match="nationality"):
        load_text(src, "bad.yaml")


def _alert_targets() -> dict[str, list[str]]:
    targets: dict[str, list[str]] = {}
    for path in BOOKS:
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            alert = rule.get("alert")
            for target in alert if isinstance(alert, list) else [alert] if alert else []:
                targets.setdefault(target, []).append(rule["id"])
    return targets


def test_the_init_template_routes_every_shipped_alert_target_and_counts_them_right() -> None:
    routes = yaml.safe_load(TEMPLATE)["alerts"]["routes"]
    targets = _alert_targets()
    assert set(targets) <= set(routes)
    for target, rules in targets.items():
        line = next(x for x in TEMPLATE.splitlines() if x.strip().startswith(f"{target}:"))
        if counted := re.search(r"\((\d+) shipped rules\)", line):
            assert int(counted.group(1)) == len(rules), target


def test_single_factor_rules_do_not_alert_the_committee() -> None:
    # The Leidraad weighs content, country and partner together: one factor alone goes to the
    # adviser; the committee hears of triage-red (all three) and the rules that bind by law.
    committee = set(_alert_targets()["committee"])
    for single in ("partner-on-1286", "project-partner-on-1286", "coauthor-on-1286"):
        assert single not in committee
    assert "funder-in-sanctioned-country" not in committee and "triage-red" in committee


def _fired(tmp_path: Path, partner: dict, areas: list[str], *config: str) -> list[str]:
    """The rule ids `kvrules evaluate --no-enrich` fires when ``partner`` is added to a project
    in the sensitive ``areas``, with the shipped Leidraad triage and ``config`` (kvrules.yaml lines)."""
    project = {"id": "p", "title": "Soil", "partners": [partner], "sensitive_areas": areas}
    event = {
        "id": "e1",
        "kind": "partner.added",
        "source": {"system": "x", "record_id": "r1"},
        "occurred_at": "2026-11-01T10:00:00Z",
        "partner": partner,
        "project": project,
    }
    (tmp_path / "t.jsonl").write_text(json.dumps(event) + "\n")
    config_file, rulebook = tmp_path / "kvrules.yaml", ROOT / "rulebooks" / "nl-leidraad.yaml"
    config_file.write_text("\n".join(config) + "\n")
    args = ["--config", str(config_file), "--rulebook", str(rulebook), str(tmp_path / "t.jsonl")]
    result = CliRunner().invoke(cli, ["evaluate", "--no-enrich", "--json", *args])
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["rule_id"] for line in result.output.splitlines())


SIGNALLED = {
    "name": "Sanctioned Institute",
    "country": "RU",
    "country_signals": ["eu-sanctions-regime"],
}


def test_a_partner_on_the_uk_sanctions_list_is_triaged_like_one_on_the_us_csl(tmp_path) -> None:
    """`refdata update` downloads the UK Sanctions List: a hit on it is the partner factor of
    the Leidraad triage, as a hit on the US Consolidated Screening List is."""
    for list_id in ("us_csl", "uk_sanctions"):
        partner = {**SIGNALLED, "lists": [list_id]}
        assert _fired(tmp_path, partner, []) == ["triage-amber"], list_id
        assert _fired(tmp_path, partner, ["eu-dual-use:cat6"]) == ["triage-amber", "triage-red"]


def test_an_institutions_own_list_is_added_to_the_lists_the_triage_reads(tmp_path) -> None:
    """An own designation list counts once the configuration adds its id to the rulebook's
    `designation_lists` (beside the shipped ids, which stay read): RED, not AMBER, for a
    partner on it with a country signal in a sensitive area."""
    partner, areas = {**SIGNALLED, "lists": ["uni2_watch"]}, ["eu-dual-use:cat6"]
    own = ("rulebook_vars:", "  nl-leidraad:", "    designation_lists: {add: [uni2_watch]}")
    assert _fired(tmp_path, partner, areas) == ["triage-amber"]  # content and country only
    assert _fired(tmp_path, partner, areas, *own) == ["triage-amber", "triage-red"]
    shipped = {**partner, "lists": ["uk_sanctions"]}
    assert _fired(tmp_path, shipped, areas, *own) == ["triage-amber", "triage-red"]


def test_adding_a_value_of_another_type_to_a_list_variable_is_refused() -> None:
    leidraad = ROOT / "rulebooks" / "nl-leidraad.yaml"
    book = load_rulebook(leidraad, vars_override={"designation_lists": {"add": "uni2_watch"}})
    assert "+local." in book.version
    with pytest.raises(RulebookError, match=r"sets vars\.designation_lists to \['us_dod_1286'"):
        load_rulebook(leidraad, vars_override={"designation_lists": {"add": [5]}})
