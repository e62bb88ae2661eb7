"""Dutch wording is for Dutch institutions; a Canadian or US one reads neutral words.

The reviewer's defect: with home_country CA or US, `kvrules check` headed its answer "(the
Leidraad triage)" and listed "Dutch sensitive research cluster" and "Named in the Dutch threat
assessment"; `report --help` said the default home country was NL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

BEIHANG = ("--partner", "Beihang University (CN)", "--topic", "hypersonic propulsion")


def _check(tmp_path: Path, home: str) -> str:
    config = tmp_path / f"{home}.yaml"
    config.write_text(f"home_country: {home}\ndatabase: kvrules.db\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", *BEIHANG, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize("home", ["CA", "US"])
def test_a_canadian_or_us_institution_reads_no_dutch_wording(tmp_path: Path, home: str):
    said = _check(tmp_path, home)
    assert said.startswith(
        "RED — Red: sensitive research with a partner that carries both a country signal and "
        "a partner signal (the triage of research content, the partner's country and the "
        "partner)"
    )
    assert "Dutch" not in said
    assert "the Leidraad triage" not in said
    assert "sensitive technology cluster 'hypersonic propulsion'" in said
    assert "Named in a government's threat assessment of state actors (assessment)" in said


def test_a_dutch_institution_keeps_the_dutch_wording(tmp_path: Path):
    said = _check(tmp_path, "NL")
    assert "(the Leidraad triage)" in said
    assert "Dutch sensitive research cluster 'hypersonic propulsion'" in said
    assert "Named in the Dutch threat assessment of state actors (assessment)" in said


def test_report_help_names_no_default_country():
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert "`home_country`)" in " ".join(result.output.split())
    assert "NL" not in result.output
