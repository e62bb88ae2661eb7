"""`audit verify` reads the copy kept before an upgrade as it is (reviewer's defect: on
`X.schema-11.bak` it said to run `kvrules db upgrade` on it, which would have upgraded the way
back to the previous release). The audit log's table and hashing are those of schema 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.store.test_upgrade_readers import PREVIOUS, previous_schema, version_of


def test_audit_verify_reads_the_copy_kept_before_an_upgrade_as_it_is(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    assert CliRunner().invoke(cli, ["db", "upgrade", "--db", str(path)]).exit_code == 0
    kept = tmp_path / f"kvrules.db.schema-{PREVIOUS}.bak"
    before = kept.read_bytes()
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(kept)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("audit log intact: ")
    assert f"has schema {PREVIOUS}" in result.stderr and "not upgraded" in result.stderr
    assert "db upgrade" not in result.output
    assert kept.read_bytes() == before and version_of(kept) == PREVIOUS


def test_audit_verify_of_a_tampered_older_copy_names_the_break(tmp_path: Path) -> None:
    path = previous_schema(tmp_path / "kvrules.db")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, details, prev_hash, hash) "
        "VALUES ('2026-01-01T00:00:00.000000Z', 'x', 'y', 'z', '{}', 'bad', 'bad')"
    )
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert version_of(path) == PREVIOUS
