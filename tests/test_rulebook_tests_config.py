"""`kvrules test` reads the configuration as every command does, and says which one it used:
its result can depend on the folder it runs in (./kvrules.yaml) only visibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.conftest import rule_yaml
from tests.test_own_taxonomies import CROWN_JEWELS

RULE = rule_yaml(
    "crown-jewel",
    "'project.sensitive_areas contains \"uni-crown-jewels:photonic-chips\"'",
    on="project.created",
)
TESTS = """\
tests:
  - name: a photonic chip project is a crown jewel
    given: {kind: project.created, project: {keywords: [photonic chip]}}
    expect: [crown-jewel]
"""


def _run(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["test", *args])
    return result.output.splitlines()


def test_kvrules_test_names_the_configuration_it_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_rulebook
) -> None:
    monkeypatch.delenv("KVRULES_CONFIG", raising=False)
    site = tmp_path / "site"
    site.mkdir()
    (site / "jewels.yaml").write_text(CROWN_JEWELS)
    config = site / "kvrules.yaml"
    config.write_text("area_taxonomies: [jewels.yaml]\n")
    rulebook = str(write_rulebook(RULE + TESTS))

    monkeypatch.chdir(site)  # ./kvrules.yaml is read, as by every command
    here = _run(rulebook)
    assert here[0].startswith(f"configuration: {config} (./kvrules.yaml in this folder)")
    assert here[0].endswith("research areas: the shipped ones and jewels.yaml")
    assert here[-1] == "1 passed, 0 failed"

    monkeypatch.chdir(tmp_path)  # elsewhere: none, and the line says so
    elsewhere = _run(rulebook)
    assert elsewhere[0].startswith(
        "configuration: none (no --config, $KVRULES_CONFIG or ./kvrules.yaml here)"
    )
    assert elsewhere[0].endswith("research areas: the shipped ones")
    assert elsewhere[-1] == "0 passed, 1 failed"

    named = _run("--config", str(config), rulebook)  # the same result from any folder
    assert named[0].startswith(f"configuration: {config} (--config)")
    assert named[-1] == "1 passed, 0 failed"
