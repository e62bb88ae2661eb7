"""A source that keeps failing alerts someone: once per outage, and again when it is back.

A rotated Pure key, or Pure down for hours, left one trace: `watch`'s stdout, retried every
scan while nothing was screened. Each failed scan of a source now remembers (in the state
database, so a restarted `watch` or a cron `scan` counts on) since when it has failed; once that
is ``alerts.source_down_after`` ago, one alert goes to ``alerts.source_down_route`` through the
outbox, as any alert does (retried, held through a mail outage). The first scan that reads the
source again clears it, with a "back" alert when the first one was queued.

How long it has failed is timed, within one process, on the boot-time clock (monotonic, and
counting a suspend) from when that process first saw the outage: a wall clock stepped (NTP, a
VM resumed) by hours between two scans of a `watch` neither alerts early nor puts the alert
off. Only across a restart is the
stored wall-clock start used, for the time that passed while no kvrules process ran."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kvrules.alerting import Alert
from kvrules.config import Config, parse_duration
from kvrules.rulebook.ir import Severity
from kvrules.store import Store

__all__ = ["SourceOutages", "outage_route"]

FALLBACK_ROUTES = ("admin", "committee")  # told when no source_down_route is set


def utcnow() -> datetime:
    """The wall clock the outage is timed on (a module function: tests set the time)."""
    return datetime.now(UTC)


def monotonic() -> float:
    """The clock an outage is timed on within a process (a module function: tests set it):
    CLOCK_BOOTTIME where the system has one (Linux), else the monotonic clock. Linux's
    CLOCK_MONOTONIC stops while the machine is suspended: a VM paused for hours and resumed
    would count its outage from before the pause only, and alert that much late."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        try:
            return time.clock_gettime(boottime)
        except OSError:  # a kernel without it (before Linux 2.6.39)
            pass
    return time.monotonic()


# (database, source, start) -> (monotonic() when this process first saw the outage, how long
# it had failed then): kept across the SourceOutages of one `watch`'s scans.
_SEEN_IN_PROCESS: dict[tuple[str, str, str], tuple[float, timedelta]] = {}


def outage_route(config: Config) -> str | None:
    """The alert target told of an outage: the configured one, else the first of admin and
    committee that has a route; None when there is none to tell."""
    if config.alerts.source_down_route:
        return config.alerts.source_down_route
    return next((r for r in FALLBACK_ROUTES if config.alerts.routes.get(r)), None)


@dataclass
class _Outage:
    since: datetime
    error: str
    alerted: bool = False


def _key(source: str) -> str:
    return f"{source}#failing-since"


class SourceOutages:
    """What the scans of ``config``'s sources say about their outages, kept in ``store``."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store, self.config = store, config
        self.after: timedelta = parse_duration(config.alerts.source_down_after)
        self.route = outage_route(config)

    def failed(self, source: str, error: str) -> str | None:
        """A scan of ``source`` failed with ``error`` (one line): what to add to its line —
        that the route was alerted, or that there is no route to alert — else None."""
        outage = self._read(source) or _Outage(utcnow(), error)
        outage.error = error
        said = None
        if not outage.alerted and self._failing_for(source, outage) >= self.after:
            said = self._queue(source, outage, down=True)
            outage.alerted = True
        self._write(source, outage)
        return said

    def succeeded(self, source: str) -> str | None:
        """A scan read ``source``: the outage, if there was one, is over (said, and alerted
        when its start was)."""
        outage = self._read(source)
        if outage is None:
            return None
        _SEEN_IN_PROCESS.pop(self._process_key(source, outage), None)
        self.store.set_cursor(_key(source), None)
        if outage.alerted:
            return self._queue(source, outage, down=False)
        return f"source '{source}' answers again (failing since {_local(outage.since)})"

    def _failing_for(self, source: str, outage: _Outage) -> timedelta:
        """How long ``source`` has failed: on the monotonic clock since this process first
        saw the outage, plus what the wall clock said had passed then (a restarted `watch`
        or a cron `scan`; never less than nothing, a clock stepped back being no reason to
        count below zero)."""
        key = self._process_key(source, outage)
        if key not in _SEEN_IN_PROCESS:
            _SEEN_IN_PROCESS[key] = (monotonic(), max(utcnow() - outage.since, timedelta(0)))
        first_seen, failing_then = _SEEN_IN_PROCESS[key]
        return failing_then + timedelta(seconds=monotonic() - first_seen)

    def _process_key(self, source: str, outage: _Outage) -> tuple[str, str, str]:
        return (str(self.config.database), source, outage.since.isoformat())

    def _queue(self, source: str, outage: _Outage, *, down: bool) -> str:
        since = _local(outage.since)
        channels = self.config.alerts.routes.get(self.route or "", [])
        if not channels:
            return (
                f"source '{source}' failing since {since}: nobody alerted, no route for it "
                "(set alerts.source_down_route, or route admin or committee to a channel)"
            )
        stamp = f"{outage.since:%Y%m%dT%H%M%SZ}"
        if down:
            title = f"[high] kvrules: source '{source}' has failed since {since}"
            notice = [
                f"Every scan of source '{source}' since {since} failed; records changed in it "
                "since then are not screened. kvrules retries at every scan and says here "
                "when it reads the source again.",
                f"The last error: {outage.error}",
                "Check the source's address and credentials (a rotated API key: "
                "`kvrules config check`) and whether the system answers.",
            ]
        else:
            title = f"kvrules: source '{source}' is read again (failing since {since})"
            notice = [
                f"Source '{source}' failed from {since} until {_local(utcnow())}; the scan "
                "that read it again resumed where the last good one stopped, and screened "
                "what changed meanwhile.",
            ]
        for channel in channels:
            self.store.enqueue_alert(
                Alert(
                    key=f"source-{'down' if down else 'back'}.{source}.{stamp}.{channel}",
                    route=self.route or "",
                    title=title,
                    severity=Severity.HIGH if down else Severity.INFO,
                    created_at=utcnow(),
                    items=[],
                    notice=notice,
                ),
                channel,
            )
        what = "failing since" if down else "read again after failing since"
        return f"source '{source}' {what} {since}: {self.route} alerted"

    def _read(self, source: str) -> _Outage | None:
        text = self.store.get_cursor(_key(source))
        if not text:
            return None
        try:
            kept = json.loads(text)
            return _Outage(datetime.fromisoformat(kept["since"]), kept["error"], kept["alerted"])
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: counted afresh rather than never alerting

    def _write(self, source: str, outage: _Outage) -> None:
        kept = {"since": outage.since.isoformat(), "error": outage.error}
        self.store.set_cursor(_key(source), json.dumps({**kept, "alerted": outage.alerted}))


def _local(when: datetime) -> str:
    return f"{when.astimezone():%Y-%m-%d %H:%M}"
