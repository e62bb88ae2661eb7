"""Commands that only read leave an older database as it is (reviewer's defect, upgrading a
running site from 2c1c373: `kvrules check` and a dry-run `purge` upgraded kvrules.db from
schema 11 to 12, and the old `serve` still running answered 500 on every page).

The older database is made by the shipped migrations themselves, all but the last one: the
schema of the previous release (migrations are never edited once shipped)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store.db import Database, connect, migrate
from kvrules.store.migrations import MIGRATIONS
from tests.store.store_helpers import T0

PREVIOUS = MIGRATIONS[-2].version


def previous_schema(path: Path) -> Path:
    db = Database(connect(path), path)
    migrate(db, T0, MIGRATIONS[:-1])
    db.close()
    return path


def version_of(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]


def _refused_unchanged(result, path: Path, before: bytes) -> None:
    assert result.exit_code == 1, result.output
    assert "run `kvrules db upgrade" in result.stderr
    assert "upgrading" not in result.stderr
    assert "Traceback" not in result.output
    assert version_of(path) == PREVIOUS
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.bak*"))


def test_check_does_not_upgrade_the_database_it_reads_verdicts_from(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    before = path.read_bytes()
    args = ["check", "--partner", "Beihang University (CN)", "--topic", "robotics"]
    result = CliRunner().invoke(cli, [*args, "--db", str(path)])
    _refused_unchanged(result, path, before)


def test_a_dry_run_purge_does_not_upgrade(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["purge", "--db", str(path)])
    _refused_unchanged(result, path, before)


def test_a_markdown_report_does_not_upgrade(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    before = path.read_bytes()
    out = tmp_path / "report.md"
    result = CliRunner().invoke(cli, ["report", "--db", str(path), "--out", str(out)])
    _refused_unchanged(result, path, before)


def test_purge_apply_upgrades_as_a_command_that_writes(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    result = CliRunner().invoke(cli, ["purge", "--db", str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"upgrading {path} from schema {PREVIOUS}")
    assert version_of(path) == MIGRATIONS[-1].version
