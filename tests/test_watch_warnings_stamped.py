"""`watch`'s per-alert failure lines on standard error carry the date and time, as its per-scan
lines on standard output do (before: the bare message, so a log kept for days said an alert
failed, never when). Real parts: `watch` run as a process, a file source, the e-mail channel
pointed at a port nothing listens on (every connection refused)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.alerts.smtp_helpers import free_port
from tests.conftest import committee_mail_config

STAMPED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")


def test_a_failed_alert_is_said_with_when(tmp_path: Path) -> None:
    config = committee_mail_config(tmp_path, "127.0.0.1", free_port())
    watch = [sys.executable, "-m", "kvrules", "watch", "--config", str(config), "--times", "1"]
    done = subprocess.run(
        [*watch, "--interval", "1s"],
        capture_output=True,
        text=True,
        timeout=300,  # the channel's own deadline (60 s) is far below it
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    failed = [line for line in done.stderr.splitlines() if " via mail failed " in line]
    assert failed, done.stderr
    assert all(STAMPED.match(line) for line in failed), failed
    scans = [line for line in done.stdout.splitlines() if " f: " in line]
    assert scans and all(STAMPED.match(line) for line in scans), done.stdout
    assert "Traceback" not in done.stderr
