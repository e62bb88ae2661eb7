"""Text folded for searching: the same on both sides of a comparison, in every script.

SQLite's ``lower()`` and ``LIKE`` fold ASCII letters only, so a title holding "Московский"
was not found by "московский" nor by "Московский" once the query was lower-cased in Python.
The search compares the folded words with the search text stored folded (``fold_stored``);
``kv_fold`` (registered on every connection, ``kvrules.store.db.connect``) folds a record id
that is not ASCII at query time.
"""

from __future__ import annotations

import sqlite3
import unicodedata

SQL_FUNCTION = "kv_fold"
# "İ" (Turkish capital dotted I) casefolds to "i" + a combining dot above: without dropping
# the dot, "istanbul" would not find "İstanbul". A dot after any other letter is kept.
_DOTTED_I = "i\u0307"
# U+0131 (Turkish dotless i) has no other case: "IŞIK" folded to "işik" but the same name
# in lower case kept its dotless i, so one was not found by the other. Both read as "i".
_DOTLESS_I = "\u0131"


def fold(text: str | None) -> str | None:
    """NFKC (full-width and compatibility forms read as their plain letters), then casefold
    (ß → ss, every script's capitals), then NFKC again: casefold may leave decomposed marks;
    Turkish dotted and dotless i both read as "i". The one fold every comparison of names and
    searched text uses (the case search, a person's requests)."""
    if text is None:
        return None
    if text.isascii():  # most titles: the same result, several times faster
        return text.lower()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace(_DOTTED_I, "i").replace(_DOTLESS_I, "i")


def fold_stored(
    conn: sqlite3.Connection, source_system: str | None = None, record_id: str = ""
) -> int:
    """Fold the case search's stored text where it is not folded yet: one record's, after
    it was written (``source_system`` and ``record_id``), or every record's (migration 12).
    The triggers that keep the text (migration 6) lower-case it in SQL, which is the fold
    of ASCII text; the rest is folded here, in Python, and never by SQL calling Python while
    a scan writes (a SIGTERM or Ctrl-C landing in such a call became SQLite's "user-defined
    function raised exception", not the stop it was). Returns how many texts it folded."""
    where, args = "length(CAST(text AS BLOB)) > length(text)", []
    if source_system is not None:
        where, args = where + " AND source_system = ? AND record_id = ?", [source_system, record_id]
    rows = conn.execute(
        f"SELECT source_system, record_id, text FROM subject_search WHERE {where}", args
    ).fetchall()
    folded = 0
    for source, rid, text in rows:
        if (new := fold(text)) != text:
            conn.execute(
                "UPDATE subject_search SET text = ? WHERE source_system = ? AND record_id = ?",
                (new, source, rid),
            )
            folded += 1
    return folded
