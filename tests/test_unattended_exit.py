"""Exit status and last lines for kvrules run unattended (reviewer's defect: `watch --times 1`
whose only scan failed exited 0; a scan stopped by SIGTERM exited 143 without a word).

`watch` ends with 1 when one of its scans failed; SIGTERM (a service manager stopping
kvrules) ends `scan` and `watch` with 143 and one line saying what was kept, and the next scan
resumes: nothing read is lost, nothing is screened twice."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.conftest import project_exports
from tests.test_interrupt import _kept

API_KEY = "sigterm-test-key"
PROJECTS = 600


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_watch_whose_only_scan_failed_exits_1(tmp_path: Path) -> None:
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'ref.db'}\n"
        "sources: {p: {adapter: pure, settings: "
        f'{{base_url: "http://127.0.0.1:{_closed_port()}/ws/api", retries: 0}}}}}}\n',
        encoding="utf-8",
    )
    res = CliRunner(env={"KVRULES_PURE_API_KEY": API_KEY}).invoke(
        cli, ["watch", "--config", str(config), "--times", "1", "--interval", "1s"]
    )
    assert res.exit_code == 1, res.output
    assert " failed: source 'p' (http://127.0.0.1:" in res.output
    assert "Traceback" not in res.output


def _watch_config(tmp_path: Path) -> Path:
    exports = project_exports(tmp_path, ["P1", "P2"])
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'ref.db'}\n"
        f"sources: {{f: {{adapter: file, settings: {{path: {exports}}}}}}}\n",
        encoding="utf-8",
    )
    return config


def test_sigterm_between_scans_of_watch_says_so_and_exits_143(tmp_path: Path) -> None:
    config = _watch_config(tmp_path)
    watch = [sys.executable, "-m", "kvrules", "watch", "--config", str(config)]
    running = subprocess.Popen(
        [*watch, "--interval", "1h", "--times", "2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = running.stdout.readline()  # the first scan's line: it now waits an hour
        assert "next scan at" in first, first
        running.send_signal(signal.SIGTERM)
        _, err = running.communicate(timeout=60)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 143
    assert err.strip().splitlines()[-1] == (
        "stopped by SIGTERM between scans after 2 records; every scan so far is complete and "
        "kept, and the next scan continues from there"
    )


@pytest.mark.heavy
def test_sigterm_stops_a_scan_with_one_line_and_the_next_scan_resumes(tmp_path: Path) -> None:
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
            assert running.poll() is None, "the scan ended before it could be stopped"
            running.send_signal(signal.SIGTERM)
            _, err = running.communicate(timeout=300)
        finally:
            if running.poll() is None:
                running.kill()
        assert running.returncode == 143, err
        assert "Traceback" not in err
        last = err.strip().splitlines()[-1]
        assert last.startswith("stopped by SIGTERM after "), last
        assert last.endswith(
            " records; the records read are kept with their findings and cases, and the next "
            "scan resumes where this one stopped"
        )
        kept = _kept(db)
        assert 0 < kept < PROJECTS

        done = subprocess.run(scan, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode in (0, 2), done.stderr
        assert json.loads(done.stdout)["events"] == PROJECTS - kept
        assert _kept(db) == PROJECTS
    finally:
        sim.stop()
