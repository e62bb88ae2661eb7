"""Sources, their cursors, and a hash per source record to tell a material change from noise."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime
from enum import StrEnum
from typing import Any

from kvrules.store.audit import canonical_json
from kvrules.store.db import ts


class Change(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def ensure_source(
    conn: sqlite3.Connection, name: str, now: datetime, adapter: str | None = None
) -> None:
    conn.execute(
        "INSERT INTO sources (name, adapter, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET adapter = COALESCE(excluded.adapter, adapter)",
        (name, adapter, ts(now)),
    )


def adapters(conn: sqlite3.Connection) -> dict[str, str]:
    """Configured source name -> its adapter's name, for the sources scans registered with
    one (the bookkeeping entries, "pure#full-read-at" and such, have none)."""
    rows = conn.execute("SELECT name, adapter FROM sources WHERE adapter IS NOT NULL")
    return {r["name"]: r["adapter"] for r in rows}


def get_cursor(conn: sqlite3.Connection, source: str) -> str | None:
    row = conn.execute("SELECT cursor FROM sources WHERE name = ?", (source,)).fetchone()
    return row["cursor"] if row else None


def set_cursor(conn: sqlite3.Connection, source: str, cursor: str | None, now: datetime) -> None:
    ensure_source(conn, source, now)
    conn.execute(
        "UPDATE sources SET cursor = ?, cursor_updated_at = ? WHERE name = ?",
        (cursor, ts(now), source),
    )


def material_hash(material: Any) -> str:
    """sha256 of the canonical JSON of what matters in a record (the caller drops the noise)."""
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()


def observe(
    conn: sqlite3.Connection, source: str, record_id: str, material: Any, now: datetime
) -> Change:
    digest = material_hash(material)
    row = conn.execute(
        "SELECT sha256 FROM record_snapshots WHERE source = ? AND record_id = ?",
        (source, record_id),
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO record_snapshots (source, record_id, sha256, first_seen, last_seen,"
            " last_changed) VALUES (?, ?, ?, ?, ?, ?)",
            (source, record_id, digest, ts(now), ts(now), ts(now)),
        )
        return Change.NEW
    changed = row["sha256"] != digest
    conn.execute(
        "UPDATE record_snapshots SET sha256 = ?, last_seen = ?,"
        " last_changed = CASE WHEN ? THEN ? ELSE last_changed END"
        " WHERE source = ? AND record_id = ?",
        (digest, ts(now), changed, ts(now), source, record_id),
    )
    return Change.CHANGED if changed else Change.UNCHANGED


def observed(conn: sqlite3.Connection, source: str) -> list[str]:
    """The ids of every record of ``source`` a scan has observed (and not forgotten since)."""
    rows = conn.execute("SELECT record_id FROM record_snapshots WHERE source = ?", (source,))
    return [r["record_id"] for r in rows]


def forget_observed(conn: sqlite3.Connection, source: str, record_id: str) -> None:
    """The record is gone from the source: seen again later, it is new."""
    conn.execute(
        "DELETE FROM record_snapshots WHERE source = ? AND record_id = ?", (source, record_id)
    )
