"""A site's decimal separator (config ``decimal_separator``), for amounts typed in a pre-screen.

Left from the last session: `kvrules check --decimal-separator` and the API's
``?decimal_separator=`` read "250,000", but the web form had no such setting, so an English
site typing "250,000" there was refused as ambiguous at every pre-screen. The configuration
now says how the site writes amounts; `check` reads it too, its flag overriding it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.config import ConfigError, load_config


def _config(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "kvrules.yaml"
    path.write_text(f"database: {tmp_path / 'state.db'}\n{line}\n", encoding="utf-8")
    return path


def _check(tmp_path: Path, config: Path, amount: str, *args: str):
    proposal = tmp_path / "p.yaml"
    proposal.write_text(
        f'title: T\nfunders:\n  - {{name: European Commission, amount: "{amount}", '
        "currency: EUR}\n",
        encoding="utf-8",
    )
    return CliRunner().invoke(cli, ["check", str(proposal), "--config", str(config), *args])


@pytest.mark.parametrize("separator", [",", "."])
def test_the_setting_takes_the_values_of_the_cli_option(tmp_path: Path, separator: str) -> None:
    config = load_config(_config(tmp_path, f'decimal_separator: "{separator}"'))
    assert config.decimal_separator == separator
    assert load_config(_config(tmp_path, "")).decimal_separator is None  # unset: refused


@pytest.mark.parametrize("written", ['"x"', "2", '";"'])
def test_another_value_is_one_line_at_its_place(tmp_path: Path, written: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(_config(tmp_path, f"decimal_separator: {written}"))
    said = str(refused.value)
    assert said.startswith(f"{tmp_path / 'kvrules.yaml'}:2:20: decimal_separator: "), said
    assert 'write "," (250.000 is 250000) or "." (250,000 is 250000)' in said, said
    assert len(said.splitlines()) == 1, said


def test_config_show_says_the_setting_and_where_it_comes_from(tmp_path: Path) -> None:
    config = _config(tmp_path, 'decimal_separator: "."')
    shown = CliRunner().invoke(cli, ["config", "show", "--config", str(config), "--json"])
    assert shown.exit_code == 0, shown.output
    said = json.loads(shown.output)["decimal_separator"]
    assert said["value"] == "." and said["origin"] == f"file {config}", said
    unset = CliRunner().invoke(cli, ["config", "show", "--config", str(_config(tmp_path, ""))])
    assert "decimal_separator = null  [default]" in unset.output, unset.output


def test_check_reads_amounts_by_the_site_setting_and_the_flag_overrides_it(
    tmp_path: Path,
) -> None:
    english = _config(tmp_path, 'decimal_separator: "."')
    read = _check(tmp_path, english, "250,000")
    assert read.exit_code == 0, read.output
    assert "European Commission, €250,000" in read.output
    # the flag wins: a Dutch colleague's file on the English site
    dutch = _check(tmp_path, english, "250.000", "--decimal-separator", ",")
    assert dutch.exit_code == 0, dutch.output
    assert "European Commission, €250,000" in dutch.output
    # unambiguous amounts read as before, whatever the setting
    both = _check(tmp_path, english, "1.234.567,00")
    assert both.exit_code == 0 and "€1,234,567.00" in both.output, both.output
    unset = _check(tmp_path, _config(tmp_path, ""), "250,000")
    assert unset.exit_code == 2 and "'250,000' is ambiguous" in unset.output, unset.output
