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
