"""Remembered verdicts on name matches: "not the same organisation" suppresses that match in
later scans, so the committee never sees the same false positive twice.

Keyed by (list, entry, organisation name normalised, country): the same name in another
country, or a different list entry, is a new question and is asked again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kvrules.refdata.normalise import name_key
from kvrules.store.db import parse_ts, ts

VERDICTS = ("not-same", "same")


@dataclass(frozen=True)
class Adjudication:
    id: int
    list_id: str
    entry: str
    org_name: str
    country: str | None
    verdict: str
    reason: str
    actor: str
    at: datetime
    case_id: int | None


def key(list_id: str, entry: str, org_name: str, country: str | None) -> tuple[str, str, str, str]:
    return list_id, entry, name_key(org_name), (country or "").upper()


def _adj(r: sqlite3.Row) -> Adjudication:
    return Adjudication(
        r["id"],
        r["list_id"],
        r["entry"],
        r["org_name"],
        r["country"] or None,
        r["verdict"],
        r["reason"],
        r["actor"],
        parse_ts(r["at"]),
        r["case_id"],
    )


def put(
    conn: sqlite3.Connection,
    *,
    list_id: str,
    entry: str,
    org_name: str,
    country: str | None,
    verdict: str,
    reason: str,
    actor: str,
    now: datetime,
    case_id: int | None,
) -> Adjudication:
    """Record (or replace: the newest verdict wins) the verdict on one match."""
    if verdict not in VERDICTS:
        raise ValueError(f"a verdict is one of {VERDICTS}")
    if not reason.strip():
        raise ValueError("an adjudication needs a reason")
    k = key(list_id, entry, org_name, country)
    conn.execute(
        "INSERT INTO adjudications (list_id, entry, org_key, country, org_name, verdict, reason,"
        " actor, at, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (list_id, entry, org_key, country) DO UPDATE SET"
        " org_name = excluded.org_name, verdict = excluded.verdict,"
        " reason = excluded.reason, actor = excluded.actor,"
        " at = excluded.at, case_id = excluded.case_id",
        (*k, org_name, verdict, reason.strip(), actor, ts(now), case_id),
    )
    r = conn.execute(
        "SELECT * FROM adjudications WHERE list_id = ? AND entry = ? AND org_key = ?"
        " AND country = ?",
        k,
    ).fetchone()
    return _adj(r)


def get(
    conn: sqlite3.Connection, list_id: str, entry: str, org_name: str, country: str | None
) -> Adjudication | None:
    """The verdict on one match, if there is one."""
    r = conn.execute(
        "SELECT * FROM adjudications WHERE list_id = ? AND entry = ? AND org_key = ?"
        " AND country = ?",
        key(list_id, entry, org_name, country),
    ).fetchone()
    return _adj(r) if r else None


def suppressed(
    conn: sqlite3.Connection, list_id: str, entry: str, org_name: str, country: str | None
) -> bool:
    r = conn.execute(
        "SELECT 1 FROM adjudications WHERE list_id = ? AND entry = ? AND org_key = ?"
        " AND country = ? AND verdict = 'not-same'",
        key(list_id, entry, org_name, country),
    ).fetchone()
    return r is not None


def listing(conn: sqlite3.Connection, case_id: int | None = None) -> list[Adjudication]:
    if case_id is None:
        rows = conn.execute("SELECT * FROM adjudications ORDER BY at DESC, id DESC")
    else:
        rows = conn.execute("SELECT * FROM adjudications WHERE case_id = ? ORDER BY id", (case_id,))
    return [_adj(r) for r in rows]


def for_names(
    conn: sqlite3.Connection, names: list[tuple[str, str | None]]
) -> dict[tuple[str, str, str, str], Adjudication]:
    """Adjudications of any match of these (name, country) pairs, by key."""
    out: dict[tuple[str, str, str, str], Adjudication] = {}
    for name, country in names:
        for r in conn.execute(
            "SELECT * FROM adjudications WHERE org_key = ? AND country = ?",
            (name_key(name), (country or "").upper()),
        ):
            out[(r["list_id"], r["entry"], r["org_key"], r["country"])] = _adj(r)
    return out
