"""Signatures a receiver can check: HMAC-SHA256 over ``"{timestamp}." + body``.

Header: ``X-Kvrules-Signature: t=<unix seconds>,v1=<hex digest>``. The timestamp is signed too,
so a captured request cannot be replayed later with a fresh timestamp; receivers reject old
ones (``tolerance``) and drop repeats by the ``Idempotency-Key`` header.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Kvrules-Signature"
TIMESTAMP_HEADER = "X-Kvrules-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = 300
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is at most ``tolerance`` s old."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)
