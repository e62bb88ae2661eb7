"""A report's period as people give it — whole days in the institution's time zone — as the
UTC moments the store's times compare with: from the start of the first day up to, not
including, the start of the day after the last."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from kvrules.errors import KvrulesError
from kvrules.timezone import day_start


class BadPeriod(KvrulesError, ValueError):
    """A period that ends before it starts, or a day that is not a date."""


def parse_day(text: str, what: str) -> date | None:
    """A day as typed ("2026-10-01"), None when left empty; BadPeriod otherwise."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriod(f"{what} {text!r} is not a date such as 2026-10-01") from None


Day = TypeVar("Day", date, datetime)
# The calendar Python's dates cover, as a period beyond it is told
CALENDAR = "the calendar runs from 0001-01-01 to 9999-12-31"


def period_moments(
    first: date | None, last: date | None, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """(since, until) in UTC of the days ``first`` to ``last`` (both included) in ``tz``;
    None for a bound not given. A day at the calendar's edge whose start (or the next day's)
    is no date (9999-12-31: its end; 0001-01-01 east of UTC: its start) is BadPeriod."""
    if first and last and last < first:
        raise BadPeriod(f"the period ends ({last}) before it starts ({first})")
    try:
        since = day_start(first, tz) if first else None
        until = day_start(last + timedelta(days=1), tz) if last else None
    except OverflowError:
        raise BadPeriod(
            f"the period {first or '…'} to {last or '…'} reaches beyond the dates kvrules can "
            f"count with ({CALENDAR}); give days within it"
        ) from None
    return since, until


def days_before(end: Day, days: int) -> Day:
    """``end`` less ``days`` days: the first day (or moment) of a period of ``days`` days
    given only its end; BadPeriod when that falls before the calendar's first day."""
    try:
        return end - timedelta(days=days)
    except OverflowError:
        raise BadPeriod(
            f"the period would start {days} days before its end, before the calendar's first "
            f"day ({CALENDAR}); give its first day too"
        ) from None
