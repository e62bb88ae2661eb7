"""``scanmarks.note_ended``: one statement per project noted, the table made once per scan.

It ran a CREATE TABLE IF NOT EXISTS and a SELECT before its INSERT for every long-ended
project a scan noted. Counted with SQLite's own trace of the statements it runs."""

from __future__ import annotations

import sqlite3

from kvrules.store import scanmarks


def _statements(conn: sqlite3.Connection, call) -> tuple[object, list[str]]:
    ran: list[str] = []
    conn.set_trace_callback(ran.append)
    try:
        result = call()
    finally:
        conn.set_trace_callback(None)
    return result, ran


def test_a_project_noted_once_is_one_statement_and_noted_again_replaces_its_entry() -> None:
    conn = sqlite3.connect(":memory:")
    scanmarks.forget(conn)  # a scan begins: the tables are made here
    new, ran = _statements(conn, lambda: scanmarks.note_ended(conn, 1, "p-1", '{"v": 1}'))
    assert new is True and len(ran) == 1, ran
    again, _ = _statements(conn, lambda: scanmarks.note_ended(conn, 1, "p-1", '{"v": 2}'))
    assert again is False
    assert scanmarks.note_ended(conn, 2, "p-1", '{"v": 3}') is True  # another report's
    assert list(scanmarks.ended(conn, 1)) == [("p-1", '{"v": 2}')]
    assert list(scanmarks.ended(conn, 2)) == [("p-1", '{"v": 3}')]


def test_a_connection_that_never_began_a_scan_makes_the_table_first() -> None:
    conn = sqlite3.connect(":memory:")  # a re-screen outside a scan: forget never ran
    assert scanmarks.note_ended(conn, 1, "p-9", "{}") is True
    assert scanmarks.note_ended(conn, 1, "p-9", "{}") is False
    assert list(scanmarks.ended(conn, 1)) == [("p-9", "{}")]
