"""`kvrules watch` times its pause on the monotonic clock, and shows the wall clock.

An operations review (/tmp/rev-revops/clockstep.py): the wall clock stepped back an hour (NTP)
during a scan made a 30 s pause 3,629 s, and "next scan at" an hour off: the pause was the
wall clock's `started + interval - now`."""

from __future__ import annotations

import datetime as real_datetime
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import kvrules.cli.scan as scan_module
from kvrules.cli import cli
from tests.test_watch import _config

STEP = real_datetime.timedelta(hours=-1)


def test_a_clock_stepped_back_during_a_scan_changes_neither_the_pause_nor_the_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = _config(tmp_path)
    offset = [real_datetime.timedelta(0)]

    class SteppedDatetime(real_datetime.datetime):  # the wall clock as watch reads it
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return real_datetime.datetime.now(tz) + offset[0]

    real_scan = scan_module.scan_sources

    def scan_then_step(*args, **kwargs):  # type: ignore[no-untyped-def]
        reports = real_scan(*args, **kwargs)
        offset[0] = STEP  # NTP steps the clock back while the first scan ends
        return reports

    pauses: list[float] = []
    monkeypatch.setattr(scan_module, "datetime", SteppedDatetime)
    monkeypatch.setattr(scan_module, "scan_sources", scan_then_step)
    monkeypatch.setattr("kvrules.cli.scan.time.sleep", pauses.append)
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", "2", "--interval", "30s"]
    )
    assert res.exit_code == 0, res.output
    assert len(pauses) == 1 and 0 <= pauses[0] <= 30, pauses  # was 3,629
    first = res.stdout.splitlines()[0]
    shown = re.search(r"next scan at (\d\d):(\d\d):(\d\d)$", first)
    assert shown, first
    # the next scan is said on the stepped clock: within the 30 s after it (was an hour on)
    stepped_now = real_datetime.datetime.now().astimezone() + STEP
    at = stepped_now.replace(
        hour=int(shown[1]), minute=int(shown[2]), second=int(shown[3]), microsecond=0
    )
    gap = (at - stepped_now).total_seconds() % 86400  # across midnight too
    assert gap <= 31, (first, stepped_now)  # was 3,630
