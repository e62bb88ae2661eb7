"""The adjudications page reads the store in a fixed number of statements, whatever the number
of cases its verdicts were given on (it read each case and its record one by one: two
statements per case). Statements are counted with sqlite3's trace callback, not timed."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from kvrules.web.cases import adjudication_page
from tests.web.web_helpers import MATCH, event, finding


def _verdicts_on(db: Path, cases: int) -> None:
    """``cases`` cases, each with one verdict on its partner's list match."""
    with Store.open(db) as store:
        for n in range(cases):
            record_id = f"q-{n}"
            store.record_subject(event(record_id, f"Partner {n}", "CN", with_match=True))
            store.record_findings([finding(record_id)], {})
            case = store.case_for("pure", record_id)
            assert case is not None
            store.adjudicate_match(
                list_id=MATCH["list"],
                entry=MATCH["entry"],
                org_name=f"Partner {n}",
                country="CN",
                verdict="not-same",
                reason="a different organisation",
                actor="adviser",
                case_id=case.id,
            )


def _statements(db: Path) -> tuple[int, dict]:
    statements: list[str] = []
    with Store.open(db) as store:
        store._db.conn.set_trace_callback(statements.append)
        try:
            page = adjudication_page(store)
        finally:
            store._db.conn.set_trace_callback(None)
    return len(statements), page


def test_the_adjudications_page_reads_a_fixed_number_of_statements(tmp_path: Path) -> None:
    few, many = tmp_path / "few.db", tmp_path / "many.db"
    _verdicts_on(few, 3)
    _verdicts_on(many, 60)
    read_few, _ = _statements(few)
    read_many, page_many = _statements(many)
    assert read_many == read_few
    assert len(page_many["items"]) == 60
    # every verdict still shows its entry as the list spells it (from the case's record)
    assert page_many["listed"] == {(MATCH["list"], MATCH["entry"]): MATCH["name"]}
