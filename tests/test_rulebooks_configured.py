"""`kvrules validate` and `kvrules test` with no path read the rulebooks a scan runs: the
configuration's (with its rulebook_vars), not the shipped ones, and say which they read."""

from __future__ import annotations

from pathlib import Path

from kvrules.cli import cli
from tests.conftest import HEADER, rule_yaml

TESTS = """\
tests:
  - name: fires
    given: {kind: partner.added, partner: {name: X, country: CN}}
    expect: [cn]
"""


def _site(tmp_path: Path, when: str) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "own.yaml").write_text(HEADER + rule_yaml("cn", when) + TESTS)
    (tmp_path / "kvrules.yaml").write_text("rulebooks: [site/]\n")
    return site


def test_validate_without_a_path_checks_the_configured_rulebooks(runner, tmp_path, monkeypatch):
    _site(tmp_path, 'partner.country == "CN" and')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1, result.output
    assert "site/own.yaml:" in result.stderr
    assert f"from the configuration {tmp_path / 'kvrules.yaml'}" in result.stdout


def test_test_without_a_path_runs_the_configured_rulebooks_tests(runner, tmp_path, monkeypatch):
    _site(tmp_path, 'partner.country == "CN"')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["test", "--no-enrich"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"  # not the shipped ones' tests
    assert "rulebooks: site (from the configuration" in result.stdout


def test_validate_without_a_path_applies_the_configured_rulebook_vars(
    runner, tmp_path, monkeypatch
):
    _site(tmp_path, 'partner.country == "CN"')
    (tmp_path / "kvrules.yaml").write_text("rulebooks: [site/]\nrulebook_vars: {t: {cap: 3}}\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert "vars.cap, which this rulebook does not define" in result.stderr


def test_test_names_each_rulebook_without_tests(runner, tmp_path):
    site = _site(tmp_path, 'partner.country == "CN"')
    untested = HEADER.replace("rulebook: t", "rulebook: untested") + rule_yaml(
        "ru", 'partner.country == "RU"'
    )
    (site / "untested.yaml").write_text(untested)
    result = runner.invoke(cli, ["test", "--no-enrich", str(site)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"
    assert result.stderr.splitlines() == [
        f"warning: {site / 'untested.yaml'}: rulebook 'untested' has no tests, nothing of it "
        "was tested (add some under tests:)"
    ]
