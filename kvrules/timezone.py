"""The institution's time zone: the one zone times are shown in and "today" is taken in.

Times are stored in UTC. Shown in UTC, a decision taken at 23:03 in Vancouver read as the next
day's 07:03; and "today" (is a mitigation overdue?) was the server's own ``date.today()``, so
two servers in different zones disagreed. ``time_zone`` in kvrules.yaml names the zone (an IANA
name, "Europe/Amsterdam"); unset, it is the server's.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kvrules.errors import KvrulesError

LOCALTIME = Path("/etc/localtime")


class UnknownTimeZone(KvrulesError, ValueError):
    """A ``time_zone`` that is not an IANA zone name."""


def zone(name: str | None = None) -> tzinfo:
    """The named zone, or (``None``) the server's: $TZ, /etc/localtime, else its UTC offset now."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UnknownTimeZone(
                f"time_zone {name!r} is not a time zone name such as 'Europe/Amsterdam' "
                "(an IANA name)"
            ) from None
    if (tz := os.environ.get("TZ", "").lstrip(":")) and not tz.startswith("/"):
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with LOCALTIME.open("rb") as f:
            return ZoneInfo.from_file(f, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo or UTC


def today(tz: tzinfo, now: datetime | None = None) -> date:
    """The date it is in ``tz`` (what overdue and "due today" count from)."""
    return (now or datetime.now(UTC)).astimezone(tz).date()


def _moment(value: datetime | str) -> datetime:
    if isinstance(value, str):  # the audit log's "2026-12-07T07:03:00.000000Z"
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_time(value: datetime | str | None, tz: tzinfo) -> str:
    """ "2026-12-06 23:03 PST": the moment in ``tz``, the zone named."""
    if value is None or value == "":
        return ""
    moment = _moment(value).astimezone(tz)
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def local_date(value: date | str | None, tz: tzinfo) -> str:
    """The date of the moment in ``tz`` ("2026-12-06"); a date is already one."""
    if value is None or value == "":
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return f"{_moment(value).astimezone(tz):%Y-%m-%d}"


def day_start(day: date, tz: tzinfo) -> datetime:
    """The moment ``day`` begins in ``tz``, in UTC: a report period "from 1 October" in
    Amsterdam starts at 30 September 22:00 UTC, not at midnight UTC (a decision at 01:30 CEST
    on 1 October fell outside ``--since 2026-10-01`` and was listed under the 1st)."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def zone_label(tz: tzinfo, at: datetime) -> str:
    """The zone as people know it: its IANA name ("Europe/Amsterdam"), else (the server's
    zone read from a file) its abbreviation at ``at`` ("CET")."""
    key = getattr(tz, "key", None)
    if key and key != "localtime":
        return key
    return _moment(at).astimezone(tz).tzname() or "UTC"
