"""The shipped rulebooks: valid, tested, cited, and never screening people by nationality."""

from __future__ import annotations

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
KNOWN_LISTS = {"us_dod_1286", "ca_nro", "us_csl", "aspi_cdut"}


def test_the_expected_rulebooks_are_shipped() -> None:
    assert {b.stem for b in MINE} == {
        "nl-leidraad",
        "ca-strac",
        "eu-dual-use",
        "funding-dependency",
        "contracts",
        "visits",
        "copublications",
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
    lists = set(re.findall(r'(?:lists|candidate_lists) contains "?([a-z0-9_]+)', text))
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
            if rule.get("alert"):
                targets.setdefault(rule["alert"], []).append(rule["id"])
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
