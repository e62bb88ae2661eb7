"""A source that keeps failing alerts the admin route once, and again when it is read again.

An operations review: with Pure down (or its key rotated) `watch` retried forever and the only
trace was its stdout ("no response ConnectionError"); nobody was told. Driven here in-process:
the real Pure adapter against a closed port, then the Pure simulator on that port; a real SMTP
server receives the alerts; the outage's clock is set by the pause between scans."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.alerts.conftest import SmtpServer
from tests.alerts.smtp_helpers import free_port

API_KEY = "outage-test-key"
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _config(tmp_path: Path, port: int, smtp: SmtpServer) -> Path:
    key = tmp_path / "pure-key"
    key.write_text(API_KEY, encoding="utf-8")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'ref.db'}\n"
        "sources:\n  pure:\n    adapter: pure\n    settings:\n"
        f"      base_url: http://127.0.0.1:{port}/ws/api\n      api_key_file: {key}\n"
        "      retries: 0\n"
        "alerts:\n  channels:\n    mail:\n      plugin: email\n      settings:\n"
        f"        host: {smtp.host}\n        port: {smtp.port}\n        security: none\n"
        "        sender: kvrules@localhost\n        to: [ops@uni.example]\n"
        "  routes:\n    admin: [mail]\n",
        encoding="utf-8",
    )
    return config


def test_a_source_failing_for_an_hour_alerts_admin_once_and_again_when_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_plain: SmtpServer
) -> None:
    from kvrules_pure.simulator import start_simulator

    port = free_port()
    config = _config(tmp_path, port, smtp_plain)
    clock = [START]
    monkeypatch.setattr("kvrules.source_outage.utcnow", lambda: clock[0])
    # within the process the outage is timed on the monotonic clock: it moves on with the wall
    monkeypatch.setattr(
        "kvrules.source_outage.monotonic", lambda: (clock[0] - START).total_seconds()
    )
    monkeypatch.setattr("kvrules.source_outage._SEEN_IN_PROCESS", {})
    started: list = []
    real_sleep = time.sleep

    def between_scans(seconds: float) -> None:  # 40 minutes pass between scans
        if not sys._getframe(1).f_code.co_filename.endswith(os.path.join("cli", "scan.py")):
            return real_sleep(seconds)  # a sleep of the simulator's or the SMTP client's
        clock[0] += timedelta(minutes=40)
        if clock[0] >= datetime(2026, 12, 7, 12, 20, tzinfo=UTC) and not started:
            started.append(start_simulator(projects=3, seed=2, api_key=API_KEY, port=port))

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    try:
        res = CliRunner().invoke(
            cli, ["watch", "--config", str(config), "--times", "6", "--interval", "30s"]
        )
    finally:
        for sim in started:
            sim.stop()
    lines = [line for line in res.stdout.splitlines() if " failed: " in line or "pure:" in line]
    assert len(lines) == 6, res.output
    failures, read = lines[:5], lines[5]
    assert all("refused the connection" in line for line in failures), failures
    assert not any("no response" in line or "ConnectionError" in line for line in failures)
    # 09:00, 09:40 failed; 10:20 is an hour on: admin alerted, once; 11:00, 11:40 say nothing
    alerted = [i for i, line in enumerate(failures) if "admin alerted" in line]
    assert alerted == [2], failures
    assert " records in " in read  # 12:20: read again
    mails = smtp_plain.sink.mails  # type: ignore[attr-defined]
    subjects = [m.message["Subject"] for m in mails]
    assert len(mails) == 2, subjects
    assert subjects[0].startswith("[high] kvrules: source 'pure' has failed since "), subjects
    assert "refused the connection" in mails[0].message.get_body(("plain",)).get_content()
    assert subjects[1].startswith("kvrules: source 'pure' is read again"), subjects
    assert res.exit_code == 1  # `--times`: its scans failed, as before
