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
from tests.scan_helpers import file_export_config, json_report, scanned

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
        "RED, NOT COMPLETE — Red: sensitive research with a partner that carries both a country "
        "signal and "
        "a partner signal (goes to the committee)"
    )  # outside the Netherlands the generic triage: a finding for the committee is red
    # Dutch only where a source says whose guidance it is (tests/test_policy_of_another_jurisdiction.py)
    assert "Dutch" not in said.replace(
        "Dutch government guidance, applied here as good practice", ""
    )
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


@pytest.mark.parametrize("home", ["US", "NL"])
def test_a_scan_names_the_country_profiles_in_the_home_countrys_wording(tmp_path: Path, home):
    """The reviewer's r5: `scan` named the country profiles in the Dutch wording for any home
    country (the pipeline asked for them without it; `check` passed it)."""
    event = {
        "id": "e1",
        "kind": "project.created",
        "occurred_at": "2026-12-01T00:00:00Z",
        "source": {"system": "file", "record_id": "p1"},
        "project": {"id": "p1", "title": "t", "partners": [{"name": "X", "country": "CN"}]},
    }
    config = file_export_config(tmp_path, event, home=home)
    profiles = json_report(scanned(config, "--json"))["country_profiles"]
    dutch = "Named in the Dutch threat assessment of state actors (assessment)"
    neutral = "Named in a government's threat assessment of state actors (assessment)"
    assert (dutch if home == "NL" else neutral) in profiles
    assert ("Dutch" in profiles) is (home == "NL")


def test_the_neutral_wording_of_an_evidence_sentence_is_the_signals_one():
    from kvrules.jurisdiction import DUTCH_WORDING_ABROAD
    from kvrules.plain import SIGNALS, for_home

    said = for_home(f"country CN is {SIGNALS['nl-state-actor-threat']}", "US")
    neutral = DUTCH_WORDING_ABROAD["nl-state-actor-threat"]
    assert said == f"country CN is {neutral[0].lower()}{neutral[1:]}"
    assert for_home(f"is {SIGNALS['nl-state-actor-threat']}", "NL").endswith("state-actor threat")
