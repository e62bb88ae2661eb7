"""Where glibc puts a large block in the process it runs in (the reader process, in a test).

glibc's mmap threshold decides whether a block gets pages of its own (mapped, unmapped when
freed) or is carved from a heap. Left to itself, the threshold rises to the size of the
largest mapped block freed; set with ``mallopt``, it stays put.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
          "fordblks", "keepcost")  # fmt: skip


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in FIELDS]


def glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc with ``mallinfo2`` (2.33 or later), else None."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.restype = MallInfo2
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return libc


def mapped_after_a_larger_free() -> int:
    """1 when a 1 MiB block gets pages of its own right after a 4 MiB block was freed (the
    threshold stayed put), 0 when it is carved from a heap (the free raised the threshold)."""
    libc = glibc()
    assert libc is not None
    libc.free(libc.malloc(4 << 20))
    before = libc.mallinfo2().hblks
    block = libc.malloc(1 << 20)
    mapped = libc.mallinfo2().hblks - before
    libc.free(block)
    return mapped


if __name__ == "__main__":  # python malloc_probe.py OUT: a plain interpreter's answer
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write(str(mapped_after_a_larger_free()))
