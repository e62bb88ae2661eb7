"""Category 0 with a partner inside the EU asks about an intra-EU transfer authorisation:
reviewer (acting as a university export-control officer), 2026-12-07, `kvrules check` on an
NL site with "Spent fuel pyroprocessing" and a German partner said "No findings", while
Annex IV items (nearly all of Category 0) need an authorisation even between Member States
(Regulation (EU) 2021/821, Article 11). The real CLI, the site set up as the reviewer did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

RULE = "annex-iv-partner-in-eu"


@pytest.fixture
def nl_site(tmp_path: Path) -> Path:
    path = tmp_path / "kvrules.yaml"
    made = CliRunner().invoke(cli, ["init", str(path), "--home-country", "NL"])
    assert made.exit_code == 0, made.output
    return path


def _check(config: Path, partner: str, topic: str) -> dict:
    result = CliRunner().invoke(
        cli, ["check", "--config", str(config), "--partner", partner, "--topic", topic, "--json"]
    )
    return json.loads(result.stdout)


def test_category_0_with_a_partner_in_another_member_state_asks_the_officer(nl_site: Path):
    answer = _check(nl_site, "Karlsruhe Institute of Technology (DE)", "Uranium enrichment")
    assert RULE in json.dumps(answer["findings"]), answer["findings"]
    (finding,) = [f for f in answer["findings"] if RULE in json.dumps(f)]
    said = json.dumps(finding)
    assert "Article 11" in said and "Annex IV" in said


def test_another_annex_i_category_with_an_eu_partner_stays_quiet(nl_site: Path):
    answer = _check(nl_site, "Karlsruhe Institute of Technology (DE)", "Frequency hopping radios")
    assert "eu-dual-use:cat5" in answer["sensitive_areas"]
    assert RULE not in json.dumps(answer["findings"])


def test_the_eu001_sentence_no_longer_says_it_may_cover_category_0():
    from kvrules.rulebook.discovery import shipped_rulebooks

    text = (shipped_rulebooks() / "eu-dual-use.yaml").read_text(encoding="utf-8")
    start = text.index("the general authorisation EU001")
    sentence = " ".join(text[start : start + 400].split())
    assert "except for the items it excludes (Annex IIg" in sentence
    assert "Category 0" in sentence
