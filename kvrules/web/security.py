"""Passwords (argon2id, hashed off the event loop), CSRF tokens and what each role may do."""

from __future__ import annotations

import hmac
import secrets

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kvrules.store.users import DECIDERS, ROLES

_hasher = PasswordHasher()
# Verified when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 12

COMMITTEE_SIDE = frozenset({"viewer", "adviser", "committee", "admin"})
PERMISSIONS: dict[str, frozenset[str]] = {
    # Cases, the audit log, the portfolio: the committee side, never a grant officer.
    "view": COMMITTEE_SIDE,
    # Screen a proposal (a grant officer sees only their own); sending one opens a case, which
    # a read-only viewer may not do.
    "prescreen": frozenset(ROLES),
    "prescreen-send": frozenset(ROLES) - {"viewer"},
    "triage": frozenset({"adviser", "committee", "admin"}),
    "adjudicate": frozenset({"adviser", "committee", "admin"}),
    "mitigation-status": frozenset({"adviser", "committee", "admin"}),
    # The committee decides; an admin administers accounts and does not decide (one admin
    # could otherwise create a second committee account and pass four-eyes alone).
    "decide": DECIDERS,
    "mitigate": DECIDERS,
    "admin": frozenset({"admin"}),
    # one's own password
    "account": frozenset(ROLES),
}


def can(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class PasswordWork:
    """argon2 in worker threads, never on the event loop (one hash takes a core for a quarter
    of a second and 64 MiB), at most ``threads`` at a time: while sign-ins queue here, every
    other page is still served."""

    def __init__(self, threads: int = 2) -> None:
        self._limiter = anyio.CapacityLimiter(threads)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await anyio.to_thread.run_sync(
            verify_password, password_hash, password, limiter=self._limiter
        )

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(hash_password, password, limiter=self._limiter)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))
