"""Small builders for recurring Pure API JSON shapes (refs, classifications, dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

DAY = 86400.0


def ref(system_name: str, uuid: str) -> dict[str, str]:
    return {"systemName": system_name, "uuid": uuid}


def cls(uri: str, term: str | None = None, locale: str = "en_GB") -> dict[str, Any]:
    """ClassificationRef; `term` is optional on real records too."""
    out: dict[str, Any] = {"uri": uri}
    if term is not None:
        out["term"] = {locale: term}
    return out


def stamp(ts: float) -> str:
    """Pure date-time, e.g. 2021-01-05T10:00:00.000+00:00."""
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds")


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).date().isoformat()


def epoch(iso_day: str) -> float:
    return datetime.combine(date.fromisoformat(iso_day), datetime.min.time(), UTC).timestamp()


def add_days(iso_day: str, days: int) -> str:
    return (date.fromisoformat(iso_day) + timedelta(days=days)).isoformat()


def visibility(key: str = "FREE") -> dict[str, Any]:
    text = {
        "FREE": "Public - No restriction",
        "CAMPUS": "Campus - Restricted to campus",
        "BACKEND": "Backend - Restricted to Pure users",
        "CONFIDENTIAL": "Confidential",
    }[key]
    return {"key": key, "description": {"en_GB": text}}


def workflow(step: str = "approved") -> dict[str, Any]:
    text = {
        "approved": "Approved",
        "forApproval": "For approval",
        "entryInProgress": "Entry in progress",
    }
    return {"step": step, "description": {"en_GB": text[step]}}
