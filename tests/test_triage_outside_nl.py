"""The headline colour outside the Leidraad's own jurisdiction, and a critical finding's.

The reviewer's defect: on a US site, a Beihang partner on soil ecology funded by the Office of
Naval Research was headlined "AMBER — Amber: at least two of the three risk factors…" under a
critical finding (DoD-funded research with a 1286-listed institution: mitigate or decline),
because the Dutch Leidraad's triage set the colour whatever other findings' severity.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

DOD_FUNDED = (
    "--title", "t", "--topic", "soil microbial ecology",
    "--partner", "Beihang University (CN)", "--funder", "Office of Naval Research (US)",
)  # fmt: skip


def _triage(tmp_path: Path, home: str, *args: str) -> dict:
    config = tmp_path / f"{home}.yaml"
    config.write_text(f"home_country: {home}\ndatabase: kvrules.db\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", *args, "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["triage"]


@pytest.mark.parametrize("home", ["US", "CA", "GB", "DE", "NL"])
def test_a_critical_finding_is_headlined_red_wherever_the_institution_is(tmp_path: Path, home):
    triage = _triage(tmp_path, home, *DOD_FUNDED)
    assert triage["colour"] == "red"
    assert triage["rule"] == "us-dod-1286/listed-partner-with-dod-funding"


@pytest.mark.parametrize("home", ["US", "CA"])
def test_outside_the_netherlands_the_triage_is_the_generic_one(tmp_path: Path, home):
    """A listed partner alone goes to the adviser: amber, set by the highest finding (the
    1286 listing), not by the Leidraad's amber."""
    triage = _triage(tmp_path, home, "--partner", "Beihang University (CN)")
    assert triage["colour"] == "amber"
    assert triage["rule"] == "us-dod-1286/project-partner-on-1286"
    assert "for the adviser" in triage["reason"] and "triage" not in triage["reason"]


def test_a_dutch_institution_keeps_the_leidraad_triage(tmp_path: Path):
    amber = _triage(tmp_path, "NL", "--partner", "Beihang University (CN)")
    assert (amber["colour"], amber["rule"]) == ("amber", "nl-leidraad/triage-amber")
    assert "(the Leidraad triage)" in amber["reason"]
    red = _triage(tmp_path, "NL", "--partner", "Beihang University (CN)", "--topic", "hypersonic propulsion")  # fmt: skip
    assert (red["colour"], red["rule"]) == ("red", "nl-leidraad/triage-red")
