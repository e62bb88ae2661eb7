"""One scan at a time on a database, and SIGTERM acted on while a write waits for another
process's lock. Real processes: the lock is the operating system's, the wait SQLite's."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kvrules.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and signals: POSIX")

HOLD_SCAN_LOCK = """
import sys, time
from kvrules.scanlock import scan_lock
with scan_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(600)
"""

HOLD_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(600)
"""

# A write that waits (busy timeout: 600 s) for the lock HOLD_WRITE_LOCK holds, SIGTERM handled
# as a scan handles it. The store is opened (and its schema checked) before the lock is taken.
WAIT_FOR_THE_WRITE_LOCK = """
import sys
from kvrules.cli.scan import Stopped, sigterm_stops
from kvrules.store import Store

with Store.open(sys.argv[1], busy_timeout=600) as store:
    print("opened", flush=True)
    sys.stdin.readline()  # the lock is held now
    try:
        with sigterm_stops():
            print("waiting", flush=True)
            with store.transaction():
                print("got the lock", flush=True)
    except Stopped:
        print("stopped", flush=True)
        sys.exit(143)
"""


def _sleeping_in_c(pid: int) -> bool:
    """Whether the process sleeps in a system call (SQLite's busy wait), as Linux says; True
    where /proc does not say."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text() not in ("", "0")
    except OSError:
        return True


def _started(script: str, *args: str) -> subprocess.Popen[str]:
    """``script`` in a process of its own, once it printed its first line."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.strip() in ("held", "opened"), first
    return process


def _scan(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kvrules", "scan", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def configured(tmp_path: Path) -> tuple[Path, Path]:
    """(configuration, database): one file source on a two-line export."""
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "p.csv").write_text("project_id,title\np-1,Quantum sensing\np-2,Soil carbon\n")
    db = tmp_path / "state.db"
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {db}\nhome_country: NL\n"
        f"sources:\n  files:\n    adapter: file\n    settings: {{path: {exports}}}\n"
    )
    return config, db


def test_a_second_scan_is_refused_naming_the_first_and_a_crashed_ones_lock_is_taken_over(
    configured: tuple[Path, Path],
) -> None:
    config, db = configured
    holder = _started(HOLD_SCAN_LOCK, str(db))
    try:
        refused = _scan(config)
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no cleanup of its own runs
        holder.wait()
    assert refused.returncode == 1, refused.stdout + refused.stderr
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith(f"another scan is running on {db} (process {holder.pid}, started ")
    assert last.endswith(
        "UTC): wait for it to end, or stop it (SIGTERM keeps what it read); two scans at "
        "once would contend for the database"
    ), last
    assert "Traceback" not in refused.stderr
    after_the_crash = _scan(config)  # the file is left behind; its lock died with its process
    assert after_the_crash.returncode == 0, after_the_crash.stderr
    assert "2 records" in after_the_crash.stdout or "records" in after_the_crash.stdout


def test_sigterm_is_acted_on_while_a_write_waits_for_another_process_lock(
    tmp_path: Path,
) -> None:
    """SQLite's busy wait sleeps in C; Python ran the SIGTERM handler only when it returned
    (30 s by default, here 600 s: the process would outlive the test's wait)."""
    db = tmp_path / "state.db"
    Store.open(db, create=True).close()
    waiter = _started(WAIT_FOR_THE_WRITE_LOCK, str(db))
    holder = _started(HOLD_WRITE_LOCK, str(db))
    try:
        assert waiter.stdin is not None and waiter.stdout is not None
        waiter.stdin.write("go\n")
        waiter.stdin.flush()
        assert waiter.stdout.readline().strip() == "waiting"
        while not _sleeping_in_c(waiter.pid):  # in SQLite's wait, not just before it
            time.sleep(0.05)
        time.sleep(0.5)  # well inside the wait (a slice is 0.2 s): not a timing check
        waiter.send_signal(signal.SIGTERM)
        out, _ = waiter.communicate(timeout=120)  # not a timing check: a hang guard
    finally:
        for process in (waiter, holder):
            if process.poll() is None:
                process.kill()
                process.wait()
    assert (waiter.returncode, out.strip()) == (143, "stopped")
    with sqlite3.connect(db) as conn:  # the holder is gone: the database is as it was
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert os.path.exists(db)
