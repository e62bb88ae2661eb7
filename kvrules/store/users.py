"""Web app accounts: a name, a role and (for local accounts) a password hash.

The store never sees a password, only the hash the web layer computed (argon2). Accounts that
authenticate through a trusted reverse proxy (SSO) have no hash and cannot log in locally.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kvrules.store.db import parse_ts, ts

ROLES = ("viewer", "adviser", "committee", "admin")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str | None
    created_at: datetime
    disabled: bool

    def __repr__(self) -> str:  # keep the hash out of logs and tracebacks
        return f"User(name={self.name!r}, role={self.role!r}, disabled={self.disabled})"


def _user(r: sqlite3.Row) -> User:
    return User(
        r["name"], r["role"], r["password_hash"], parse_ts(r["created_at"]), bool(r["disabled_at"])
    )


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    return role


def upsert(
    conn: sqlite3.Connection, name: str, role: str, password_hash: str | None, now: datetime
) -> bool:
    """Create or update an account (re-enabling it); True when it is new."""
    check_role(role)
    if not name or name != name.strip():
        raise ValueError("a user name is non-empty and has no surrounding spaces")
    new = get(conn, name) is None
    conn.execute(
        "INSERT INTO users (name, role, password_hash, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
        " password_hash = COALESCE(excluded.password_hash, password_hash),"
        " updated_at = excluded.updated_at, disabled_at = NULL",
        (name, role, password_hash, ts(now), ts(now)),
    )
    return new


def set_password_hash(
    conn: sqlite3.Connection, name: str, password_hash: str, now: datetime
) -> None:
    conn.execute(
        "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
        (password_hash, ts(now), name),
    )


def disable(conn: sqlite3.Connection, name: str, now: datetime) -> bool:
    cur = conn.execute(
        "UPDATE users SET disabled_at = ?, updated_at = ? WHERE name = ? AND disabled_at IS NULL",
        (ts(now), ts(now), name),
    )
    return cur.rowcount > 0


def get(conn: sqlite3.Connection, name: str) -> User | None:
    r = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return _user(r) if r else None


def listing(conn: sqlite3.Connection) -> list[User]:
    return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY name")]
