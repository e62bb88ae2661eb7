"""A rulebook runs for an institution only where its jurisdiction covers the home country.

The reviewer's defect: with ``home_country: US`` (or CA) the EU export-control rulebook flagged
MIT (or the University of Toronto) as "a partner outside the EU" — EU export rules bind
institutions in the EU, not a US or Canadian university.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.engine import load_rulebooks
from kvrules.jurisdiction import EU_MEMBERS, applicable, covers

SHIPPED = {
    "ca-strac", "contracts", "copublications", "eu-dual-use", "funding-dependency",
    "nl-leidraad", "restricted-parties", "us-dod-1286", "visits",
}  # fmt: skip


@pytest.mark.parametrize(
    ("jurisdiction", "country", "covered"),
    [
        ("EU", "NL", True),
        ("EU", "DE", True),
        ("EU", "GR", True),
        ("EU", "US", False),
        ("EU", "CA", False),
        ("EU", "GB", False),  # left in 2020
        ("EU", "CH", False),
        ("NL", "NL", True),
        ("NL", "DE", False),
        ("CA", "CA", True),
        ("CA", "US", False),
        ("US", "US", True),
        ("us", "us", True),
        ("US", "NL", False),
    ],
)
def test_what_a_jurisdiction_covers(jurisdiction: str, country: str, covered: bool):
    assert covers(jurisdiction, country) is covered


def test_the_eu_has_27_members():
    assert len(EU_MEMBERS) == 27


def _applied(home: str | None, anyway: tuple[str, ...] = ()) -> tuple[set[str], list[str]]:
    books, problems = load_rulebooks([])
    assert not problems
    applied, left_out = applicable(books, home, anyway)
    return {b.id for b in applied}, [str(x) for x in left_out]


@pytest.mark.parametrize("home", ["US", "CA"])
def test_eu_export_control_does_not_run_outside_the_eu(home: str):
    applied, left_out = _applied(home)
    assert applied == SHIPPED - {"eu-dual-use"}
    assert left_out == [
        f"{what}: not applied, jurisdiction EU does not cover home country {home}; "
        "add it to `apply_outside_jurisdiction` in the configuration to apply it anyway"
        # EU sanctions law, one rule of a rulebook that runs everywhere
        for what in ("eu-dual-use", "funding-dependency/funder-in-sanctioned-country")
    ]


@pytest.mark.parametrize("home", ["NL", "DE", None])
def test_every_shipped_rulebook_runs_for_an_eu_member_or_without_a_home_country(home):
    assert _applied(home) == (SHIPPED, [])


def test_a_rulebook_can_be_applied_outside_its_jurisdiction():
    anyway = ("eu-dual-use", "funding-dependency/funder-in-sanctioned-country")
    assert _applied("US", anyway) == (SHIPPED, [])


def _config(tmp_path: Path, home: str, *extra: str) -> Path:
    path = tmp_path / "kvrules.yaml"
    path.write_text("\n".join([f"home_country: {home}", "database: kvrules.db", *extra]) + "\n")
    return path


MIT = (
    "--partner",
    "Massachusetts Institute of Technology (US)",
    "--topic",
    "hypersonic propulsion",
)
TORONTO = ("--partner", "University of Toronto (CA)", "--topic", "hypersonic propulsion")


def _rules(config: Path, *args: str) -> set[str]:
    result = CliRunner().invoke(cli, ["check", *args, "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return {f["rule_id"] for f in json.loads(result.stdout)["findings"]}


@pytest.mark.parametrize(("home", "partner"), [("US", MIT), ("CA", TORONTO)])
def test_a_domestic_partner_on_annex_i_research_gets_no_eu_export_finding(
    tmp_path: Path, home: str, partner: tuple[str, ...]
):
    assert "annex-i-partner-outside-eu" not in _rules(_config(tmp_path, home), *partner)


def test_a_dutch_university_still_gets_the_eu_export_finding_for_mit(tmp_path: Path):
    assert "annex-i-partner-outside-eu" in _rules(_config(tmp_path, "NL"), *MIT)


def test_applied_anyway_a_us_university_is_asked_about_partners_outside_the_us(tmp_path: Path):
    """The reviewer's defect: with `apply_outside_jurisdiction: [eu-dual-use]` a US site was
    asked about MIT ("outside the EU (US)") and the rule was the EU's test, not the site's.
    Now a partner counts when it is outside the home country: MIT not, Beihang and TU Delft
    (inside the EU, abroad for a US institution) yes, and config check says what it applies."""
    config = _config(tmp_path, "US", "apply_outside_jurisdiction: [eu-dual-use]")
    assert "annex-i-partner-outside-eu" not in _rules(config, *MIT)
    uav = ("--topic", "UAV inertial navigation")
    for partner in ("Beihang University (CN)", "TU Delft (NL)"):
        assert "annex-i-partner-outside-eu" in _rules(config, "--partner", partner, *uav)
    checked = " ".join(
        CliRunner().invoke(cli, ["config", "check", "--config", str(config)]).output.split()
    )
    assert "eu-dual-use: applied outside its jurisdiction EU" in checked
    assert "`foreign` means outside US" in checked


def test_applied_anyway_a_visitor_from_a_domestic_institution_is_not_flagged(tmp_path: Path):
    config = _config(tmp_path, "CA", "apply_outside_jurisdiction: [eu-dual-use]")
    visit = (
        "--visitor-institution",
        "University of Toronto (CA)",
        "--topic",
        "UAV inertial navigation",
    )
    assert "annex-i-visitor-from-outside-eu" not in _rules(config, *visit)
    abroad = ("--visitor-institution", "ETH Zurich (CH)", "--topic", "UAV inertial navigation")
    assert "annex-i-visitor-from-outside-eu" in _rules(config, *abroad)


def test_config_check_and_validate_say_which_rulebook_is_not_applied_and_why(tmp_path: Path):
    config = _config(tmp_path, "US")
    said = "eu-dual-use: not applied, jurisdiction EU does not cover home country US"
    checked = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    assert said in " ".join(checked.output.split())
    validated = CliRunner().invoke(cli, ["validate", "--config", str(config)])
    assert validated.exit_code == 0, validated.output
    assert said in validated.output


def test_config_check_warns_of_an_applied_rulebook_that_is_not_loaded(tmp_path: Path):
    config = _config(tmp_path, "US", "apply_outside_jurisdiction: [eu-dual-us]")
    checked = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    assert "names rulebook 'eu-dual-us', which is not loaded" in " ".join(checked.output.split())
