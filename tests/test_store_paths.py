"""Where a command may start a state database or reference store, and where it refuses.

An explicitly named path (flag, environment, config file) in a folder that does not exist is
refused by every command; ``match`` and ``check`` screen against a reference store but never
start one that was named: they would screen against the shipped, partial lists in silence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

HARBIN = "Harbin Institute of Technology"


@pytest.mark.parametrize(
    "command",
    [["match", HARBIN], ["check", "--partner", HARBIN, "--topic", "robotics"]],
    ids=["match", "check"],
)
def test_screening_against_a_named_reference_store_that_does_not_exist_is_refused(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "r.db"  # its folder exists: the store does not
    result = CliRunner().invoke(cli, [*command, "--refdata", str(missing)])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"no reference store at {missing} (flag --refdata)")
    assert not missing.exists()

    typo = tmp_path / "nonexistent" / "r.db"
    result = CliRunner().invoke(cli, [*command, "--refdata", str(typo)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"no folder {typo.parent} for the reference store {typo}")
    assert not typo.parent.exists()


def test_a_new_default_reference_store_is_said_not_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KVRULES_REFDATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["match", HARBIN, "--json"])
    assert result.exit_code == 0, result.output
    assert "is new: screening against the shipped lists only" in result.stderr
    assert (tmp_path / "data" / "kvrules" / "refdata.db").is_file()


def test_refdata_import_never_creates_a_missing_folder(tmp_path: Path) -> None:
    data = tmp_path / "ror.json"
    data.write_text("[]", encoding="utf-8")
    typo = tmp_path / "nonexistent" / "r.db"
    result = CliRunner().invoke(
        cli, ["refdata", "import", "ror", str(data), "--refdata", str(typo)]
    )
    assert result.exit_code == 1, result.output
    assert "no folder" in result.stderr and not typo.parent.exists()


def test_config_check_names_a_missing_store_and_creates_nothing(tmp_path: Path) -> None:
    config = tmp_path / "kvrules.yaml"
    config.write_text("sources: {f: {adapter: file, settings: {path: .}}}\n", encoding="utf-8")
    typo = tmp_path / "nonexistent" / "r.db"
    result = CliRunner().invoke(cli, ["config", "check", str(config), "--refdata", str(typo)])
    assert result.exit_code == 1, result.output
    assert f"reference_data: folder {typo.parent} does not exist" in result.stderr
    assert not typo.parent.exists()


def test_the_library_opens_no_store_in_a_missing_folder_unless_told(tmp_path: Path) -> None:
    """The guard in ``settings`` is not the only one: ``Store.open`` and
    ``open_reference_store`` create a missing folder only when the caller says it may start a
    store there (``create=True``), so a command that forgets the guard cannot start one."""
    from kvrules.errors import KvrulesError
    from kvrules.refdata.shipped import open_reference_store
    from kvrules.store import Store

    state, reference = tmp_path / "typo" / "kvrules.db", tmp_path / "typo2" / "refdata.db"
    with pytest.raises(KvrulesError, match=f"no folder {state.parent} for the state database"):
        Store.open(state)
    with pytest.raises(KvrulesError, match=f"no folder {reference.parent} for the reference"):
        open_reference_store(reference)
    assert not state.parent.exists() and not reference.parent.exists()
    with Store.open(state, create=True), open_reference_store(reference, create=True) as store:
        assert not store.is_empty()  # started with the shipped lists
    assert state.is_file() and reference.is_file()
    with Store.open(state), open_reference_store(reference):  # their folders exist now
        pass


def test_config_check_on_a_fresh_install_accepts_the_default_store_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-user store's folder does not exist before the first scan, which creates it:
    that is no error, so long as kvrules may create it (the nearest existing folder is
    writable); `config check` says it will be created, and creates nothing itself."""
    monkeypatch.delenv("KVRULES_REFDATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    store = tmp_path / "home" / ".local" / "share" / "kvrules" / "refdata.db"
    config = tmp_path / "kvrules.yaml"
    config.write_text("sources: {f: {adapter: file, settings: {path: .}}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 0, result.output
    assert f"reference_data: {store} (the default" in result.stderr
    assert "does not exist yet" in result.stderr
    assert "creating its folder" in result.stderr
    assert not (tmp_path / "home").exists()


def _config_check_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_home: Path) -> str:
    """`config check` of a config that names no store, with XDG_DATA_HOME at ``data_home``:
    refused (exit 1); what it said on stderr."""
    monkeypatch.delenv("KVRULES_REFDATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    config = tmp_path / "kvrules.yaml"
    config.write_text("sources: {f: {adapter: file, settings: {path: .}}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 1, result.output
    return result.stderr


def test_config_check_refuses_a_default_store_folder_it_could_not_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        pytest.skip("needs a user that a read-only folder stops (root writes anywhere)")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    stderr = _config_check_stderr(tmp_path, monkeypatch, locked / "share")
    assert f"cannot be created: {locked} is not writable" in stderr


def test_config_check_refuses_a_default_store_folder_under_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "share"
    blocker.write_text("a file where the data folder should be\n", encoding="utf-8")
    stderr = _config_check_stderr(tmp_path, monkeypatch, blocker / "deeper")
    assert f"cannot be created: {blocker} is not a folder" in stderr


def test_the_environment_wins_over_the_config_file_and_config_check_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flags > environment > config file > default, for the reference store as documented
    (README, "Configuration"); `config check` names the store it uses and why."""
    (tmp_path / "kvrules.yaml").write_text("reference_data: file-ref.db\n")
    config = str(tmp_path / "kvrules.yaml")
    env_store, file_store, flag_store = (tmp_path / n for n in ("env.db", "file-ref.db", "f.db"))
    for store in (env_store, file_store, flag_store):  # each holds the shipped lists
        started = CliRunner().invoke(cli, ["refdata", "lists", "--refdata", str(store)])
        assert started.exit_code == 0, started.output

    def said() -> str:
        result = CliRunner().invoke(cli, ["config", "check", config, *flag])
        [line] = [ln for ln in result.output.splitlines() if ": ok: reference_data: " in ln]
        return line.split(": ok: reference_data: ", 1)[1].split("): ", 1)[0] + ")"

    flag: list[str] = []
    monkeypatch.setenv("KVRULES_REFDATA", str(env_store))
    assert said() == (
        f"{env_store} (from $KVRULES_REFDATA, which overrides reference_data: {file_store} in "
        "the config file)"
    )
    flag = ["--refdata", str(flag_store)]
    assert said() == (
        f"{flag_store} (from --refdata, which overrides reference_data: {file_store} in the "
        "config file)"
    )
    flag = []
    monkeypatch.delenv("KVRULES_REFDATA")
    assert said() == f"{file_store} (from reference_data in the config file {config})"
