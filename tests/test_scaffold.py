"""``kvrules new-adapter``: the scaffolded package passes its own tests as generated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli


def scaffold(tmp_path: Path, name: str) -> Path:
    result = CliRunner().invoke(cli, ["new-adapter", name, "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return tmp_path / f"kvrules-{name}"


def test_scaffold_layout_and_entry_point(tmp_path: Path) -> None:
    root = scaffold(tmp_path, "dspace-cris")
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "kvrules_dspace_cris/__init__.py",
        "kvrules_dspace_cris/adapter.py",
        "kvrules_dspace_cris/config.py",
        "kvrules_dspace_cris/mapping.py",
        "kvrules_dspace_cris/sample.py",
        "pyproject.toml",
        "tests/test_dspace_cris_conformance.py",
    ]
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.kvrules]\ndspace-cris = "kvrules_dspace_cris"' in pyproject
    assert 'name = "kvrules-dspace-cris"' in pyproject
    assert "KVRULES_DSPACE_CRIS_API_KEY" in (root / "README.md").read_text()


def test_scaffolded_package_passes_its_tests_out_of_the_box(tmp_path: Path) -> None:
    root = scaffold(tmp_path, "elements")
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "13 passed" in run.stdout, run.stdout  # the whole conformance suite, none skipped
    if shutil.which("ruff"):  # the generated code is lint- and format-clean
        for args in (["check"], ["format", "--check"]):
            lint = subprocess.run(
                ["ruff", *args, "--no-cache", "."], cwd=root, capture_output=True, text=True
            )
            assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("name", ["Elements", "1st", "my adapter", "a--b", "x/y"])
def test_rejects_names_that_are_not_package_names(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["new-adapter", name, "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "lower-case letters" in result.output
    assert list(tmp_path.iterdir()) == []


def test_does_not_overwrite_an_existing_folder(tmp_path: Path) -> None:
    root = scaffold(tmp_path, "worktribe")
    (root / "README.md").write_text("mine")
    result = CliRunner().invoke(cli, ["new-adapter", "worktribe", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert (root / "README.md").read_text() == "mine"
