"""A report's period as people give it — whole days in the institution's time zone — as the
UTC moments the store's times compare with: from the start of the first day up to, not
including, the start of the day after the last."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

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


def period_moments(
    first: date | None, last: date | None, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """(since, until) in UTC of the days ``first`` to ``last`` (both included) in ``tz``;
    None for a bound not given."""
    if first and last and last < first:
        raise BadPeriod(f"the period ends ({last}) before it starts ({first})")
    since = day_start(first, tz) if first else None
    until = day_start(last + timedelta(days=1), tz) if last else None
    return since, until
