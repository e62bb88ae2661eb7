"""The commands that only read work on a read-only mount (reviewer's defect: `findings` and
`audit verify` failed with "unable to open database file", exit 1, on a read-only copy).

The mount is real: a read-only bind mount in a user and mount namespace of its own
(``unshare``, no privileges needed); where the system allows none, the tests are skipped."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kvrules.store import Store
from tests.store.store_helpers import make_finding

_MOUNT_READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'


def _on_read_only_mount(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``argv`` run where ``folder`` is mounted read-only."""
    return subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            _MOUNT_READ_ONLY,
            str(folder),
            *argv,
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) here")
    probe = _on_read_only_mount(folder, "touch", str(folder / "probe"))
    if "Read-only file system" not in probe.stderr:
        pytest.skip(f"no read-only mount in a namespace here: {probe.stderr.strip()}")
    return folder


def _kvrules(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return _on_read_only_mount(folder, sys.executable, "-m", "kvrules", *argv)


def _with_findings(path: Path) -> Store:
    store = Store.open(path)
    store.record_finding(make_finding("proj-1"), channels=["committee"])
    store.record_finding(make_finding("proj-2"), channels=["committee"])
    return store


def test_findings_and_audit_verify_read_a_database_on_a_read_only_mount(
    read_only_folder: Path,
) -> None:
    db = read_only_folder / "kvrules.db"
    _with_findings(db).close()  # closed cleanly: no -wal or -shm file is left beside it
    assert not Path(f"{db}-shm").exists()
    found = _kvrules(read_only_folder, "findings", "--db", str(db), "--json")
    assert found.returncode == 0, found.stderr
    assert len([json.loads(line) for line in found.stdout.splitlines()]) == 2
    verified = _kvrules(read_only_folder, "audit", "verify", "--db", str(db))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("audit log intact: ")


def test_a_live_copy_with_its_wal_is_read_whole_or_refused_in_words(
    read_only_folder: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live.db"
    store = _with_findings(live)
    store._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store._db.conn.execute("PRAGMA wal_autocheckpoint=0")
    store.record_finding(make_finding("proj-3"), channels=["committee"])  # in the -wal only
    db = read_only_folder / "kvrules.db"
    for suffix in ("", "-wal", "-shm"):  # copied as a snapshot would hold them
        shutil.copy(f"{live}{suffix}", f"{db}{suffix}")
    store.close()
    found = _kvrules(read_only_folder, "findings", "--db", str(db), "--json")
    assert found.returncode == 0, found.stderr
    assert len(found.stdout.splitlines()) == 3  # the commit still in the -wal file too

    Path(f"{db}-shm").unlink()  # without its index, SQLite cannot read the -wal here
    refused = _kvrules(read_only_folder, "findings", "--db", str(db), "--json")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"{db} cannot be read where it is: its folder is read-only and {db}-wal holds "
        "changes not yet written into it; copy the database and its -wal file to a writable "
        "folder and read the copy"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:  # nothing was changed
        assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 3
