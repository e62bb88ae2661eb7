"""The cases list and its export read a page of cases in a fixed number of statements, whatever
the number of cases on it (they read each case and its record one by one: two statements per
case). Statements are counted with sqlite3's trace callback, not timed."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from kvrules.web.casedata import case_rows
from tests.web.web_helpers import event, finding


def _cases(db: Path, count: int) -> list[int]:
    with Store.open(db) as store:
        for n in range(count):
            record_id = f"q-{n}"
            store.record_subject(event(record_id, f"Partner {n}", "CN", with_match=True))
            store.record_findings([finding(record_id)], {})
        return [c.id for c in store.cases()]


def _read(db: Path, case_ids: list[int]) -> tuple[int, list]:
    statements: list[str] = []
    with Store.open(db) as store:
        store._db.conn.set_trace_callback(statements.append)
        try:
            rows = case_rows(store, case_ids)
        finally:
            store._db.conn.set_trace_callback(None)
    return len(statements), rows


def test_a_page_of_cases_reads_a_fixed_number_of_statements(tmp_path: Path) -> None:
    few, many = tmp_path / "few.db", tmp_path / "many.db"
    few_ids, many_ids = _cases(few, 3), _cases(many, 40)
    read_few, _ = _read(few, few_ids)
    read_many, rows = _read(many, many_ids)
    assert read_many == read_few
    # in the order asked for, each with its own record's partner and country
    wanted = list(reversed(many_ids))
    _, rows = _read(many, wanted)
    assert [r.case.id for r in rows] == wanted
    assert all(r.subject is not None and r.countries == ["CN"] for r in rows)
    assert {r.subject["project"]["id"] for r in rows} == {f"q-{n}" for n in range(40)}
