"""`home_country` is asked for, documented and never assumed.

The reviewer's defect: `kvrules init` wrote `home_country: NL` whatever the institution, and a
configuration without it was treated as Dutch, silently — EU and Dutch findings for a
Canadian or US university. Now `init` takes `--home-country` (asked for at a terminal), and
without one the setting is left unset and `config check` asks for it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.config import Config, template


def _said(result) -> str:
    return " ".join((result.output + (result.stderr or "")).split())


def test_init_writes_the_home_country_it_is_given(tmp_path: Path):
    path = tmp_path / "kvrules.yaml"
    result = CliRunner().invoke(cli, ["init", str(path), "--home-country", "Canada"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["home_country"] == "CA"
    checked = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert "ok: home_country: CA" in _said(checked)


def test_without_one_init_leaves_it_unset_and_config_check_asks_for_it(tmp_path: Path):
    path = tmp_path / "kvrules.yaml"
    result = CliRunner().invoke(cli, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert "home_country is not set" in result.output
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "home_country" not in written
    assert "# home_country: XX" in path.read_text(encoding="utf-8")
    checked = _said(CliRunner().invoke(cli, ["config", "check", str(path)]))
    assert "warning: home_country: not set: set it to your institution's country" in checked
    assert "which rulebooks apply" in checked


def test_a_configuration_without_it_assumes_no_country():
    assert Config().home_country is None
    assert yaml.safe_load(template("US"))["home_country"] == "US"


def test_a_country_that_is_not_one_is_refused_in_one_line(tmp_path: Path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "k.yaml"), "--home-country", "XY"])
    assert result.exit_code == 2
    assert "--home-country" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "k.yaml").exists()


def test_norway_is_written_in_quotes_and_read_back_as_no(tmp_path: Path):
    """The reviewer's defect: `init --home-country Norway` wrote `home_country: NO` unquoted,
    which YAML reads as false, and `config check` said only "Input should be a valid string"."""
    path = tmp_path / "kvrules.yaml"
    result = CliRunner().invoke(cli, ["init", str(path), "--home-country", "Norway"])
    assert result.exit_code == 0, result.output
    assert 'home_country: "NO"' in path.read_text(encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["home_country"] == "NO"
    assert "ok: home_country: NO" in _said(CliRunner().invoke(cli, ["config", "check", str(path)]))


def test_a_bare_no_is_explained_as_yamls_false(tmp_path: Path):
    path = tmp_path / "kvrules.yaml"
    path.write_text("home_country: NO\n", encoding="utf-8")
    said = _said(CliRunner().invoke(cli, ["config", "check", str(path)]))
    assert 'NO is read as false by YAML: write "NO" (in quotes) for Norway' in said, said
    assert "Traceback" not in said
