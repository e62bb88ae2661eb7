"""A scan says the alert a killed run left in flight, not "messages not sent 0".

An operations review: after a SIGKILL mid-send the alert in flight stays leased for five
minutes (it may have arrived: the run died before recording the answer); the next scan said
"messages not sent 0". The outbox here is left as the killed run leaves it (queued, leased,
its attempt begun: the calls `deliver_due` makes before it sends,
tests/pipeline/test_pipeline_crash_send.py kills a real one there); a real SMTP server."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.alerting import Alert
from kvrules.cli import cli
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from tests.alerts.conftest import SmtpServer
from tests.scan_helpers import file_export_config, project_event


def _config(tmp_path: Path, smtp: SmtpServer) -> Path:
    config = file_export_config(tmp_path, project_event("P1"), home="NL")
    with config.open("a", encoding="utf-8") as out:
        out.write(
            "alerts:\n  channels:\n    mail:\n      plugin: email\n      settings:\n"
            f"        host: {smtp.host}\n        port: {smtp.port}\n        security: none\n"
            "        sender: kvrules@localhost\n        to: [ops@uni.example]\n"
            "  routes:\n    admin: [mail]\n"
        )
    return config


def _left_in_flight(database: Path) -> datetime:
    """One alert as a run killed mid-send leaves it; when its lease ends."""
    now = datetime.now(UTC)
    with Store.open(database, create=True) as store:
        row = store.enqueue_alert(
            Alert(
                key="in-flight.1",
                route="admin",
                title="an alert being sent when its run was killed",
                severity=Severity.HIGH,
                created_at=now,
                items=[],
                notice=["sent when the run died"],
            ),
            "mail",
        )
        now = store.clock()  # as deliver_due reads it, after the row was queued
        assert store.claim_alerts([row], now=now, lease=timedelta(minutes=5)) == [row]
        store.begin_sending([row], now=now)
    return now + timedelta(minutes=5)


def test_the_next_scan_says_the_message_in_flight_and_when_it_is_sent_again(
    tmp_path: Path, smtp_plain: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, smtp_plain)
    until = _left_in_flight(tmp_path / "kvrules.db")
    monkeypatch.setenv("COLUMNS", "250")  # the table's row on one line
    res = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.stdout.splitlines() if "messages not sent" in line)
    said = re.sub(r"\s*│\s*", " ", row).strip()
    assert said == (
        "messages not sent 1 message in flight when the last run stopped (or still being "
        f"sent by another): sent again after {until.astimezone():%H:%M}, marked a possible "
        "repeat"
    ), said
    assert smtp_plain.sink.mails == []  # type: ignore[attr-defined]  # the lease holds it

    report = json.loads(CliRunner().invoke(cli, ["scan", "--config", str(config), "--json"]).stdout)
    assert report["alerts_in_flight"] == 1
    assert abs(datetime.fromisoformat(report["in_flight_until"]) - until) < timedelta(seconds=1)
