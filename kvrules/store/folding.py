"""Text folded for searching: the same on both sides of a comparison, in every script.

SQLite's ``lower()`` and ``LIKE`` fold ASCII letters only, so a title holding "Московский"
was not found by "московский" nor by "Московский" once the query was lower-cased in Python.
The search compares ``kv_fold(text)`` with the folded words instead (registered on every
connection, ``kvrules.store.db.connect``).
"""

from __future__ import annotations

import unicodedata

SQL_FUNCTION = "kv_fold"
# "İ" (Turkish capital dotted I) casefolds to "i" + a combining dot above: without dropping
# the dot, "istanbul" would not find "İstanbul". A dot after any other letter is kept.
_DOTTED_I = "i\u0307"


def fold(text: str | None) -> str | None:
    """NFKC (full-width and compatibility forms read as their plain letters), then casefold
    (ß → ss, every script's capitals), then NFKC again: casefold may leave decomposed marks."""
    if text is None:
        return None
    if text.isascii():  # most titles: the same result, several times faster
        return text.lower()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace(_DOTTED_I, "i")
