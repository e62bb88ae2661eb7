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


def _interrupt_then(real, caller: str = ""):  # type: ignore[no-untyped-def]
    """``real``, after a real SIGINT to this process on the main thread (when called from a
    file whose path ends in ``caller``): Ctrl-C at this point."""
    import functools
    import threading

    @functools.wraps(real)
    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        called_from = sys._getframe(1).f_code.co_filename
        if threading.current_thread() is threading.main_thread() and called_from.endswith(caller):
            os.kill(os.getpid(), signal.SIGINT)
        return real(*args, **kwargs)

    return interrupted


def _interrupt_at(where: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kvrules.cli.scan
    import kvrules.enrich
    import kvrules.settings

    if where == "start-up":  # reading the configuration
        monkeypatch.setattr(
            kvrules.cli.scan, "config_from", _interrupt_then(kvrules.cli.scan.config_from)
        )
    elif where == "a scan's start":  # the reference lists are loaded for each scan
        real = kvrules.enrich.Enricher.from_store.__func__
        monkeypatch.setattr(
            kvrules.enrich.Enricher, "from_store", classmethod(_interrupt_then(real))
        )
    else:  # the pause between scans (time.sleep as watch calls it, not as the scan does)
        pause = _interrupt_then(time.sleep, caller=os.path.join("cli", "scan.py"))
        monkeypatch.setattr(kvrules.cli.scan.time, "sleep", pause)


@pytest.mark.parametrize("where", ["start-up", "a scan's start", "between scans"])
def test_ctrl_c_anywhere_in_watch_says_interrupted(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Ctrl-C lands wherever the command happens to be; the line is the documented one."""
    from kvrules_pure.simulator import start_simulator

    from kvrules.cli import run

    sim = start_simulator(projects=5, seed=4, api_key=API_KEY)
    try:
        monkeypatch.setenv("KVRULES_PURE_BASE_URL", sim.base_url)
        monkeypatch.setenv("KVRULES_PURE_API_KEY", API_KEY)
        monkeypatch.setenv("KVRULES_DB", str(tmp_path / "state.db"))
        _interrupt_at(where, monkeypatch)
        status = run(["watch", "--interval", "1s", "--times", "2"])
    finally:
        sim.stop()
    err = capsys.readouterr().err
    assert status == 130, err
    said = "interrupted between scans:" if where == "between scans" else "interrupted:"
    assert err.strip().splitlines()[-1].startswith(said), err
