"""Giving freed memory back to the operating system during a long scan (and the cores a scan
or a batch may count on: ``usable_cores``).

A scan parses a page of records on the reader thread (and the adapter's HTTP threads), and the
scanning thread frees it once the page is stored. glibc keeps a heap per thread and returns
little of a freed heap on its own: interleaved with the few allocations that live on, the
holes add up, and the process grew with every page read (a 100,000-project scan passed
300 MB while Python itself held under 40 MB at any time). ``malloc_trim`` hands the free
pages back; called once a page's records are committed, the resident size stays flat.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

# The cyclic collector's thresholds while a scan reads (CPython's are 700, 10, 10). Each record
# makes a few thousand objects (its events and findings, the unpickled batch it came in) that
# live until it is stored; with CPython's thresholds a young collection ran every 700
# allocations and walked them again and again, for next to no garbage: almost nothing a scan
# makes is in a reference cycle, so reference counting frees it. The reader process sets the
# same (kvrules.reader.GC_THRESHOLDS).
SELDOM = (50_000, 20, 10)


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count): what a
    reader process or worker processes can count on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@cache
def c_library() -> ctypes.CDLL | None:
    """The C library this process runs on, or None where it cannot be loaded."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None (another C library: musl, macOS, Windows)."""
    return getattr(c_library(), "malloc_trim", None)


def give_back_free_memory() -> bool:
    """Return the C heaps' free pages to the system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@contextmanager
def collecting_seldom(thresholds: tuple[int, int, int] = SELDOM) -> Iterator[None]:
    """Run the block with the cyclic collector called seldom (``SELDOM``); CPython's setting
    (or whatever was set) is back afterwards, so a `watch` between scans is as before. Cyclic
    garbage is still collected, a little later."""
    before = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)
