"""The audit head the board report publishes, checked as printed (reviewer, one year in):
`kvrules audit verify --head 414:09a9a28483648044` — the report's own 16-digit quote — was a
false alarm on the intact log, `--head foo` an internal error (exit 70), and a restored older
backup verified as intact. End to end: report → verify on an intact, a tampered and a
restored-backup store."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from tests.store.store_helpers import make_finding


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kvrules.db"
    with Store.open(path) as store:
        for i, severity in enumerate((Severity.HIGH, Severity.LOW)):
            store.record_finding(make_finding(record_id=f"p-{i}", severity=severity))
    return path


def _published(runner, db: Path, tmp_path: Path) -> tuple[str, str]:
    """The head as the report prints it, and the verify command it suggests."""
    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    full = re.search(r'<code id="audit-head">(\d+:[0-9a-f]{64})</code>', page)
    command = re.search(r"<code>kvrules audit verify --head (\d+:[0-9a-f]+)</code>", page)
    assert full and command
    return full.group(1), command.group(1)


def _verify(runner, db: Path, head: str | None):
    return runner.invoke(
        cli, ["audit", "verify", "--db", str(db), *(["--head", head] if head else [])]
    )


def test_the_head_the_report_prints_verifies_the_intact_log(runner, db, tmp_path) -> None:
    full, quoted = _published(runner, db, tmp_path)
    assert full.startswith(quoted) and len(quoted.split(":")[1]) == 16
    for head in (full, quoted, quoted.upper()):
        ok = _verify(runner, db, head)
        assert ok.exit_code == 0, ok.output
        assert "anchored entry" in ok.stdout and "found as published" in ok.stdout


@pytest.mark.parametrize(
    "head", ["foo", "414", "414:", "x:09a9a28483648044", "12:zz", "4:09a9a284"]
)
def test_a_malformed_head_is_one_clear_line(runner, db, head) -> None:
    result = _verify(runner, db, head)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "ID:HASH" in result.output or "at least 16" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_a_tampered_log_fails_against_the_published_head(runner, db, tmp_path) -> None:
    _, quoted = _published(runner, db, tmp_path)
    with sqlite3.connect(db) as conn:
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    bad = _verify(runner, db, quoted)
    assert bad.exit_code == 1 and "audit row 2" in bad.stderr


def test_a_restored_older_backup_is_caught_only_with_the_published_head(
    runner, db, tmp_path
) -> None:
    backup = tmp_path / "backup.db"
    shutil.copy(db, backup)  # closed store: the file is the whole database
    with Store.open(db) as store:  # work after the backup, then a report publishes the head
        case = store.case_for("pure", "p-1")
        assert case is not None
        store.set_case_status(case.id, "closed", actor="adviser")
    _, quoted = _published(runner, db, tmp_path)
    shutil.copy(backup, db)  # the older backup restored over it
    assert _verify(runner, db, None).exit_code == 0  # the chain alone cannot tell
    caught = _verify(runner, db, quoted)
    assert caught.exit_code == 1
    assert "anchored entry is missing" in caught.stderr and "older backup" in caught.stderr
