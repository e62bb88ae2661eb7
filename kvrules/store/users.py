"""Web app accounts: a name, a role and (for local accounts) a password hash.

The store never sees a password, only the hash the web layer computed (argon2). Accounts that
authenticate through a trusted reverse proxy (SSO) have no hash and cannot log in locally.

Each account has a *session generation*: a web session is valid only while it carries the
current one. Signing out, a password reset, a role change and disabling raise it, which ends
every session of the account at once, however old the cookie.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kvrules.store.credential_origins import must_set_own_password
from kvrules.store.db import parse_ts, ts

# A grant officer may pre-screen proposals and see their own requests, nothing else.
ROLES = ("viewer", "adviser", "committee", "admin", "grant-officer")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str | None
    created_at: datetime
    disabled: bool
    session_generation: int
    # The units (as the RIS names them) whose cases the account may see; None: every unit.
    units: tuple[str, ...] | None = None

    def __repr__(self) -> str:  # keep the hash out of logs and tracebacks
        return f"User(name={self.name!r}, role={self.role!r}, disabled={self.disabled})"


def _user(r: sqlite3.Row) -> User:
    return User(
        r["name"],
        r["role"],
        r["password_hash"],
        parse_ts(r["created_at"]),
        bool(r["disabled_at"]),
        r["session_generation"],
        tuple(json.loads(r["units"])) if r["units"] is not None else None,
    )


class Keep:
    """``upsert``'s units when not given: a new account sees every unit, an existing one
    keeps its scope (changing a role never widens what an account sees)."""


KEEP = Keep()


def check_units(units: Sequence[str] | None) -> tuple[str, ...] | None:
    if units is None:
        return None
    cleaned = tuple(dict.fromkeys(u.strip() for u in units if u.strip()))
    if not cleaned:
        raise ValueError("name at least one unit, as the RIS names it (or give none at all)")
    return cleaned


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    return role


def upsert(
    conn: sqlite3.Connection,
    name: str,
    role: str,
    password_hash: str | None,
    now: datetime,
    units: Sequence[str] | Keep | None = KEEP,
) -> bool:
    """Create an account, or change its role and (given a hash) its password; True when new.

    A new role or password ends the account's sessions. A disabled account stays disabled:
    only ``enable`` brings it back."""
    check_role(role)
    if not name or name != name.strip():
        raise ValueError("a user name is non-empty and has no surrounding spaces")
    scope = None if isinstance(units, Keep) else check_units(units)
    existing = get(conn, name)
    if existing is None:
        conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at, updated_at, units)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, role, password_hash, ts(now), ts(now), _units_json(scope)),
        )
        return True
    if not isinstance(units, Keep):
        conn.execute("UPDATE users SET units = ? WHERE name = ?", (_units_json(scope), name))
    changed = role != existing.role or password_hash is not None
    conn.execute(
        "UPDATE users SET role = ?, password_hash = COALESCE(?, password_hash), updated_at = ?,"
        " session_generation = session_generation + ? WHERE name = ?",
        (role, password_hash, ts(now), int(changed), name),
    )
    return False


def _units_json(units: tuple[str, ...] | None) -> str | None:
    return json.dumps(list(units), ensure_ascii=False) if units is not None else None


def set_password_hash(
    conn: sqlite3.Connection, name: str, password_hash: str, now: datetime
) -> None:
    conn.execute(
        "UPDATE users SET password_hash = ?, updated_at = ?,"
        " session_generation = session_generation + 1 WHERE name = ?",
        (password_hash, ts(now), name),
    )


def require_another_admin(conn: sqlite3.Connection, name: str) -> None:
    """ValueError when ``name`` is the one enabled admin account: disabling or demoting it
    would leave nobody to manage accounts in the web app. Call in the write's transaction:
    two admins disabling each other at the same moment both passed a check made before."""
    enabled = conn.execute(
        "SELECT name FROM users WHERE role = 'admin' AND disabled_at IS NULL"
    ).fetchall()
    if [r["name"] for r in enabled] == [name]:
        raise ValueError(f"{name} is the last admin: add another one first")


# Who may take, propose or approve a committee decision: an admin administers accounts and
# does not decide (else one admin could make a second committee account and pass four-eyes
# alone); an admin who sits on the committee decides from a committee account.
DECIDERS = frozenset({"committee"})


def require_decider(conn: sqlite3.Connection, actor: str) -> None:
    """ValueError when ``actor`` is an account whose role does not decide. An actor with no
    account (a script, the CLI) is the caller's business: the web app checks the role."""
    account = get(conn, actor)
    if account is not None and account.role not in DECIDERS:
        raise ValueError(
            f"{actor} is a {account.role} account: only a committee account takes, proposes "
            "or approves a decision"
        )
    if account is not None and must_set_own_password(conn, actor):
        raise ValueError(
            f"an admin set the password of {actor}: set your own (Your password, at the top "
            "of the page) before taking, proposing or approving a decision"
        )


def disable(conn: sqlite3.Connection, name: str, now: datetime) -> bool:
    cur = conn.execute(
        "UPDATE users SET disabled_at = ?, updated_at = ?,"
        " session_generation = session_generation + 1 WHERE name = ? AND disabled_at IS NULL",
        (ts(now), ts(now), name),
    )
    return cur.rowcount > 0


def enable(conn: sqlite3.Connection, name: str, now: datetime) -> bool:
    """Re-enable a disabled account; its sessions from before stay ended."""
    cur = conn.execute(
        "UPDATE users SET disabled_at = NULL, updated_at = ?,"
        " session_generation = session_generation + 1 WHERE name = ? AND disabled_at IS NOT NULL",
        (ts(now), name),
    )
    return cur.rowcount > 0


def end_sessions(conn: sqlite3.Connection, name: str, now: datetime) -> None:
    conn.execute(
        "UPDATE users SET updated_at = ?, session_generation = session_generation + 1"
        " WHERE name = ?",
        (ts(now), name),
    )


def get(conn: sqlite3.Connection, name: str) -> User | None:
    r = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return _user(r) if r else None


def listing(conn: sqlite3.Connection) -> list[User]:
    return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY name")]
