"""`kvrules writebacks` and `kvrules alerts` name the record as people know it (its title in
the RIS, its case number), not only the source's internal id."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.rulebook.cases import event_from_given
from kvrules.store import Store
from tests.store.store_helpers import make_finding

RECORD = "c6ab544c-9d1e-4b5a-8f3e-2a1d7c0b9e11"
TITLE = "Battery chemistry for grid storage"


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        store.record_subject(
            event_from_given(
                {
                    "kind": "project.created",
                    "source": {"system": "pure", "record_id": RECORD},
                    "project": {"id": RECORD, "title": TITLE},
                }
            )
        )
        store.record_finding(make_finding(record_id=RECORD), channels=["email"])
        store.enqueue_writeback("pure", RECORD, ["ks:review-required"])
    return db


def test_writebacks_name_the_record_and_its_case(tmp_path: Path) -> None:
    db = _store(tmp_path)
    with Store.open(db) as store:
        case = store.case_for("pure", RECORD)
    assert case is not None
    result = CliRunner().invoke(cli, ["writebacks", "--db", str(db), "--json"])
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert (row["title"], row["case"]) == (TITLE, case.id)
    table = CliRunner().invoke(cli, ["writebacks", "--db", str(db)], env={"COLUMNS": "250"}).output
    assert TITLE in table and f"pure → {RECORD}" in table


def test_alerts_carry_the_record_title_the_email_subject_carries(tmp_path: Path) -> None:
    db = _store(tmp_path)
    result = CliRunner().invoke(cli, ["alerts", "--db", str(db), "--json"])
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert (
        row["title"] == f"[high] Partner institution is on the latest Section 1286 list — {TITLE}"
    )
    table = CliRunner().invoke(cli, ["alerts", "--db", str(db)], env={"COLUMNS": "250"}).output
    assert TITLE in table
