"""The write-back queue: which kvrules tags each source record should carry, and what kvrules
itself last wrote there (it owns only that: a value set by someone else is left as is)."""

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
    written: list[str] | None = None  # what kvrules last wrote (None: never)
    attempted: list[str] | None = None  # a write begun whose outcome was never recorded
    skipped: str | None = None  # why the wish was left unwritten (someone else's value)
    planned: list[str] | None = None  # what a dry run last planned (None: not since the wish)

    @property
    def planned_earlier(self) -> bool:
        """A dry run already planned exactly this wish: planning it again would read the
        record and audit the same plan once more."""
        return self.planned is not None and self.planned == sorted(set(self.tags))


def _tags(value: str | None) -> list[str] | None:
    return json.loads(value) if value is not None else None


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
        _tags(r["written_tags"]),
        _tags(r["attempted_tags"]),
        r["skipped_reason"],
        _tags(r["planned_tags"]),
    )


def _json(tags: list[str]) -> str:
    return json.dumps(sorted(set(tags)))


def enqueue(
    conn: sqlite3.Connection, source: str, record_id: str, tags: list[str], now: datetime
) -> tuple[int, bool]:
    """Want these tags on the record; replaces any earlier wish (done or not) for it.
    Returns the row id and whether anything changed (the same tags, already written, do not)."""
    wanted = _json(tags)
    changed = conn.execute(
        "INSERT INTO writeback_queue (source, record_id, tags, next_attempt_at, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, record_id) DO UPDATE SET"
        " tags = excluded.tags, status = 'pending', attempts = 0, last_error = NULL,"
        " skipped_reason = NULL,"
        " planned_tags = CASE WHEN writeback_queue.tags = excluded.tags"
        " THEN writeback_queue.planned_tags END,"
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


def for_record(conn: sqlite3.Connection, source: str, record_id: str) -> WriteBack | None:
    """The record's write-back row (one per record: a new wish replaces the old), or None."""
    r = conn.execute(
        "SELECT * FROM writeback_queue WHERE source = ? AND record_id = ?", (source, record_id)
    ).fetchone()
    return _row(r) if r else None


def left_in_words(row: WriteBack) -> str | None:
    """What a done-but-not-written row says in a table or on a case page: "left: holds ks:low,
    set by someone else (not kvrules)"; None for a row that was not left."""
    if row.skipped is None or row.status != "done":
        return None
    return f"left: {row.skipped.removesuffix('; left as is')}"


def get(conn: sqlite3.Connection, row_id: int) -> WriteBack | None:
    r = conn.execute("SELECT * FROM writeback_queue WHERE id = ?", (row_id,)).fetchone()
    return _row(r) if r else None


def note_planned(conn: sqlite3.Connection, row_id: int, tags: list[str]) -> None:
    """A dry run planned ``tags`` for the row (see ``WriteBack.planned_earlier``)."""
    conn.execute(
        "UPDATE writeback_queue SET planned_tags = ? WHERE id = ? AND tags = ?",
        (_json(tags), row_id, _json(tags)),
    )


def begin_write(conn: sqlite3.Connection, row_id: int, tags: list[str]) -> None:
    """Note, before writing, what is about to be written (see ``WriteBack.attempted``)."""
    conn.execute(
        "UPDATE writeback_queue SET attempted_tags = ? WHERE id = ?", (_json(tags), row_id)
    )


def mark_done(
    conn: sqlite3.Connection,
    row_id: int,
    tags: list[str],
    now: datetime,
    *,
    wrote: bool,
    skipped: str | None = None,
) -> bool:
    """Done, unless a newer wish replaced ``tags`` meanwhile (then it stays pending). ``wrote``:
    kvrules put ``tags`` there (it owns them now, whatever is wished meanwhile); ``skipped``:
    left unwritten, and why."""
    conn.execute(
        "UPDATE writeback_queue SET attempted_tags = NULL,"
        " written_tags = CASE WHEN ? THEN ? ELSE written_tags END WHERE id = ?",
        (wrote, _json(tags), row_id),
    )
    cur = conn.execute(
        "UPDATE writeback_queue SET status = 'done', attempts = attempts + 1, last_error = NULL,"
        " skipped_reason = ?, updated_at = ? WHERE id = ? AND tags = ? AND status = 'pending'",
        (skipped, ts(now), row_id, _json(tags)),
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


def listing(
    conn: sqlite3.Connection, status: str | None = None, limit: int = 1000
) -> list[WriteBack]:
    """The queue's rows, or those ``pending`` / ``done`` / ``dead`` (set aside), oldest first."""
    where, args = ("status = ?", [status]) if status is not None else ("1", [])
    sql = f"SELECT * FROM writeback_queue WHERE {where} ORDER BY id LIMIT ?"
    return [_row(r) for r in conn.execute(sql, (*args, limit))]


def requeue(conn: sqlite3.Connection, row_id: int, now: datetime) -> WriteBack | None:
    """Give a set-aside row a fresh set of attempts (an operator decision; audit it). Only a
    dead row: a pending one is queued already and a done one was written. What kvrules wrote
    and began to write stay, so the next write compares with them and writes nothing twice."""
    row = conn.execute(
        "UPDATE writeback_queue SET status = 'pending', attempts = 0, next_attempt_at = ?,"
        " updated_at = ? WHERE id = ? AND status = 'dead' RETURNING *",
        (ts(now), ts(now), row_id),
    ).fetchone()
    return _row(row) if row else None


def drop(conn: sqlite3.Connection, row_id: int) -> None:
    """Remove a write-back row: its record is gone from the source."""
    conn.execute("DELETE FROM writeback_queue WHERE id = ?", (row_id,))
