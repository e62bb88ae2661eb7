"""Ctrl-C on `kvrules scan` (reviewer's defect 12): the person is told what was kept and that
the next scan continues from there (exit 130), and it does: nothing read is lost, nothing is
screened twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

API_KEY = "interrupt-test-key"
PROJECTS = 600


def _kept(db: Path) -> int:
    """Records the scan has committed so far (read without taking the write lock)."""
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM record_snapshots").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not made yet
            return 0


def test_ctrl_c_says_what_was_kept_and_the_next_scan_continues(tmp_path: Path) -> None:
    from kvrules_pure.simulator import start_simulator

    sim = start_simulator(projects=PROJECTS, seed=4, api_key=API_KEY)
    db = tmp_path / "state.db"
    env = {
        **os.environ,
        "KVRULES_PURE_BASE_URL": sim.base_url,
        "KVRULES_PURE_API_KEY": API_KEY,
        "KVRULES_PURE_PAGE_SIZE": "20",  # many resume points
        "KVRULES_DB": str(db),
        "KVRULES_REFDATA": str(tmp_path / "ref.db"),
    }
    scan = [sys.executable, "-m", "kvrules", "scan", "--json"]
    try:
        running = subprocess.Popen(
            scan, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            while _kept(db) < 50 and running.poll() is None:
                time.sleep(0.05)
            assert running.poll() is None, "the scan ended before it could be interrupted"
            running.send_signal(signal.SIGINT)
            _, err = running.communicate(timeout=300)
        finally:
            if running.poll() is None:
                running.kill()
        assert running.returncode == 130, err
        assert "Traceback" not in err
        last = err.strip().splitlines()[-1]
        assert last.startswith("interrupted: the scan of 'pure' stopped; the records it read")
        assert "the next scan continues where this one stopped" in last
        kept = _kept(db)
        assert 0 < kept < PROJECTS

        done = subprocess.run(scan, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode in (0, 2), done.stderr
        report = json.loads(done.stdout)
        # what the first scan kept is not screened again, and nothing is missing
        assert report["events"] == PROJECTS - kept
        assert _kept(db) == PROJECTS
    finally:
        sim.stop()
