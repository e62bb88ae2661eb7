"""An institution's own rulebooks beside the shipped ones (`rulebooks: [shipped, site/]`),
and one shipped rule turned off with its reason (`disable:`), as the docs show them; `config
check` says when no shipped rulebook is active."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.config import load_config
from kvrules.engine import load_rulebooks
from kvrules.rulebook.discovery import shipped_rulebooks

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rulebook-language.md"
OFF = "visits/visitor-possible-list-match"


def _docs_examples() -> tuple[str, str]:
    """The configuration and the rulebook of the docs' section, as written."""
    section = DOCS.read_text().split("## Your own rulebooks beside the shipped ones", 1)[1]
    section = section.split("\n## ", 1)[0]
    config, rulebook, _disable_only = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return config, rulebook


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config, rulebook = _docs_examples()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "uni2.yaml").write_text(rulebook)
    (tmp_path / "kvrules.yaml").write_text("home_country: NL\n" + config)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_docs_example_runs_the_shipped_rulebooks_and_the_own_one(site):
    config = load_config(site / "kvrules.yaml")
    books, problems = load_rulebooks(config.rulebooks)
    assert problems == []
    shipped = {p.stem for p in shipped_rulebooks().glob("*.yaml")}
    assert {b.id for b in books} >= shipped | {"uni2-own"}
    visits = next(b for b in books if b.id == "visits")
    assert "visitor-possible-list-match" not in [r.id for r in visits.rules]
    assert "+disabled." in visits.version  # findings cite the policy that ran
    assert not any("visitor-possible-list-match" in t.expect for t in visits.tests)


def test_validate_says_the_rule_turned_off_with_its_reason_as_the_docs_do(runner, site):
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    said = next(line for line in result.stdout.splitlines() if line.startswith(OFF))
    assert said == (
        f"{OFF}: turned off by site/uni2.yaml:19:11: Board decision 2026-14: the adviser "
        "confirms possible matches before a review"
    )
    assert said.split(": Board")[0] in " ".join(DOCS.read_text().split())


def test_a_disabled_rule_that_is_not_there_is_refused_with_the_id_meant(runner, site):
    own = site / "site" / "uni2.yaml"
    own.write_text(own.read_text().replace("visitor-possible", "visitor-posible"))
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "site/uni2.yaml:19:11: disable: rulebook 'visits' has no rule "
        "'visitor-posible-list-match' (did you mean 'visitor-possible-list-match'?)"
    ]


def test_a_copy_of_a_shipped_rulebook_says_how_to_keep_both(runner, site):
    (site / "site" / "visits.yaml").write_text((shipped_rulebooks() / "visits.yaml").read_text())
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert "give your own rulebook an id of its own (rulebook: my-visits)" in result.stderr
    assert "name it under disable:" in result.stderr


def test_config_check_says_when_no_shipped_rulebook_is_active(runner, site):
    own = site / "site" / "uni2.yaml"
    own.write_text(own.read_text().split("disable:")[0])
    (site / "kvrules.yaml").write_text("home_country: NL\nrulebooks: [site/]\n")
    result = runner.invoke(cli, ["config", "check"])
    assert "no shipped rulebook is active" in result.stderr, result.output
    assert "add `shipped` to it (e.g. `rulebooks: [shipped, site/]`)" in result.stderr
    (site / "kvrules.yaml").write_text("home_country: NL\nrulebooks: [shipped, site/]\n")
    result = runner.invoke(cli, ["config", "check"])
    assert "no shipped rulebook is active" not in result.output


def _docs_disable_only() -> str:
    """The docs' rulebook that only turns a shipped rule off, as written."""
    section = DOCS.read_text().split("## Your own rulebooks beside the shipped ones", 1)[1]
    return re.findall(r"```yaml\n(.*?)```", section.split("\n## ", 1)[0], re.S)[2]


DISABLE_ONLY = _docs_disable_only()


@pytest.mark.parametrize("rules", ["", "sources: []\nrules: []\n"])
def test_a_rulebook_that_only_disables_rules_is_valid_and_turns_them_off(runner, site, rules):
    """A reviewer's US site rulebook with only `disable:` was refused ("rules: a rulebook needs
    at least one rule"): turning a shipped rule off is a whole policy decision of its own."""
    (site / "site" / "uni2.yaml").unlink()
    (site / "site" / "us-own.yaml").write_text(DISABLE_ONLY.replace("disable:", rules + "disable:"))
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert "nl-leidraad/triage-amber: turned off by site/us-own.yaml" in result.stdout
    books, problems = load_rulebooks(load_config(site / "kvrules.yaml").rulebooks)
    assert problems == [] and "us-own" in {b.id for b in books}
    leidraad = next(b for b in books if b.id == "nl-leidraad")
    assert "triage-amber" not in [r.id for r in leidraad.rules]


def test_a_rulebook_with_neither_rules_nor_disable_is_refused_in_one_line(runner, site):
    empty = DISABLE_ONLY.split("disable:")[0]
    (site / "site" / "uni2.yaml").write_text(empty)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "site/uni2.yaml:2:1: rules: a rulebook needs at least one rule under rules:, or rules "
        "of other rulebooks to turn off under disable:"
    ]
