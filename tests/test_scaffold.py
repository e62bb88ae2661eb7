"""``kvrules new-adapter``: the scaffolded package passes its own tests as generated."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import plugins
from kvrules.cli import cli
from kvrules.scaffold import placeholders


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
    readme = (root / "README.md").read_text()
    assert "KVRULES_DSPACE_CRIS_API_KEY" in readme
    assert "kvrules.org" not in readme  # no such site


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
    assert "18 passed, 1 skipped" in run.stdout, run.stdout  # adapter_at: no HTTP yet
    # The generated code is lint- and format-clean, imports in isort order (ruff's I rules:
    # kvrules is a third-party package there, sorted among the others). Ruff is in the test
    # extras: run from this interpreter, it is checked whether or not it is on PATH.
    for args in (["check", "--extend-select", "I"], ["format", "--check"]):
        lint = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
            cwd=root,
            capture_output=True,
            text=True,
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


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Path]]:
    """installed(name): the scaffolded adapter on sys.path with its entry point, as
    `pip install -e` would leave it."""
    packages: list[str] = []

    def install(name: str) -> Path:
        root = scaffold(tmp_path, name)
        values = placeholders(name)
        info = root / f"{values['package']}-0.1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {values['dist']}\nVersion: 0.1.0\n"
        )
        (info / "entry_points.txt").write_text(f"[kvrules]\n{name} = {values['package']}\n")
        monkeypatch.syspath_prepend(str(root))
        packages.append(values["package"])
        plugins.reset()
        return root

    yield install
    for module in [m for m in sys.modules if m.split(".")[0] in packages]:
        sys.modules.pop(module)
    monkeypatch.undo()
    plugins.reset()


def test_an_adapters_own_error_is_shown_not_blamed_on_its_settings(installed, monkeypatch):
    installed("dspace")
    monkeypatch.setenv("KVRULES_DSPACE_BASE_URL", "https://ris.example.org")
    monkeypatch.setenv("KVRULES_DSPACE_API_KEY", "a-key")
    result = CliRunner().invoke(cli, ["fetch", "--source", "dspace"])
    assert result.exit_code != 0
    assert "dspace adapter: no client for https://ris.example.org yet: replace sample.connect" in (
        result.output
    ), result.output
    assert "settings" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["pure", "converis", "file"])
def test_refuses_the_name_of_an_installed_adapter(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["new-adapter", name, "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"adapter name '{name}' is taken" in result.output
    assert f"an installed adapter is called '{name}'" in result.output
    assert f"module kvrules_{name} is installed" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_scaffolds_secret_comes_from_the_environment_or_a_file_as_check_advises(
    installed, tmp_path, monkeypatch
):
    """The scaffold shipped api_key="sample-key", and `config check` advised an
    'api_key_file' it called an unknown setting."""
    root = installed("dspace")
    assert "sample-key" not in (root / "kvrules_dspace" / "config.py").read_text()
    monkeypatch.delenv("KVRULES_DSPACE_API_KEY", raising=False)
    cfg = tmp_path / "kvrules.yaml"
    source = "sources:\n  d:\n    adapter: dspace\n    settings:\n      base_url: sample://x\n"
    cfg.write_text(source + "      api_key: inline-key\n")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 1 and "inline-key" not in result.output
    assert (
        "keep it out of this file: use the environment variable KVRULES_DSPACE_API_KEY or "
        "'api_key_file'"
    ) in result.output, result.output
    key = tmp_path / "dspace.key"
    key.write_text("from-a-file\n")
    cfg.write_text(source + f"      api_key_file: {key}\n")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert f"ok: sources.d.api_key_file: read from {key}" in result.output
    fetch = CliRunner().invoke(cli, ["fetch", "--source", "d", "--config", str(cfg), "--json"])
    assert fetch.exit_code == 0, fetch.output


def test_the_scaffolds_fetch_quarantines_any_record_its_mapping_cannot_take(installed) -> None:
    """Only ValidationError and KeyError were caught: a partner given as a bare name
    (TypeError in Partner(**p)) ended the whole fetch. Its own tests now hold such records.
    The reason names every field to fix with its path (it said "country: …" for the second
    partner, and dropped the funder's problems)."""
    import importlib

    installed("oddities")
    package = importlib.import_module("kvrules_oddities")
    sample = importlib.import_module("kvrules_oddities.sample")
    source = sample.SampleSource()
    source.put({"id": "P-ODD", "title": "Odd", "partners": ["Beihang University"]})
    source.put(
        {
            "id": "P-TWO",
            "title": "Two",
            "partners": [{"name": "A", "country": "NL"}, {"name": "X", "country": "Narnia"}],
            "funders": [{"name": "F", "country": "Atlantis"}],
        }
    )
    config = package.OdditiesConfig(base_url="sample://test", api_key="k", page_size=2)
    records = [
        r for r in package.OdditiesAdapter(config, source=source).fetch() if r.events or r.error
    ]
    reasons = {r.record_id: r.error for r in records if r.error}
    assert reasons == {
        "P-ODD": "partners.0: Input should be a valid dictionary or instance of Partner",
        "P-TWO": (
            "partners.1.country: not an ISO 3166-1 country: 'Narnia'; "
            "funders.0.country: not an ISO 3166-1 country: 'Atlantis'"
        ),
    }
    assert all(not r.events for r in records if r.error)
    assert len([r for r in records if r.events]) == 5
