"""STRAC's attestation, said: a STRA application to a tri-agency or CFI names it.

The reviewer's defect: a quantum-sensing project funded by NSERC with a Canadian partner was
"GREEN — No findings", though the policy asks each named researcher of a grant application
that aims to advance a STRA for an attestation (docs/reference-data.md §2.1,
``require_attestation_if project.stra_subcategories ≠ ∅``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.config import TEMPLATE

ATTESTATION = "stra-attestation-on-canadian-federal-grant"


def _check(tmp_path: Path, *args: str) -> dict:
    config = tmp_path / "kvrules.yaml"
    config.write_text("home_country: CA\ndatabase: kvrules.db\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", *args, "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "funder",
    [
        "Natural Sciences and Engineering Research Council of Canada (NSERC) (CA)",
        "Instituts de recherche en santé du Canada (IRSC) (CA)",
    ],
)
def test_a_stra_grant_from_an_agency_asks_for_the_attestation(tmp_path: Path, funder: str):
    out = _check(
        tmp_path, "--title", "t", "--topic", "quantum sensing",
        "--partner", "University of Waterloo (CA)", "--funder", funder,
    )  # fmt: skip
    found = {f["rule_id"]: f for f in out["findings"]}
    assert ATTESTATION in found
    assert (found[ATTESTATION]["severity"], found[ATTESTATION]["alert"]) == ("info", "grant-office")
    assert "Government of Canada, Policy on Sensitive Technology Research" in json.dumps(
        found[ATTESTATION]
    )
    # a step the policy asks, not a risk signal: still green, and the reason names it
    assert out["triage"]["colour"] == "green"
    assert "for information: Attestation required" in out["triage"]["reason"]


def test_no_attestation_without_a_stra_or_an_agency(tmp_path: Path):
    history = _check(
        tmp_path, "--topic", "medieval history", "--funder", "NSERC (CA)",
        "--partner", "University of Waterloo (CA)",
    )  # fmt: skip
    other = _check(
        tmp_path, "--topic", "quantum sensing", "--funder", "Mitacs (CA)",
        "--partner", "University of Waterloo (CA)",
    )  # fmt: skip
    for out in (history, other):
        assert ATTESTATION not in {f["rule_id"] for f in out["findings"]}


def test_the_init_template_routes_the_grant_office():
    routes = yaml.safe_load(TEMPLATE)["alerts"]["routes"]
    assert routes["grant-office"]


def test_a_site_without_a_grant_office_route_is_warned_not_stopped(tmp_path: Path):
    """An upgraded configuration routes the three older targets only: the attestation's route
    is asked for as a warning (its findings are for information), a risk target's as an error."""
    config = tmp_path / "kvrules.yaml"
    webhook = "{plugin: webhook, settings: {url: https://hooks.example.edu/x}}"
    config.write_text(
        "sources: {f: {adapter: file, settings: {path: .}}}\n"
        f"alerts:\n  channels: {{m: {webhook}}}\n"
        "  routes: {committee: [m], adviser: [m], export-control: [m]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    said = " ".join(result.output.split())
    assert "warning: alerts.routes: 1 rule(s) alert 'grant-office'" in said, said
    assert result.exit_code == 0, result.output
    config.write_text(config.read_text().replace(", export-control: [m]", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    # 7: eu-dual-use 2026.7 added annex-iv-partner-in-eu
    assert "error: alerts.routes: 7 rule(s) alert 'export-control'" in " ".join(
        result.output.split()
    )
