"""The alert outbox: rows written with their finding, delivered at least once, deduplicated by key.

A row is *due* when it is neither delivered nor dead, its ``next_attempt_at`` has come and no
worker holds a live lease on it. Leases keep two overlapping ``deliver`` runs from sending the
same row twice. Each attempt is recorded (``sending_since``, committed) before the alert goes
to its channel and cleared with the outcome; a crash between send and mark leaves it set, the
lease expires, and the row is sent again with the same idempotency key, marked as a possible
repeat (``possible_repeat``, kept after delivery) so recipients and `kvrules alerts` know.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kvrules.store.db import parse_ts, ts

MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, base·factor, base·factor², … capped; dead after max_attempts."""

    base_delay: timedelta = timedelta(minutes=1)
    factor: float = 2.0
    max_delay: timedelta = timedelta(hours=6)
    max_attempts: int = 8
    # An unreachable channel (an outage) is retried at least this often, for as long as it
    # lasts: the alerts go out soon after it is back, and none is dead-lettered for it.
    unreachable_max_delay: timedelta = timedelta(minutes=30)

    def delay(self, attempts: int, *, unreachable: bool = False) -> timedelta:
        """Wait after the ``attempts``-th failed attempt (1-based)."""
        return min(self.base_delay * self.factor ** max(attempts - 1, 0), self.cap(unreachable))

    def cap(self, unreachable: bool = False) -> timedelta:
        """The longest wait between two attempts (also for a wait the other end asked for)."""
        return min(self.max_delay, self.unreachable_max_delay) if unreachable else self.max_delay


@dataclass(frozen=True)
class OutboxAlert:
    id: int
    key: str
    channel: str
    route: str
    case_id: int | None
    finding_id: int | None
    payload: dict[str, Any]
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    last_error: str | None
    sending_since: datetime | None = None  # an attempt began and has no recorded outcome
    possible_repeat: bool = False  # a later attempt followed one whose outcome was unknown
    # the channel could not be reached since then (an outage): retried, never dead-lettered
    unreachable_since: datetime | None = None

    @property
    def status(self) -> str:
        if self.delivered_at:
            return "delivered"
        return "dead" if self.dead_at else "pending"

    @property
    def doubt(self) -> str | None:
        """What the reader of a listing must know about this alert's delivery, if anything."""
        if self.sending_since is not None and self.status == "pending":
            return f"sending since {self.sending_since.isoformat()}: may have arrived"
        if self.possible_repeat:
            return "possible repeat: sent again after an attempt that may have arrived"
        return None


def _row(r: sqlite3.Row) -> OutboxAlert:
    def opt(v: str | None) -> datetime | None:
        return parse_ts(v) if v else None

    return OutboxAlert(
        id=r["id"],
        key=r["idempotency_key"],
        channel=r["channel"],
        route=r["route"],
        case_id=r["case_id"],
        finding_id=r["finding_id"],
        payload=json.loads(r["payload"]),
        created_at=parse_ts(r["created_at"]),
        attempts=r["attempts"],
        next_attempt_at=parse_ts(r["next_attempt_at"]),
        delivered_at=opt(r["delivered_at"]),
        dead_at=opt(r["dead_at"]),
        last_error=r["last_error"],
        sending_since=opt(r["sending_since"]),
        possible_repeat=bool(r["possible_repeat"]),
        unreachable_since=opt(r["unreachable_since"]),
    )


def enqueue(
    conn: sqlite3.Connection,
    *,
    key: str,
    channel: str,
    route: str,
    payload: dict[str, Any],
    now: datetime,
    case_id: int | None = None,
    finding_id: int | None = None,
) -> tuple[int, bool]:
    """Add a row unless its key exists; returns (row id, created). Enqueueing twice is safe."""
    cur = conn.execute(
        "INSERT INTO alert_outbox (idempotency_key, channel, route, case_id, finding_id,"
        " payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (idempotency_key) DO NOTHING",
        (key, channel, route, case_id, finding_id, json.dumps(payload), ts(now), ts(now)),
    )
    if cur.rowcount:
        return cur.lastrowid, True
    row = conn.execute("SELECT id FROM alert_outbox WHERE idempotency_key = ?", (key,)).fetchone()
    return row["id"], False


_DUE = (
    "delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= :now"
    " AND (leased_until IS NULL OR leased_until <= :now)"
)


def due(
    conn: sqlite3.Connection, now: datetime, limit: int = 100, channel: str | None = None
) -> list[OutboxAlert]:
    sql = f"SELECT * FROM alert_outbox WHERE {_DUE}"
    args: dict[str, Any] = {"now": ts(now), "limit": limit}
    if channel is not None:
        sql += " AND channel = :channel"
        args["channel"] = channel
    return [_row(r) for r in conn.execute(sql + " ORDER BY next_attempt_at, id LIMIT :limit", args)]


def claim(conn: sqlite3.Connection, ids: list[int], now: datetime, lease: timedelta) -> list[int]:
    """Lease the rows still due among ``ids``; returns those this caller now owns."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"UPDATE alert_outbox SET leased_until = ? WHERE id IN ({marks})"
        f" AND {_DUE.replace(':now', '?')} RETURNING id",
        (ts(now + lease), *ids, ts(now), ts(now)),
    ).fetchall()
    return sorted(r["id"] for r in rows)


def begin_send(conn: sqlite3.Connection, ids: list[int], now: datetime) -> set[int]:
    """Record an attempt about to be made (commit before sending). Returns the rows whose
    previous attempt never recorded an outcome: it may have reached the recipient, so this
    one may be a repeat."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "UPDATE alert_outbox SET possible_repeat = possible_repeat OR sending_since IS NOT NULL,"
        f" sending_since = ? WHERE id IN ({marks}) RETURNING id, possible_repeat",
        (ts(now), *ids),
    ).fetchall()
    return {r["id"] for r in rows if r["possible_repeat"]}


def get(conn: sqlite3.Connection, row_id: int) -> OutboxAlert | None:
    r = conn.execute("SELECT * FROM alert_outbox WHERE id = ?", (row_id,)).fetchone()
    return _row(r) if r else None


def by_key(conn: sqlite3.Connection, key: str) -> OutboxAlert | None:
    r = conn.execute("SELECT * FROM alert_outbox WHERE idempotency_key = ?", (key,)).fetchone()
    return _row(r) if r else None


def mark_delivered(conn: sqlite3.Connection, row_id: int, now: datetime) -> OutboxAlert | None:
    """Record success; None when the row was already delivered (nothing changes then)."""
    row = conn.execute(
        "UPDATE alert_outbox SET delivered_at = ?, attempts = attempts + 1, leased_until = NULL,"
        " sending_since = NULL, last_error = NULL, unreachable_since = NULL"
        " WHERE id = ? AND delivered_at IS NULL"
        " RETURNING *",
        (ts(now), row_id),
    ).fetchone()
    return _row(row) if row else None


def mark_failed(
    conn: sqlite3.Connection,
    row_id: int,
    now: datetime,
    error: str,
    policy: RetryPolicy,
    *,
    permanent: bool = False,
    unreachable: bool = False,
    retry_after: timedelta | None = None,
) -> OutboxAlert | None:
    """Count a failed attempt; schedule the retry, or dead-letter the row. Returns the new row.

    ``unreachable``: the channel could not be reached (an outage): retried with backoff for as
    long as that lasts, never dead-lettered for it (``max_attempts`` counts other failures).
    ``retry_after``: the wait the other end asked for (already capped by the caller): the
    retry comes no sooner."""
    row = get(conn, row_id)
    if row is None or row.status != "pending":
        return row
    attempts = row.attempts + 1
    unreachable = unreachable and not permanent
    dead = permanent or (attempts >= policy.max_attempts and not unreachable)
    since = (row.unreachable_since or now) if unreachable else None
    delay = policy.delay(attempts, unreachable=unreachable)
    if retry_after is not None:
        delay = max(delay, retry_after)
    conn.execute(
        "UPDATE alert_outbox SET attempts = ?, next_attempt_at = ?, dead_at = ?,"
        " leased_until = NULL, sending_since = NULL, last_error = ?, unreachable_since = ?"
        " WHERE id = ?",
        (
            attempts,
            ts(now + delay),
            ts(now) if dead else None,
            error[:MAX_ERROR_CHARS],
            ts(since) if since else None,
            row_id,
        ),
    )
    return get(conn, row_id)


def defer(conn: sqlite3.Connection, row_ids: list[int], until: datetime, reason: str) -> None:
    """Put pending rows off until ``until`` without counting an attempt (they were not tried:
    their channel kept failing in this run); ``expedite`` makes them due again."""
    conn.executemany(
        "UPDATE alert_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?"
        " AND delivered_at IS NULL AND dead_at IS NULL",
        [(ts(until), reason[:MAX_ERROR_CHARS], row_id) for row_id in row_ids],
    )


def expedite(conn: sqlite3.Connection, now: datetime) -> list[str]:
    """Make alerts waiting out a retry delay due now (after a fault was fixed); their keys."""
    rows = conn.execute(
        "UPDATE alert_outbox SET next_attempt_at = ? WHERE delivered_at IS NULL"
        " AND dead_at IS NULL AND (attempts > 0 OR last_error IS NOT NULL)"
        " AND next_attempt_at > ? RETURNING idempotency_key",
        (ts(now), ts(now)),
    ).fetchall()
    return sorted(r[0] for r in rows)


def requeue(conn: sqlite3.Connection, row_id: int, now: datetime) -> OutboxAlert | None:
    """Give a dead-lettered row a fresh set of attempts (an operator decision; audit it)."""
    row = conn.execute(
        "UPDATE alert_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ?,"
        " leased_until = NULL WHERE id = ? AND dead_at IS NOT NULL RETURNING *",
        (ts(now), row_id),
    ).fetchone()
    return _row(row) if row else None


def in_flight(conn: sqlite3.Connection, now: datetime) -> list[datetime]:
    """When the lease of each alert in flight ends: an attempt began, no outcome is recorded
    and the lease still holds it (a run killed mid-send, or one still sending). Nothing sends
    it before then; after, the next delivery does, marked a possible repeat."""
    rows = conn.execute(
        "SELECT leased_until FROM alert_outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
        " AND sending_since IS NOT NULL AND leased_until > ?",
        (ts(now),),
    ).fetchall()
    return [parse_ts(r["leased_until"]) for r in rows]


def pending_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM alert_outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
    ).fetchone()[0]


def listing(
    conn: sqlite3.Connection, status: str | None = None, limit: int = 1000
) -> list[OutboxAlert]:
    where = {
        None: "1",
        "pending": "delivered_at IS NULL AND dead_at IS NULL",
        "delivered": "delivered_at IS NOT NULL",
        "dead": "dead_at IS NOT NULL",
    }[status]
    sql = f"SELECT * FROM alert_outbox WHERE {where} ORDER BY id LIMIT ?"
    return [_row(r) for r in conn.execute(sql, (limit,))]
