"""Deterministic, reversible UUIDs for lazily generated records.

The record index lives in the 48-bit node field (scrambled by an odd multiplier, a bijection
mod 2**48), the other bits are a hash of (seed, kind, index). So a uuid maps back to its index
in O(1) without a lookup table — 100,000 projects need no per-record memory until touched.
"""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache

_BITS = 48
_MASK = (1 << _BITS) - 1
_MULT = 0x9E3779B97F4B | 1  # odd, so invertible mod 2**48
_MULT_INV = pow(_MULT, -1, 1 << _BITS)


@lru_cache(maxsize=256)
def _offset(seed: int, kind: str) -> int:
    digest = hashlib.blake2b(f"{seed}/{kind}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


def make_uuid(seed: int, kind: str, index: int) -> str:
    top = int.from_bytes(
        hashlib.blake2b(f"{seed}/{kind}/{index}".encode(), digest_size=10).digest(), "big"
    )
    node = (index * _MULT + _offset(seed, kind)) & _MASK
    return str(uuid.UUID(int=(top << _BITS) | node, version=4))


def parse_index(seed: int, kind: str, value: str) -> int | None:
    """The index whose make_uuid equals value, or None (the hash check rejects strangers)."""
    if len(value) != 36:
        return None
    try:
        node = int(value[-12:], 16)
    except ValueError:
        return None
    index = ((node - _offset(seed, kind)) * _MULT_INV) & _MASK
    return index if make_uuid(seed, kind, index) == value.lower() else None


def stable_int(seed: int, *parts: object) -> int:
    """A 64-bit integer hash of the parts, for per-record decisions that must not drift."""
    text = "/".join(str(p) for p in (seed, *parts))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def version_hash(*parts: object) -> str:
    """Pure's `version` is an opaque hash string."""
    text = "/".join(str(p) for p in parts)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
