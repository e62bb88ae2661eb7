"""A disk that fills up in the middle of a scan ends it in one line, exit 1. Operations review,
2026-12-07 (severe): `kvrules scan` on a 6 MB tmpfs ended "internal error (OperationalError:
cannot commit - no transaction is active); this is a bug", exit 70. On a real full disk SQLite
may roll the whole transaction back, not only the failing statement
(https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"); the
batch's COMMIT on the way out then failed with a bug's words in place of the disk's.

Two ways to a full disk, without a tmpfs: ``PRAGMA max_page_count`` at the file's size (SQLite
answers SQLITE_FULL and undoes the statement), and the other answer SQLite gives, played as it
gives it — the transaction rolled back and SQLITE_FULL raised — by the store's connection
itself. Each after the scan has stored ten records (``--reader thread``: the store's
connection is this process's)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import System


def _cap_the_file(conn: sqlite3.Connection) -> None:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")


def _roll_back_and_say_full(conn: sqlite3.Connection) -> None:
    conn.execute("ROLLBACK")
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    raise full


@pytest.mark.parametrize("disk", [_cap_the_file, _roll_back_and_say_full])
def test_a_disk_full_mid_scan_is_said_in_one_line_exit_1(
    system: System, monkeypatch: pytest.MonkeyPatch, disk
) -> None:
    observe = Store.observe_record
    seen = 0

    def fill_the_disk_at_the_tenth(self: Store, *args, **kwargs):
        nonlocal seen
        seen += 1
        if seen == 10:
            disk(self._db.conn)
        return observe(self, *args, **kwargs)

    monkeypatch.setattr(Store, "observe_record", fill_the_disk_at_the_tenth)
    result = CliRunner().invoke(cli, ["scan", "--config", str(system.config), "--reader", "thread"])
    assert seen >= 10
    said = result.stderr.strip().splitlines()
    assert result.exit_code == 1, result.output + result.stderr
    assert f"the disk holding {system.database} is full; nothing of" in said[-1], said
    assert "internal error" not in result.stderr and "bug" not in result.stderr
    monkeypatch.undo()
    with sqlite3.connect(system.database) as conn:  # intact: the next scan resumes
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = CliRunner().invoke(cli, ["scan", "--config", str(system.config), "--json"])
    assert again.exit_code == 0, again.output + again.stderr
