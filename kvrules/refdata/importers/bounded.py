"""A JSON byte stream read with a cap on any one string, before a parser builds it.

A streaming parser (ijson) still builds each string whole: a ROR zip holding one 1 GiB string
ran 300 s with no output before anything could say no. ``BoundedJSON`` watches the bytes as
the parser reads them and raises ``TooLong`` (a ValueError, so importers' "not a complete
file" handling says it in one line and imports nothing) as soon as a run of bytes with no
unescaped quote -- a string, or absurd whitespace between tokens -- passes ``max_bytes``.
The scan is a few C-level byte operations per read, not a loop per byte.
"""

from __future__ import annotations

from typing import IO

from kvrules.errors import KvrulesError

# As RecordLimits.max_string_chars: longer than any name, alias or abstract in a real list.
MAX_STRING_BYTES = 1_000_000


class TooLong(KvrulesError, ValueError):
    """A string (or a run between quotes) longer than the cap."""


class BoundedJSON:
    """``raw``'s bytes, read as they are, refusing any run without an unescaped quote longer
    than ``max_bytes``."""

    def __init__(self, raw: IO[bytes], max_bytes: int = MAX_STRING_BYTES) -> None:
        self._raw = raw
        self._max = max_bytes
        self._open = 0  # bytes of the run the last read ended in
        self._pending = b""  # trailing backslashes: their escape ends in the next read
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._check(data)
        self._offset += len(data)
        return data

    def _check(self, data: bytes) -> None:
        plain = b'\\"' not in data and not data.endswith(b"\\")  # every quote is real
        if plain and not self._pending and len(data) <= self._max:
            self._check_plain(data)  # a few memchr calls
        else:
            self._check_escaped(data)

    def _check_plain(self, data: bytes) -> None:
        first = data.find(b'"')
        if first == -1:
            self._open += len(data)
            self._say_if(self._open)
            return
        self._say_if(self._open + first)  # runs inside ``data`` are shorter than it is
        self._open = len(data) - data.rfind(b'"') - 1

    def _check_escaped(self, data: bytes) -> None:
        buf = self._pending + data
        kept = len(buf) - len(buf.rstrip(b"\\")) if data else 0
        self._pending = buf[len(buf) - kept :] if kept else b""
        buf = buf[: len(buf) - kept] if kept else buf
        # an escaped backslash, then an escaped quote, is no quote: each becomes one character
        # (counted: a string of escapes alone is as long), and only real quotes are left
        runs = buf.replace(b"\\\\", b"_").replace(b'\\"', b"_").split(b'"')
        first = self._open + len(runs[0])
        longest = max(first, max(map(len, runs[1:]), default=0))
        self._open = first if len(runs) == 1 else len(runs[-1])
        self._say_if(longest)

    def _say_if(self, length: int) -> None:
        if length > self._max:
            raise TooLong(
                f"a string of more than {self._max:,} bytes (near byte {self._offset:,}); "
                "no real list has one: is this the right file?"
            )
