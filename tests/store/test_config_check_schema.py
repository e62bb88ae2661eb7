"""`config check` on a database of the previous release (reviewer's defect, upgrading from
2c1c373: it said "ok: database: kvrules.db" on schema 11, where the README's procedure runs it
after `kvrules db upgrade` to catch exactly that)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store.migrations import MIGRATIONS
from tests.store.test_upgrade_readers import PREVIOUS, previous_schema


def _database_line(tmp_path: Path, path: Path) -> str:
    config = tmp_path / "kvrules.yaml"
    config.write_text(f'home_country: "NL"\ndatabase: {path}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    return next(line for line in result.output.splitlines() if ": database: " in line)


def test_config_check_says_an_older_database_needs_db_upgrade(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    before = path.read_bytes()
    line = _database_line(tmp_path, path)
    latest = MIGRATIONS[-1].version
    said = f"schema {PREVIOUS}, this release needs {latest}: run `kvrules db upgrade --db {path}`"
    assert ": warning: database: " in line and said in line
    assert path.read_bytes() == before


def test_config_check_is_content_with_an_upgraded_database(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    assert CliRunner().invoke(cli, ["db", "upgrade", "--db", str(path)]).exit_code == 0
    assert _database_line(tmp_path, path).endswith(f": ok: database: {path}")
