"""A mistyped ``--db`` or ``$KVRULES_DB`` never starts an empty database: a scan against one
would find every finding new and send every alert again (the receivers would get them twice)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.pipeline.pipeline_helpers import System
from tests.pipeline.test_pipeline_scan import scan


@pytest.mark.parametrize("given_by", ["flag", "env"])
def test_a_scan_against_a_db_in_a_missing_folder_is_refused_and_sends_nothing_again(
    system: System, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    first = scan(system)
    assert first["alerts_delivered"] > 0
    sent = sorted(system.mail_keys())
    typo = tmp_path / "nonexistent" / "dir" / "x.db"
    args = ["scan", "--config", str(system.config)]
    if given_by == "flag":
        args += ["--db", str(typo)]
    else:
        monkeypatch.setenv("KVRULES_DB", str(typo))

    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"no folder {typo.parent} for the state database {typo}")
    assert line.endswith("create it or check the path")
    assert not (tmp_path / "nonexistent").exists()  # no folder, no database was created
    assert sorted(system.mail_keys()) == sent  # nothing was sent again


def test_a_first_scan_starts_a_new_database_in_an_existing_folder(
    system: System, tmp_path: Path
) -> None:
    new = tmp_path / "elsewhere.db"
    summary = scan(system, "--db", str(new))
    assert new.is_file() and summary["alerts_queued"] > 0
