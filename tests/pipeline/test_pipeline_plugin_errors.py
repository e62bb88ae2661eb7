"""A plugin's hook that raises or returns the wrong type is named in one line (plugin and hook)
where it happens, and treated as what it is: a fetch that yields a wrong item quarantines that
item, a write-back whose hook returns garbage is set aside once (not retried as if transient).

Real parts throughout: the file adapter on real export files, the engine, a SQLite store.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kvrules import Evaluator, FetchedRecord, TagWrite, load_rulebook
from kvrules.contract import PluginError
from kvrules.pipeline import Scanner
from kvrules.store import Store
from tests.conftest import project_exports, rule_yaml


def exports(tmp_path: Path, *ids: str) -> Path:
    return project_exports(tmp_path, ids)


@pytest.fixture
def scan(tmp_path: Path, write_rulebook):
    """scan(adapter) -> ScanReport, with a rule that fires on every project, on one store."""
    book = load_rulebook(
        write_rulebook(rule_yaml("any", "project.title exists", on="project.created"))
    )

    def run(adapter, **options):
        with Store.open(tmp_path / "s.db") as store, Evaluator([book]) as evaluator:
            return Scanner(store, "file", adapter, evaluator, None, **options).scan()

    return run


def test_a_write_back_hook_returning_garbage_is_a_plugin_error_recorded_once(
    tmp_path: Path, scan
) -> None:
    from kvrules_file import FileAdapter, FileConfig

    class Garbage(FileAdapter):
        def write_tags(self, record_id, tags, *, dry_run=True, written=None):  # type: ignore[override]
            return "done"

    adapter = Garbage(FileConfig(path=exports(tmp_path, "P1")))
    first = scan(adapter, apply=True)
    assert first.plugin_errors == [
        "plugin 'file': write_tags returned str, expected TagWrite (write-back of P1 set aside)"
    ]
    assert first.writeback_errors == 0  # not counted among the transient ones that retry
    with Store.open(tmp_path / "s.db") as store:
        assert store.due_writebacks(source="file") == []  # set aside, not waiting for a retry
    again = scan(adapter, apply=True)
    assert again.plugin_errors == [] and again.writeback_errors == 0  # not retried for ever


def test_fetch_yielding_a_dict_quarantines_it_naming_the_plugin(tmp_path: Path, scan) -> None:
    from kvrules_file import FileAdapter, FileConfig

    class YieldsDict(FileAdapter):
        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            yield {"record_id": "P0", "title": "not a record"}  # type: ignore[misc]
            yield from super().fetch(cursor)

    report = scan(YieldsDict(FileConfig(path=exports(tmp_path, "P1"))))
    assert report.quarantined == 1 and report.events == 1  # P1 still read and evaluated
    with Store.open(tmp_path / "s.db") as store:
        [held] = store.quarantined("file")
    assert (held.record_id, held.reason) == (
        "P0",
        "plugin 'file': fetch yielded dict, expected FetchedRecord",
    )


def test_fetch_raising_names_the_plugin_and_keeps_what_was_read(tmp_path: Path, scan) -> None:
    from kvrules_file import FileAdapter, FileConfig

    class Raises(FileAdapter):
        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            for record in super().fetch(cursor):
                yield record
                if record.events:
                    raise ZeroDivisionError("boom in fetch")

    with pytest.raises(PluginError) as raised:
        scan(Raises(FileConfig(path=exports(tmp_path, "P1", "P2"))))
    assert str(raised.value) == "plugin 'file': fetch raised ZeroDivisionError: boom in fetch"
    with Store.open(tmp_path / "s.db") as store:
        assert len(store.cases()) == 1  # the record read before the failure is kept


def test_a_write_back_that_fails_on_the_way_is_still_retried(tmp_path: Path, scan) -> None:
    """A hook that raises (the RIS is down, the record is locked) may succeed later."""
    from kvrules_file import FileAdapter, FileConfig

    class Down(FileAdapter):
        def write_tags(self, record_id, tags, *, dry_run=True, written=None) -> TagWrite:  # type: ignore[override]
            raise ConnectionError("RIS down")

    report = scan(Down(FileConfig(path=exports(tmp_path, "P1"))), apply=True)
    assert report.writeback_errors == 1 and report.plugin_errors == []


def test_a_write_back_hook_raising_an_error_of_its_own_is_named(tmp_path: Path, scan) -> None:
    from kvrules_file import FileAdapter, FileConfig

    class Buggy(FileAdapter):
        def write_tags(self, record_id, tags, *, dry_run=True, written=None) -> TagWrite:  # type: ignore[override]
            return {}["P1"]

    report = scan(Buggy(FileConfig(path=exports(tmp_path, "P1"))), apply=True)
    assert report.writeback_errors == 1  # retried: it may be the record, not the plugin
    with Store.open(tmp_path / "s.db") as store:
        [row] = store.due_writebacks(store.clock() + timedelta(days=1), source="file")
    assert row.last_error == "plugin 'file': write_tags raised KeyError: 'P1'"
