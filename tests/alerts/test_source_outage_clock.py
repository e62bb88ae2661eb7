"""A source's outage is timed on the monotonic clock within a process, on the stored wall-clock
start only across a restart.

Last session: the outage's time was ``utcnow() - since`` at every scan, so an NTP step (or a
VM resumed) between two scans of a `watch` alerted "failing for an hour" a minute into an
outage (the clock stepped forward), or not for as long as the clock was stepped back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import kvrules.source_outage as outage_module
from kvrules.config import load_config
from kvrules.source_outage import SourceOutages
from kvrules.store import Store
from tests.conftest import committee_mail_config

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Clocks:
    """The wall clock and the monotonic clock as kvrules.source_outage reads them."""

    def __init__(self) -> None:
        self.wall, self.mono = START, 1000.0

    def passes(self, minutes: float) -> None:  # time passes: both clocks move on
        self.wall += timedelta(minutes=minutes)
        self.mono += minutes * 60

    def stepped(self, hours: float) -> None:  # NTP steps the wall clock only
        self.wall += timedelta(hours=hours)


@pytest.fixture
def clocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clocks]:
    clocks = Clocks()
    monkeypatch.setattr(outage_module, "utcnow", lambda: clocks.wall)
    monkeypatch.setattr(outage_module, "monotonic", lambda: clocks.mono)
    monkeypatch.setattr(outage_module, "_SEEN_IN_PROCESS", {})  # a process of its own
    yield clocks


def _failed_scans(tmp_path: Path, clocks: Clocks, *steps: tuple[float, float]) -> list[bool]:
    """One failed scan, then one after each (minutes passing, hours the wall clock is
    stepped): whether each alerted (the admin route is the committee's mail, never sent)."""
    config = load_config(committee_mail_config(tmp_path, "127.0.0.1", 9))
    alerted = []
    with Store.open(config.database, create=True) as store:
        outages = SourceOutages(store, config)  # source_down_after: its default
        assert outages.after == timedelta(hours=1)
        alerted.append(outages.failed("f", "refused") is not None)
        for minutes, hours in steps:
            clocks.passes(minutes)
            clocks.stepped(hours)
            alerted.append(SourceOutages(store, config).failed("f", "refused") is not None)
    return alerted


def test_a_clock_stepped_forward_does_not_alert_early(tmp_path: Path, clocks: Clocks) -> None:
    alerted = _failed_scans(tmp_path, clocks, (1, 2), (30, 0), (30, 0))
    assert alerted == [False, False, False, True]  # was [False, True, …]: a minute in


def test_a_clock_stepped_back_does_not_put_the_alert_off(tmp_path: Path, clocks: Clocks) -> None:
    alerted = _failed_scans(tmp_path, clocks, (1, -3), (30, 0), (30, 0))
    assert alerted == [False, False, False, True]  # was never, until 3 h later


def test_across_a_restart_the_stored_wall_clock_start_counts(
    tmp_path: Path, clocks: Clocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timer survives a restart on purpose: the stored start is all a new process has."""
    assert _failed_scans(tmp_path, clocks, (20, 0)) == [False, False]
    monkeypatch.setattr(outage_module, "_SEEN_IN_PROCESS", {})  # watch restarted
    clocks.mono = 5.0  # a new boot's monotonic clock
    clocks.wall += timedelta(minutes=45)  # 65 minutes after the first failure
    config = load_config(tmp_path / "kvrules.yaml")
    with Store.open(config.database) as store:
        said = SourceOutages(store, config).failed("f", "refused")
    assert said is not None and said.endswith("committee alerted"), said


def test_a_machine_suspended_counts_the_time_it_slept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: Linux's CLOCK_MONOTONIC does not count a suspend: a `watch` on a VM paused for
    two hours and resumed counted its outage from before the pause only, and alerted that
    much late. The system's clocks are injected: a suspend moves the boot-time clock and the
    wall clock, not the monotonic one."""
    if not hasattr(time, "CLOCK_BOOTTIME"):
        pytest.skip("no CLOCK_BOOTTIME on this system: the monotonic clock is all there is")
    wall, boot, mono = [START], [1000.0], [1000.0]
    read = time.clock_gettime
    monkeypatch.setattr(
        time, "clock_gettime", lambda c: boot[0] if c == time.CLOCK_BOOTTIME else read(c)
    )
    monkeypatch.setattr(time, "monotonic", lambda: mono[0])
    monkeypatch.setattr(outage_module, "utcnow", lambda: wall[0])
    monkeypatch.setattr(outage_module, "_SEEN_IN_PROCESS", {})
    config = load_config(committee_mail_config(tmp_path, "127.0.0.1", 9))
    with Store.open(config.database, create=True) as store:
        assert SourceOutages(store, config).failed("f", "refused") is None
        wall[0] += timedelta(hours=2)  # suspended for two hours: the monotonic clock stood
        boot[0] += 2 * 3600
        assert SourceOutages(store, config).failed("f", "refused") is not None  # alerted


def test_without_a_boot_time_clock_the_monotonic_one_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(time, "CLOCK_BOOTTIME", raising=False)
    monkeypatch.setattr(time, "monotonic", lambda: 42.0)
    assert outage_module.monotonic() == 42.0
