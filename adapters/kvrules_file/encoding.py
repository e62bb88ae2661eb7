"""Bytes of an export to text, keeping a bad byte to the row or line it is on.

The file is decoded with ``surrogateescape``: a byte that is not UTF-8 becomes a lone surrogate
in the one cell or JSON string it is in, so the parsers quarantine that record alone (naming the
column) and read every other one. Such text must never leave the adapter: it cannot be encoded
to print or store, so reasons show it with ``shown``.
"""

from __future__ import annotations

BINARY_SNIFF = 8192  # as git does: a NUL byte near the start means the file is not text
NOT_TEXT = "not a text file (it has NUL bytes: binary or UTF-16?); export it as UTF-8"


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF]


def decode(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="surrogateescape")  # Excel writes a BOM


def undecodable(text: str) -> bool:
    """Whether ``text`` holds a byte that was not UTF-8 in the file."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(text: str, limit: int = 80) -> str:
    """``text`` printable: bad bytes as ``\\xe9``, control characters escaped (a reason is read
    on terminals and web pages), cut to ``limit`` characters."""
    raw = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    raw = "".join(c if c.isprintable() else repr(c)[1:-1] for c in raw)
    return f"'{raw}'" if len(raw) <= limit else f"'{raw[:limit]}…'"


def not_utf8(text: str) -> str:
    return f"not UTF-8 ({shown(text)}); export the file as UTF-8"


def first_bad_byte(text: str) -> str:
    """Where the first byte that is not UTF-8 is, without quoting the text around it (the text
    may not be an export at all: a key file's line must not land in a reason)."""
    at = next(i for i, c in enumerate(text) if undecodable(c))
    byte = ord(text[at]) - 0xDC00  # surrogateescape keeps byte b as U+DC00 + b
    return f"not UTF-8 (byte 0x{byte:02x} at character {at + 1}); export the file as UTF-8"
