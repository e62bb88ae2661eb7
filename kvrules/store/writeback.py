"""The write-back queue: which kvrules tags each source record should carry."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kvrules.store.db import parse_ts, ts
from kvrules.store.outbox import MAX_ERROR_CHARS, RetryPolicy


@dataclass(frozen=True)
class WriteBack:
    id: int
    source: str
    record_id: str
    tags: list[str]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


def _row(r: sqlite3.Row) -> WriteBack:
    return WriteBack(
        r["id"],
        r["source"],
        r["record_id"],
        json.loads(r["tags"]),
        r["status"],
        r["attempts"],
        parse_ts(r["next_attempt_at"]),
        r["last_error"],
    )


def enqueue(
    conn: sqlite3.Connection, source: str, record_id: str, tags: list[str], now: datetime
) -> tuple[int, bool]:
    """Want these tags on the record; replaces any earlier wish (done or not) for it.
    Returns the row id and whether anything changed (the same tags, already written, do not)."""
    wanted = json.dumps(sorted(set(tags)))
    changed = conn.execute(
        "INSERT INTO writeback_queue (source, record_id, tags, next_attempt_at, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, record_id) DO UPDATE SET"
        " tags = excluded.tags, status = 'pending', attempts = 0, last_error = NULL,"
        " next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at"
        " WHERE writeback_queue.tags != excluded.tags OR writeback_queue.status != 'done'",
        (source, record_id, wanted, ts(now), ts(now), ts(now)),
    ).rowcount
    row = conn.execute(
        "SELECT id FROM writeback_queue WHERE source = ? AND record_id = ?", (source, record_id)
    ).fetchone()
    return row["id"], changed > 0


def due(
    conn: sqlite3.Connection, now: datetime, source: str | None = None, limit: int = 500
) -> list[WriteBack]:
    sql = "SELECT * FROM writeback_queue WHERE status = 'pending' AND next_attempt_at <= ?"
    args: list = [ts(now)]
    if source is not None:
        sql += " AND source = ?"
        args.append(source)
    rows = conn.execute(sql + " ORDER BY next_attempt_at, id LIMIT ?", (*args, limit))
    return [_row(r) for r in rows]


def get(conn: sqlite3.Connection, row_id: int) -> WriteBack | None:
    r = conn.execute("SELECT * FROM writeback_queue WHERE id = ?", (row_id,)).fetchone()
    return _row(r) if r else None


def mark_done(conn: sqlite3.Connection, row_id: int, tags: list[str], now: datetime) -> bool:
    """Done, unless a newer wish replaced ``tags`` meanwhile (then it stays pending)."""
    cur = conn.execute(
        "UPDATE writeback_queue SET status = 'done', attempts = attempts + 1, last_error = NULL,"
        " updated_at = ? WHERE id = ? AND tags = ? AND status = 'pending'",
        (ts(now), row_id, json.dumps(sorted(set(tags)))),
    )
    return cur.rowcount == 1


def mark_failed(
    conn: sqlite3.Connection, row_id: int, now: datetime, error: str, policy: RetryPolicy
) -> WriteBack | None:
    row = get(conn, row_id)
    if row is None or row.status != "pending":
        return row
    attempts = row.attempts + 1
    conn.execute(
        "UPDATE writeback_queue SET attempts = ?, next_attempt_at = ?, last_error = ?,"
        " status = ?, updated_at = ? WHERE id = ?",
        (
            attempts,
            ts(now + policy.delay(attempts)),
            error[:MAX_ERROR_CHARS],
            "dead" if attempts >= policy.max_attempts else "pending",
            ts(now),
            row_id,
        ),
    )
    return get(conn, row_id)
