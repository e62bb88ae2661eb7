"""Records that could not be mapped: kept aside with the reason, retried on the next scan."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kvrules.store.db import parse_ts, ts

MAX_EXCERPT_CHARS = 2000  # enough to diagnose; the full record stays in the RIS


@dataclass(frozen=True)
class Quarantined:
    source: str
    record_id: str
    reason: str
    excerpt: str | None
    first_seen: datetime
    last_seen: datetime
    times_seen: int


def put(
    conn: sqlite3.Connection,
    source: str,
    record_id: str,
    reason: str,
    excerpt: str | None,
    now: datetime,
) -> bool:
    """Quarantine (or re-quarantine) a record; True when it was not already held."""
    excerpt = excerpt[:MAX_EXCERPT_CHARS] if excerpt else excerpt
    held = conn.execute(
        "SELECT 1 FROM quarantine WHERE source = ? AND record_id = ? AND released_at IS NULL",
        (source, record_id),
    ).fetchone()
    conn.execute(
        "INSERT INTO quarantine (source, record_id, reason, excerpt, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, record_id) DO UPDATE SET"
        " reason = excluded.reason, excerpt = excluded.excerpt, last_seen = excluded.last_seen,"
        " times_seen = times_seen + 1, released_at = NULL",
        (source, record_id, reason, excerpt, ts(now), ts(now)),
    )
    return held is None


def is_held(conn: sqlite3.Connection, source: str, record_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM quarantine WHERE source = ? AND record_id = ? AND released_at IS NULL",
            (source, record_id),
        ).fetchone()
        is not None
    )


def release(conn: sqlite3.Connection, source: str, record_id: str, now: datetime) -> bool:
    """The record mapped cleanly at last; True when it was held."""
    cur = conn.execute(
        "UPDATE quarantine SET released_at = ? WHERE source = ? AND record_id = ?"
        " AND released_at IS NULL",
        (ts(now), source, record_id),
    )
    return cur.rowcount == 1


def held(conn: sqlite3.Connection, source: str | None = None) -> list[Quarantined]:
    sql = "SELECT * FROM quarantine WHERE released_at IS NULL"
    args: tuple = ()
    if source is not None:
        sql, args = sql + " AND source = ?", (source,)
    return [
        Quarantined(
            r["source"],
            r["record_id"],
            r["reason"],
            r["excerpt"],
            parse_ts(r["first_seen"]),
            parse_ts(r["last_seen"]),
            r["times_seen"],
        )
        for r in conn.execute(sql + " ORDER BY source, record_id", args)
    ]
