"""What the scan under way has met, per record: kept in SQLite, not in Python sets.

A scan must remember some things of every record until its end: which records the read
yielded (a complete read marks the observed ones it did not yield gone), which had tags queued
(their dry-run plan is made again), which records' awards were counted (a record re-screened
and read again in one scan counts once). Held as Python sets they grew with the portfolio,
≈ 0.5 KB a record (tracemalloc; the scan process peaked at 118 MB at 50,000 projects and 140 MB
at 100,000, against 96 MB at 50,000 before the sets). Here they are rows of a temporary table
of the scan's own connection: its pages live in SQLite's bounded page cache and spill to a
temporary file, the question at the end ("observed, but not yielded") is one query, and
nothing is kept in the database file (the table goes with the connection; a crashed scan
leaves nothing to clean).

Each mark belongs to one scan's report (``report``: ``ScanReport``'s serial), so a report
never reads another's marks; ``forget`` drops every mark before a new scan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

SEEN = "seen"  # a record the read yielded (events or an error): system is the source
TAGS_QUEUED = "tags-queued"  # a record read whose tags were queued: system is the source
AWARDS_COUNTED = "awards-counted"  # an event whose awards were counted: its source system

PAGE = 500  # rows read at a time by ``observed_unmarked``

_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS scan_marks ("
    " report INTEGER NOT NULL, what TEXT NOT NULL, system TEXT NOT NULL,"
    " record_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " PRIMARY KEY (report, what, system, record_id, kind)) WITHOUT ROWID"
)


def _table(conn: sqlite3.Connection) -> None:
    conn.execute(_TABLE)


def forget(conn: sqlite3.Connection) -> None:
    """Drop every mark (a new scan begins)."""
    _table(conn)
    conn.execute("DELETE FROM temp.scan_marks")
    conn.execute(_ENDED)
    conn.execute("DELETE FROM temp.scan_ended")


def mark(
    conn: sqlite3.Connection, report: int, what: str, system: str, record_id: str, kind: str = ""
) -> bool:
    """Mark a record (and kind); True if it was not marked yet."""
    try:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO temp.scan_marks VALUES (?, ?, ?, ?, ?)",
            (report, what, system, record_id, kind),
        )
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        _table(conn)  # the first mark of a connection that never began a scan (a re-screen)
        return mark(conn, report, what, system, record_id, kind)
    return cursor.rowcount == 1


def is_marked(
    conn: sqlite3.Connection, report: int, what: str, system: str, record_id: str, kind: str = ""
) -> bool:
    _table(conn)
    row = conn.execute(
        "SELECT 1 FROM temp.scan_marks"
        " WHERE report = ? AND what = ? AND system = ? AND record_id = ? AND kind = ?",
        (report, what, system, record_id, kind),
    ).fetchone()
    return row is not None


def count(conn: sqlite3.Connection, report: int, what: str) -> int:
    _table(conn)
    row = conn.execute(
        "SELECT count(*) FROM temp.scan_marks WHERE report = ? AND what = ?", (report, what)
    ).fetchone()
    return int(row[0])


_UNMARKED = (
    "FROM record_snapshots s WHERE s.source = :source AND NOT EXISTS ("
    " SELECT 1 FROM temp.scan_marks m WHERE m.report = :report AND m.what = :what"
    " AND m.system = :source AND m.record_id = s.record_id AND m.kind = '')"
)


def observed_unmarked_count(conn: sqlite3.Connection, source: str, report: int, what: str) -> int:
    """How many records of ``source`` a scan has observed (``sources.observe``) carry no mark."""
    _table(conn)
    args = {"source": source, "report": report, "what": what}
    return int(conn.execute(f"SELECT count(*) {_UNMARKED}", args).fetchone()[0])


def observed_unmarked(
    conn: sqlite3.Connection, source: str, report: int, what: str
) -> Iterator[str]:
    """The ids of those records, in key order, read in pages: the caller may forget each
    observation as it goes (never one open SELECT across its writes)."""
    _table(conn)
    after = ""
    while True:
        args = {"source": source, "report": report, "what": what, "after": after, "n": PAGE}
        rows = conn.execute(
            f"SELECT s.record_id {_UNMARKED} AND s.record_id > :after"
            " ORDER BY s.record_id LIMIT :n",
            args,
        ).fetchall()
        yield from (r[0] for r in rows)
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


# The projects that ended long ago whose findings opened no case (``kvrules.ended``), each with
# its end, rules and title: listed whole in the scan's --json, streamed from here, while the
# report keeps a count and the newest ten (a dict of them was 549 B a project in memory).
_ENDED = (
    "CREATE TEMP TABLE IF NOT EXISTS scan_ended ("
    " report INTEGER NOT NULL, record_id TEXT NOT NULL, entry TEXT NOT NULL,"
    " PRIMARY KEY (report, record_id)) WITHOUT ROWID"
)


def note_ended(conn: sqlite3.Connection, report: int, record_id: str, entry: str) -> bool:
    """Keep ``entry`` (JSON) for ``record_id``; True if the record was not noted yet. One
    statement for a record not noted yet (the table is made once per scan, by ``forget``);
    a record noted again (re-screened and read again in one scan) has its entry replaced."""
    args = (report, record_id, entry)
    try:
        cursor = conn.execute("INSERT OR IGNORE INTO temp.scan_ended VALUES (?, ?, ?)", args)
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        conn.execute(_ENDED)  # a connection that never began a scan (a re-screen)
        return note_ended(conn, report, record_id, entry)
    if cursor.rowcount == 1:
        return True
    conn.execute(
        "UPDATE temp.scan_ended SET entry = ? WHERE report = ? AND record_id = ?",
        (entry, report, record_id),
    )
    return False


def ended(conn: sqlite3.Connection, report: int) -> Iterator[tuple[str, str]]:
    """(record id, entry JSON) of every project noted, in record id order, read in pages."""
    conn.execute(_ENDED)
    after = ""
    while True:
        rows = conn.execute(
            "SELECT record_id, entry FROM temp.scan_ended WHERE report = ? AND record_id > ?"
            " ORDER BY record_id LIMIT ?",
            (report, after, PAGE),
        ).fetchall()
        yield from ((r[0], r[1]) for r in rows)
        if len(rows) < PAGE:
            return
        after = rows[-1][0]
