"""What README's restore paragraph says a restore sends again, as it happens.

An operations review restored a backup taken before a scan, scanned again and got every alert
queued after the backup a second time; the README said nothing of it. Here: a backup, a scan
that sends two alerts (a real SMTP server), the backup put back, the same scan again."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.alerts.conftest import SmtpServer
from tests.conftest import committee_mail_config

README = Path(__file__).parents[2] / "README.md"


def _config(tmp_path: Path, smtp: SmtpServer) -> Path:
    return committee_mail_config(tmp_path, smtp.host, smtp.port)


def _run(*args: str) -> None:
    res = CliRunner().invoke(cli, list(args))
    assert res.exit_code == 0, res.output


def test_a_restored_backup_sends_the_later_alerts_again_under_the_same_keys(
    tmp_path: Path, smtp_plain: SmtpServer
) -> None:
    config = _config(tmp_path, smtp_plain)
    db, backup = tmp_path / "state.db", tmp_path / "backup.db"
    _run("scan", "--config", str(config), "--limit", "1")  # a scan under way: P1 read
    _run("db", "backup", str(backup), "--config", str(config))
    _run("scan", "--config", str(config))  # it goes on after the backup: P2
    mails = smtp_plain.sink.mails  # type: ignore[attr-defined]
    first = [(m.message["Message-ID"], m.message["X-Kvrules-Idempotency-Key"]) for m in mails]
    assert len(first) == 2

    for stale in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(backup, db)  # restored, as README says: stopped, copy in place
    _run("scan", "--config", str(config))
    again = mails[len(first) :]
    # the alert queued after the backup (P2's) is sent again with its key and Message-ID,
    # not marked as a possible repeat: the restored outbox has no trace of the first sending
    assert [(m.message["Message-ID"], m.message["X-Kvrules-Idempotency-Key"]) for m in again] == [
        first[1]
    ]
    assert again[0].message["X-Kvrules-Possible-Repeat"] is None
    said = " ".join(README.read_text(encoding="utf-8").split())
    assert "every alert queued after the backup is sent a second time" in said
    assert "They are not marked as possible repeats" in said
