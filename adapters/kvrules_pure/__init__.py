"""kvrules adapter for Elsevier Pure (Pure API /ws/api), and a Pure API simulator.

Settings: ``KVRULES_PURE_BASE_URL`` and ``KVRULES_PURE_API_KEY`` suffice (see config.py).
"""

from __future__ import annotations

from kvrules import hookimpl

from .adapter import PureAdapter
from .config import PureConfig

__all__ = ["PureAdapter", "PureConfig"]


@hookimpl
def register_adapters(register):  # type: ignore[no-untyped-def]
    register(PureAdapter)
