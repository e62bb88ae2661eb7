"""A risk tag kvrules deliberately did not write (someone set another value by hand) reads as
"left", in `kvrules writebacks` and on the case page; it was listed as "done ks:high" (a
reviewer's Converis round)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.adapter import not_ours
from kvrules.cli import cli
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login


def _left_by_hand(db: Path, record_id: str, wanted: str, by_hand: str) -> None:
    with Store.open(db) as store:
        row = store.enqueue_writeback("pure", record_id, [wanted])
        reason = not_ours([by_hand], [wanted], None)
        assert reason is not None
        store.mark_writeback_done(
            row, [wanted], dry_run=False, before=[by_hand], wrote=False, skipped=reason
        )


def test_writebacks_lists_a_tag_left_as_someone_set_it_as_left_not_done(db: Path) -> None:
    _left_by_hand(db, "p-1", "ks:high", "ks:low")
    with Store.open(db) as store:
        written = store.enqueue_writeback("pure", "p-2", ["ks:medium"])
        store.mark_writeback_done(written, ["ks:medium"], dry_run=False, before=[], wrote=True)
    result = CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["writebacks", "--db", str(db)])
    assert result.exit_code == 0, result.output
    left = next(line for line in result.output.splitlines() if "p-1" in line)
    assert "left" in left and "done" not in left, result.output
    assert "left: holds ks:low, set by someone else (not kvrules)" in result.output
    assert "done" in next(line for line in result.output.splitlines() if "p-2" in line)
    as_json = CliRunner().invoke(cli, ["writebacks", "--db", str(db), "--json"])
    assert '"status": "left"' in as_json.output and '"status": "done"' in as_json.output


def test_the_case_page_says_the_tag_was_left_and_why(db: Path) -> None:
    _left_by_hand(db, "p-1", "ks:high", "ks:low")
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    assert "left: holds ks:low, set by someone else (not kvrules)" in page
    assert "never overwrites what a person set" in page
    other = client.get(f"/cases/{case_id(db, 'p-2')}").text
    assert 'id="tags-left"' not in other
