"""When each source was last scanned, and how it went: what ``/healthz`` tells a monitor.

`/healthz` said ``ok`` while 35 alerts were held and after `watch` had stopped (operations
review, 2026-12-07): nothing recorded when a scan finished. Every scan of a source now keeps
its end time and outcome, and the end of its last scan that read the source, beside the
source's cursor (a bookkeeping entry ``<source>#last-scan``, as the outage's
``<source>#failing-since``). Times and outcomes only: nothing about records or people.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kvrules.store import Store
from kvrules.store.db import parse_ts, ts

SUFFIX = "#last-scan"


@dataclass(frozen=True)
class LastScan:
    at: datetime  # when the last scan of the source ended
    outcome: str  # "ok" (it read the source) or "failed"
    last_ok: datetime | None  # when the last scan that read it ended


def note_scan(store: Store, source: str, *, ok: bool) -> None:
    """A scan of ``source`` ended (``ok``: it read the source; else it failed)."""
    now = store.clock()
    before = _parse(store.get_cursor(source + SUFFIX))
    last_ok = now if ok else (before.last_ok if before else None)
    kept = {"at": ts(now), "outcome": "ok" if ok else "failed"}
    if last_ok is not None:
        kept["last_ok"] = ts(last_ok)
    store.set_cursor(source + SUFFIX, json.dumps(kept))


def last_scans(conn: sqlite3.Connection) -> dict[str, LastScan]:
    """Source -> its last scan, read on any connection (``/healthz``'s is read-only)."""
    rows = conn.execute(
        "SELECT name, cursor FROM sources WHERE name LIKE ? ESCAPE '\\'", ("%\\" + SUFFIX,)
    )
    out = {}
    for name, cursor in rows:
        if (scan := _parse(cursor)) is not None:
            out[name.removesuffix(SUFFIX)] = scan
    return out


def _parse(text: str | None) -> LastScan | None:
    if not text:
        return None
    try:
        kept = json.loads(text)
        last_ok = kept.get("last_ok")
        return LastScan(
            parse_ts(kept["at"]), str(kept["outcome"]), parse_ts(last_ok) if last_ok else None
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # unreadable: as if never noted (the next scan writes it afresh)
