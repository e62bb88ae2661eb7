"""A SIGKILL between sending an alert and marking it delivered: never lost, never a silent repeat.

`kvrules scan` runs as a child process; the receiver (the SMTP server, or the webhook receiver)
kills it with SIGKILL when it has the first message in hand and before it answers, so the
alert has arrived but the sender never learns it. The next delivery after the lease sends it
again: the same Message-ID / idempotency key, marked as a possible repeat for its reader, and
`kvrules alerts` shows it. Every other alert carries no such mark.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.pipeline.pipeline_helpers import System
from tests.pipeline.test_pipeline_crash import COMMAND, REPO, deliver_leased

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

REPEAT_HEADER = "X-Kvrules-Possible-Repeat"
REPEAT_LINE = "This may be a repeat"


class KillOnce:
    """Kill the sender the first time a message is received (before it is acknowledged)."""

    def __init__(self) -> None:
        self.victim: subprocess.Popen | None = None
        self.key: str | None = None

    def __call__(self, key: str) -> None:
        if self.victim is not None and self.key is None:
            self.key = key
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait(timeout=30)  # dead before the receiver answers


def scan_killed_mid_send(system: System, killer: KillOnce, log: Path) -> None:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*COMMAND, "scan", "--config", str(system.config), "--json"],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    killer.victim = process
    assert process.wait(timeout=120) == -signal.SIGKILL, log.read_text()
    assert killer.key is not None


def alerts_json(system: System) -> list[dict]:
    result = CliRunner().invoke(cli, ["alerts", "--db", str(system.database), "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return part.get_content()


def test_mail_sent_before_a_crash_is_resent_as_a_possible_repeat(
    system: System, tmp_path: Path
) -> None:
    killer = KillOnce()
    system.mail.on_message = lambda mail: killer(str(mail.message["X-Kvrules-Idempotency-Key"]))
    scan_killed_mid_send(system, killer, tmp_path / "scan.log")

    # The alert arrived, but kvrules does not know: `kvrules alerts` says it may have.
    (row,) = [r for r in alerts_json(system) if r["key"] == killer.key and r["channel"] == "mail"]
    assert row["status"] == "pending" and row["sending_since"] is not None
    assert "may have arrived" in row["doubt"]

    system.mail.on_message = None
    assert deliver_leased(system) > 0  # after the lease: everything is delivered

    copies = [
        m.message for m in system.mail.mails if m.message["X-Kvrules-Idempotency-Key"] == killer.key
    ]
    assert len(copies) == 2  # not lost: sent again, as a repeat
    first, again = copies
    assert first["Message-ID"] == again["Message-ID"]
    assert first[REPEAT_HEADER] is None and REPEAT_LINE not in text_of(first)
    assert again[REPEAT_HEADER] == "yes" and REPEAT_LINE in text_of(again)
    assert REPEAT_LINE in again.get_body(("html",)).get_content()
    # No other mail (none of them was interrupted) says it may be a repeat.
    others = [
        m.message for m in system.mail.mails if m.message["X-Kvrules-Idempotency-Key"] != killer.key
    ]
    assert others and all(m[REPEAT_HEADER] is None for m in others)
    assert not any(json.loads(p.body)["possible_repeat"] for p in system.hooks.posts)

    rows = alerts_json(system)
    assert all(r["status"] == "delivered" and r["sending_since"] is None for r in rows)
    assert [r["key"] for r in rows if r["possible_repeat"]] == [killer.key]
    listing = CliRunner(env={"COLUMNS": "250"}).invoke(
        cli, ["alerts", "--db", str(system.database)]
    )
    assert "possible repeat" in listing.stdout
    with system.store() as store:
        (delivered,) = [
            e for e in store.audit_entries() if e.action == "alert.delivered"
            and e.details["key"] == killer.key and e.details["channel"] == "mail"
        ]  # fmt: skip
    assert delivered.details["possible_repeat"] is True


def test_webhook_sent_before_a_crash_is_resent_as_a_possible_repeat(
    system: System, tmp_path: Path
) -> None:
    killer = KillOnce()
    system.hooks.on_post = lambda post: killer(post.key)
    scan_killed_mid_send(system, killer, tmp_path / "scan.log")
    system.hooks.on_post = None
    deliver_leased(system)

    copies = [json.loads(p.body) for p in system.hooks.posts if p.key == killer.key]
    assert [c["possible_repeat"] for c in copies] == [False, True]
    assert {c["key"] for c in copies} == {killer.key}  # the receiver can drop the repeat
    assert all(p.signed for p in system.hooks.posts)
    others = [json.loads(p.body) for p in system.hooks.posts if p.key != killer.key]
    assert others and not any(o["possible_repeat"] for o in others)
    assert all(m.message[REPEAT_HEADER] is None for m in system.mail.mails)
