"""kvrules adapter for Clarivate Converis (Read API WS v2 + CUD API), and a Converis simulator.

Settings: ``KVRULES_CONVERIS_BASE_URL``, ``KVRULES_CONVERIS_USERNAME`` and
``KVRULES_CONVERIS_PASSWORD`` suffice for an FAU-style data model (see config.py).
"""

from __future__ import annotations

from kvrules import hookimpl

from .adapter import ConverisAdapter
from .config import ConverisConfig

__all__ = ["ConverisAdapter", "ConverisConfig"]


@hookimpl
def register_adapters(register):  # type: ignore[no-untyped-def]
    register(ConverisAdapter)
