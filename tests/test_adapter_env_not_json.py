"""A list or mapping setting given as an environment variable that is not JSON is said in one
line naming the variable (code review 2 of 0.4.0): `KVRULES_CONVERIS_PARTNER_ENTITY_LINKS='{bad'
kvrules config check` printed "internal error (SettingsError: error parsing value for field
"partner_entity_links" from source "EnvSettingsSource"); this is a bug in kvrules …"."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.cli import cli


@pytest.mark.parametrize(
    ("source", "variable"),
    [
        ("converis", "KVRULES_CONVERIS_PARTNER_ENTITY_LINKS"),
        ("converis", "KVRULES_CONVERIS_IGNORED_LINKS"),
        ("converis", "KVRULES_CONVERIS_LANGUAGES"),
        ("pure", "KVRULES_PURE_LOCALES"),
        ("pure", "KVRULES_PURE_RISK_TAGS"),
    ],
)
def test_config_check_names_the_variable_in_one_line(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, variable: str
) -> None:
    config = tmp_path / "kvrules.yaml"
    made = runner.invoke(cli, ["init", str(config), "--home-country", "NL", "--source", source])
    assert made.exit_code == 0, made.output
    monkeypatch.setenv(variable, "{bad")
    result = runner.invoke(cli, ["config", "check", "--config", str(config)])
    assert result.exit_code == 1, result.output
    said = [line for line in result.output.splitlines() if variable in line]
    assert len(said) == 1 and "is not valid JSON" in said[0], result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
