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
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

API_KEY = "interrupt-test-key"
PROJECTS = 600
HELD_FROM = 100  # the page of projects at this offset waits until the scan is interrupted
# `kvrules` as a terminal starts it, Ctrl-C raising KeyboardInterrupt: a child inherits an
# ignored SIGINT (tests run from a background job, nohup), and Python then keeps it ignored.
CTRL_C_AS_IN_A_TERMINAL = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from kvrules.cli import main; main()"
)


def _kept(db: Path) -> int:
    """Records the scan has committed so far (read without taking the write lock)."""
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM record_snapshots").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not made yet
            return 0


def _hold_pages_from(sim, offset: int) -> tuple[threading.Event, threading.Event]:  # type: ignore[no-untyped-def]
    """Hold the simulator's answer to every page of projects from ``offset`` on until released:
    (reached, release). The scan then cannot pass that page before it is interrupted, however
    fast it runs or slowly this test is scheduled; a fixed count of records alone raced it (on
    a loaded machine the signal could land after the scan had read every page)."""
    projects = sim.store.collection("projects")
    page = projects.page
    reached, release = threading.Event(), threading.Event()

    def held(start: int, size: int):  # type: ignore[no-untyped-def]
        if start >= offset:
            reached.set()
            release.wait()
        return page(start, size)

    projects.page = held  # this simulator's collection only, for this test
    return reached, release


def test_ctrl_c_says_what_was_kept_and_the_next_scan_continues(tmp_path: Path) -> None:
    from kvrules_pure.simulator import start_simulator

    sim = start_simulator(projects=PROJECTS, seed=4, api_key=API_KEY)
    reached, release = _hold_pages_from(sim, HELD_FROM)
    db = tmp_path / "state.db"
    env = {
        **os.environ,
        "KVRULES_PURE_BASE_URL": sim.base_url,
        "KVRULES_PURE_API_KEY": API_KEY,
        "KVRULES_PURE_PAGE_SIZE": "20",  # many resume points
        # the held page waits for the test; no read timeout may end the scan before it does
        "KVRULES_PURE_READ_TIMEOUT": "300",
        "KVRULES_DB": str(db),
        "KVRULES_REFDATA": str(tmp_path / "ref.db"),
    }
    scan = [sys.executable, "-c", CTRL_C_AS_IN_A_TERMINAL, "scan", "--json"]
    try:
        running = subprocess.Popen(
            scan, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            # The pages before the held one are processed and committed while it waits: the
            # scan is interrupted mid-read, with HELD_FROM records kept, whatever the load.
            while not (reached.is_set() and _kept(db) >= HELD_FROM) and running.poll() is None:
                time.sleep(0.05)
            if running.poll() is not None:
                said = running.communicate()[1]
                pytest.fail(f"the scan ended before it could be interrupted: {said}")
            running.send_signal(signal.SIGINT)
            release.set()  # the held page is answered; the scan meets the interrupt there
            _, err = running.communicate(timeout=300)
        finally:
            release.set()
            if running.poll() is None:
                running.kill()
        assert running.returncode == 130, err
        assert "Traceback" not in err
        last = err.strip().splitlines()[-1]
        assert last.startswith("interrupted: the scan of 'pure' stopped; the records it read")
        assert "the next scan continues where this one stopped" in last
        kept = _kept(db)
        assert HELD_FROM <= kept < PROJECTS

        done = subprocess.run(scan, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode in (0, 2), done.stderr
        report = json.loads(done.stdout)
        # what the first scan kept is not screened again, and nothing is missing
        assert report["events"] == PROJECTS - kept
        assert _kept(db) == PROJECTS
    finally:
        release.set()
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
            kvrules.cli.scan, "settings_from", _interrupt_then(kvrules.cli.scan.settings_from)
        )
    elif where == "a scan's start":  # the reference lists are loaded for each scan
        real = kvrules.enrich.Enricher.from_store.__func__
        monkeypatch.setattr(
            kvrules.enrich.Enricher, "from_store", classmethod(_interrupt_then(real))
        )
    else:  # the pause between scans (time.sleep as watch calls it, not as the scan does)
        pause = _interrupt_then(time.sleep, caller=os.path.join("cli", "scan.py"))
        monkeypatch.setattr(kvrules.cli.scan.time, "sleep", pause)


@pytest.fixture
def ctrl_c_raises():  # type: ignore[no-untyped-def]
    """Ctrl-C raises KeyboardInterrupt in this process, as in a terminal: a test run started as
    a background job (nohup, a runner's shell without job control) inherits SIGINT ignored, and
    Python keeps it ignored, so the SIGINT below would be lost and watch end with status 0."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("where", ["start-up", "a scan's start", "between scans"])
@pytest.mark.usefixtures("ctrl_c_raises")
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
