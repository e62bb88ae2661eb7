"""A write-back set aside because its plugin broke the contract waits for the administrator:
``kvrules writebacks`` lists it with the error, ``--requeue ID`` (audited) gives it back to
the next scan once the plugin is fixed. Before, only a later evaluation of the same record
requeued it. A requeued write that had reached the RIS is not made twice.

Real parts: the file adapter writing its tags CSV, the engine, a SQLite store, the command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import Evaluator, load_rulebook
from kvrules.cli import cli
from kvrules.pipeline import Scanner
from kvrules.store import Store
from tests.conftest import project_exports, rule_yaml


@pytest.fixture
def scan(tmp_path: Path, write_rulebook):
    """scan(adapter) -> ScanReport, with a rule that fires on every project, on one store."""
    book = load_rulebook(
        write_rulebook(rule_yaml("any", "project.title exists", on="project.created"))
    )

    def run(adapter):
        with Store.open(tmp_path / "s.db") as store, Evaluator([book]) as evaluator:
            return Scanner(store, "file", adapter, evaluator, None, apply=True).scan()

    return run


def _writebacks(db: Path, *args: str):
    return CliRunner().invoke(cli, ["writebacks", "--db", str(db), *args])


def test_a_set_aside_write_back_is_listed_and_requeued_once_the_plugin_is_fixed(
    tmp_path: Path, scan
) -> None:
    from kvrules_file import FileAdapter, FileConfig

    class OnceBroken(FileAdapter):
        """Writes the tags, then (while broken) returns garbage instead of the TagWrite."""

        broken = True
        writes = 0

        def write_tags(self, record_id, tags, *, dry_run=True, written=None):  # type: ignore[override]
            result = super().write_tags(record_id, tags, dry_run=dry_run, written=written)
            OnceBroken.writes += result.written
            return "done" if self.broken else result

    adapter = OnceBroken(FileConfig(path=project_exports(tmp_path, ["P1"])))
    assert scan(adapter).plugin_errors  # set aside: the tags reached the file nonetheless
    assert OnceBroken.writes == 1
    db = tmp_path / "s.db"

    listed = _writebacks(db, "--status", "set-aside", "--json")
    assert listed.exit_code == 0, listed.output
    (row,) = map(json.loads, listed.stdout.splitlines())
    assert (row["record"], row["status"]) == ("P1", "set aside")
    assert "write_tags returned str, expected TagWrite" in row["last_error"]
    table = _writebacks(db)
    assert table.exit_code == 0 and "set aside" in table.stdout and "P1" in table.stdout

    OnceBroken.broken = False  # the plugin is fixed
    assert scan(adapter).tags_planned == 0  # the record did not change: nothing requeues it

    requeued = _writebacks(db, "--requeue", str(row["id"]))
    assert requeued.exit_code == 0, requeued.output
    assert "requeued 1 write-back" in requeued.stdout
    with Store.open(db) as store:
        (entry,) = [e for e in store.audit_entries() if e.action == "writeback.requeued"]
    assert entry.subject == "record:file/P1" and entry.actor.startswith("cli")

    after = scan(adapter)
    assert after.tags_planned == 1 and after.plugin_errors == []
    assert OnceBroken.writes == 1  # the tags were there already: not written a second time
    (done,) = map(json.loads, _writebacks(db, "--json").stdout.splitlines())
    assert done["status"] == "done"

    again = _writebacks(db, "--requeue", str(row["id"]))  # only a set-aside row is requeued
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        f"Error: write-back {row['id']} is not set aside (kvrules writebacks --status "
        "set-aside lists those)"
    ]
