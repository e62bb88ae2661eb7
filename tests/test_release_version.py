"""Which kvrules this is (reviewer's defect: the release upgrading schema 11 and the one before
it both said `kvrules, version 0.1.0`, and so did the upgrade's audit entry). The version is
pyproject's, as installed; run from a git checkout, the commit is named too."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import release
from kvrules.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def test_version_is_the_installed_release_pyproject_names() -> None:
    # an editable install left at an older version would say the wrong release
    assert release.version() == _pyproject_version()


def test_this_release_is_above_the_one_whose_schema_it_upgrades() -> None:
    # 0.1.0 shipped schema 11 and the previous rulebooks: a 0.x with schema and rulebook
    # changes is a minor release (semver: anything may change before 1.0, minor says so)
    major, minor, _ = (int(n) for n in _pyproject_version().split("."))
    assert (major, minor) > (0, 1)


@pytest.mark.skipif(
    not (ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git checkout"
)
def test_version_names_the_commit_when_run_from_a_checkout() -> None:
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    said = CliRunner().invoke(cli, ["--version"])
    assert said.exit_code == 0
    assert said.stdout.startswith(f"kvrules, version {_pyproject_version()} (git {head}")


def test_an_upgrade_records_the_release_and_commit(tmp_path: Path) -> None:
    from kvrules.store import Store
    from tests.store.test_upgrade_readers import previous_schema

    path = previous_schema(tmp_path / "kvrules.db")
    with Store.open(path, say=lambda _: None) as store:
        upgraded = store.audit_entries()[-1]
    assert upgraded.details["kvrules"] == release.described()
    assert upgraded.details["kvrules"].startswith(_pyproject_version())
