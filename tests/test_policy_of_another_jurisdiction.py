"""A site outside the EU and the Netherlands reads no EU law or Dutch policy as its own.

The reviewer's defect: a US site was told that a Russian funder "is based in a country under
an EU sanctions regime … check the funder and its owners against the EU sanctions lists" (an
EU Regulation cited); rationales and sources named the Rathenau Instituut, the Leidraad and
the Loket Kennisveiligheid as if they were its policy; the countries line listed "EU001".
Now a rule whose legal basis is EU law runs only where it binds (a rule's ``jurisdiction``),
and Dutch guidance applied elsewhere says whose it is (a source's ``whose``) and reads a
rationale without Dutch policy names (``rationale_abroad``). A Dutch site reads it as before.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

PROPOSAL = (
    "--title", "t", "--topic", "hypersonic propulsion",
    "--partner", "Beihang University (CN)", "--funder", "Russian Science Foundation (RU)",
)  # fmt: skip
DUTCH = re.compile(r"Rathenau|Leidraad|Loket|Kennisveiligheid|Netherlands")
SAID_WHOSE = re.compile(
    r"(Dutch government guidance|Advice to the Dutch parliament)[^:]*, applied here as good practice: "
)


def _check(tmp_path: Path, home: str, *extra: str) -> str:
    config = tmp_path / f"{home}.yaml"
    config.write_text(
        "\n".join([f"home_country: {home}", "database: kvrules.db", *extra]) + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", *PROPOSAL, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("home", ["US", "CA", "GB"])
def test_outside_the_eu_no_eu_law_and_dutch_policy_is_said_to_be_dutch(tmp_path: Path, home):
    said = _check(tmp_path, home)
    assert "EU sanctions lists" not in said
    assert "Funder is based in a country under an EU sanctions regime" not in said
    assert "Regulation (EU)" not in said and "EU001" not in said
    for line in said.splitlines():
        if DUTCH.search(line):  # only in a source, which says whose it is
            assert line.strip().startswith("source: ") and SAID_WHOSE.search(line), line
    # the findings themselves are still there: the triage and the funder's country of concern
    assert "Red: sensitive research with a partner" in said
    assert "the risk analysis (research content, the partner's country, the partner itself)" in said


def test_an_eu_member_keeps_the_eu_sanctions_rule(tmp_path: Path):
    said = " ".join(_check(tmp_path, "DE").split())
    assert "Check the funder and its owners against the EU sanctions lists" in said


def test_a_dutch_site_reads_the_rulebooks_as_written(tmp_path: Path):
    said = " ".join(_check(tmp_path, "NL").split())
    assert "against the EU sanctions lists" in said
    assert "All three factors of the Leidraad risk analysis" in said
    assert "source: Loket Kennisveiligheid, Risk analysis" in said
    assert "applied here as good practice" not in said


def test_the_eu_rule_applied_anyway_runs_and_config_check_says_what_is_left_out(tmp_path: Path):
    applied = _check(
        tmp_path,
        "US",
        "apply_outside_jurisdiction: [funding-dependency/funder-in-sanctioned-country]",
    )
    assert "against the EU sanctions lists" in " ".join(applied.split())
    config = tmp_path / "US.yaml"
    config.write_text("home_country: US\ndatabase: kvrules.db\n", encoding="utf-8")
    checked = " ".join(
        CliRunner().invoke(cli, ["config", "check", "--config", str(config)]).output.split()
    )
    assert (
        "funding-dependency/funder-in-sanctioned-country: not applied, jurisdiction EU does not "
        "cover home country US"
    ) in checked


@pytest.mark.parametrize("home", ["US", "CA", "GB"])
def test_eu_export_control_applied_abroad_asks_about_a_partner_abroad_in_its_title(
    tmp_path: Path, home: str
) -> None:
    """Review: a US site applying eu-dual-use was asked about "a partner outside the EU" in
    the title while the rule asked about a partner abroad (``when_abroad``) and its rationale
    said so (``rationale_abroad``): the title reads as the rule asks (``title_abroad``)."""
    said = " ".join(_check(tmp_path, home, "apply_outside_jurisdiction: [eu-dual-use]").split())
    assert "Annex I research area with a partner abroad; check whether an export" in said
    assert "partner outside the EU" not in said
    # the EU's measure on the partner's country is still said, as the EU's
    assert "Besides your own export controls on Annex I technology" in said
    assert "That is a European Union measure: it binds institutions in the EU" in said


def test_an_eu_member_reads_the_eu_titles_as_written(tmp_path: Path) -> None:
    said = " ".join(_check(tmp_path, "DE").split())
    assert "Annex I research area with a partner outside the EU; check whether an export" in said
    assert "partner abroad" not in said


@pytest.mark.parametrize(
    ("home", "whose"),
    [("US", "the United States"), ("GB", "the United Kingdom"), ("CA", "Canada"),
     ("PR", "the United States")],
)  # fmt: skip
def test_outside_the_eu_the_triage_says_an_eu_arms_embargo_is_the_eus_measure(
    tmp_path: Path, home: str, whose: str
) -> None:
    """Review: a US committee read the triage's country factor "its country is under an EU
    arms embargo" as a restriction of its own. The fact stays (it is one about the country),
    said as the EU's measure, in the site's terms; an EU member reads it as written."""
    proposal = ["--topic", "hypersonic propulsion", "--partner", "University of Yangon (MM)"]

    def checked(home: str) -> str:
        config = tmp_path / f"{home}.yaml"
        config.write_text(f"home_country: {home}\ndatabase: kvrules.db\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", *proposal, "--config", str(config)])
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    said = checked(home)
    assert "its country is under an EU arms embargo (Myanmar (Burma): Council Decision" in said
    assert (
        f"; an EU measure, binding institutions in the EU: not a measure of {whose}, whose own "
        "sanctions and export controls decide what applies to this institution"
    ) in said
    for member in ("NL", "DE"):
        inside = checked(member)
        assert "under an EU arms embargo" in inside and "an EU measure, binding" not in inside


@pytest.mark.parametrize(
    ("home", "whose"),
    [("XK", "Kosovo"), ("CD", "the Democratic Republic of the Congo"), ("RU", "Russia"),
     ("PH", "the Philippines"), ("BS", "the Bahamas"), ("US", "the United States"),
     ("KY", "the United Kingdom"), ("CA", "Canada"), ("IR", "Iran")],
)  # fmt: skip
def test_the_eu_measure_note_names_the_site_country_as_people_do(home: str, whose: str) -> None:
    """Review: "not a measure of XK", "of Congo, The Democratic Republic of the", "of Russian
    Federation", "of Philippines": ISO 3166's catalogue names, without the article."""
    from kvrules.plain import eu_measure_abroad

    assert f": not a measure of {whose}, whose own sanctions" in eu_measure_abroad(home)
