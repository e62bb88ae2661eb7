"""Incremental reads by mtime + content hash, and resume within a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from file_adapter_helpers import event, sample_rows, write_csv, write_jsonl
from kvrules_file import FileAdapter, FileConfig
from kvrules_file.state import Cursor

from kvrules.testing import check_pages_to_end, content, last_cursor


def ids(adapter: FileAdapter, cursor: str | None) -> list[str]:
    return [r.record_id for r in content(adapter.fetch(cursor))]


def age(path: Path, seconds: int = 60) -> None:
    """Make a file look written a while ago (not 'racily' fresh)."""
    t = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(t, t))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_csv(tmp_path / "a.csv", sample_rows(3))
    write_jsonl(tmp_path / "b.jsonl", [event("j-1", "J")])
    for p in tmp_path.iterdir():
        age(p)
    return tmp_path


def test_only_changed_files_are_read_again(folder: Path) -> None:
    adapter = FileAdapter(FileConfig(path=folder))
    cursor = last_cursor(check_pages_to_end(adapter))
    assert cursor is not None
    assert ids(adapter, cursor) == []
    write_jsonl(folder / "b.jsonl", [event("j-1", "J"), event("j-2", "K")])
    assert ids(adapter, cursor) == ["j-1", "j-2"]


def test_touched_file_with_same_content_is_not_read_again(folder: Path) -> None:
    adapter = FileAdapter(FileConfig(path=folder))
    cursor = last_cursor(adapter.fetch())
    (folder / "a.csv").touch()
    records = list(adapter.fetch(cursor))
    assert content(records) == []
    # The new mtime is remembered (0 while racy-fresh: the next fetch hashes again).
    assert "a.csv" in Cursor.decode(records[-1].cursor).files


def test_same_size_rewrite_within_the_mtime_tick_is_still_seen(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [event("j-1", "AAAA")])
    stat = path.stat()
    adapter = FileAdapter(FileConfig(path=tmp_path))
    cursor = last_cursor(adapter.fetch())
    write_jsonl(path, [event("j-1", "BBBB")])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime, same size
    (record,) = content(adapter.fetch(cursor))
    assert record.events[0].project.title == "BBBB"  # type: ignore[union-attr]


def test_event_kind_and_ids(folder: Path) -> None:
    adapter = FileAdapter(FileConfig(path=folder))
    first = {r.record_id: r.events[0] for r in content(adapter.fetch())}
    cursor = last_cursor(adapter.fetch())
    rows = sample_rows(3)
    rows[0]["title"] = "Renamed"
    write_csv(folder / "a.csv", rows)
    again = {r.record_id: r.events[0] for r in content(adapter.fetch(cursor))}
    assert first["p-1"].kind == "project.created" and again["p-1"].kind == "project.updated"
    assert again["p-1"].id != first["p-1"].id, "a changed project gets a new event id"
    assert again["p-2"].id == first["p-2"].id, "an unchanged project keeps its event id"


def test_resume_within_a_file_skips_records_already_handed_out(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", sample_rows(7))
    adapter = FileAdapter(FileConfig(path=tmp_path, page_size=3))
    records = list(adapter.fetch())
    cursors = [(i, r.cursor) for i, r in enumerate(records) if r.cursor]
    assert [i for i, _ in cursors] == [2, 5, 7, 8]  # after p-3, p-6, end of file, end
    assert ids(adapter, cursors[0][1]) == ["p-4", "p-5", "p-6", "p-7"]
    write_csv(tmp_path / "a.csv", sample_rows(8))  # changed since: read the file again
    assert len(ids(adapter, cursors[0][1])) == 8


def test_removed_file_is_dropped_from_the_cursor(folder: Path) -> None:
    adapter = FileAdapter(FileConfig(path=folder))
    cursor = last_cursor(adapter.fetch())
    (folder / "b.jsonl").unlink()
    final = last_cursor(adapter.fetch(cursor))
    assert set(Cursor.decode(final).files) == {"a.csv"}


def test_project_in_two_files_is_quarantined_the_second_time(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", sample_rows(1))
    write_csv(tmp_path / "b.csv", sample_rows(1))
    found = content(FileAdapter(FileConfig(path=tmp_path)).fetch())
    assert [r.record_id for r in found] == ["p-1", "b.csv:p-1"]
    assert found[1].error == f"{tmp_path / 'b.csv'}: record 'p-1' is also in a.csv"


def test_foreign_cursor_and_missing_export_raise(tmp_path: Path) -> None:
    adapter = FileAdapter(FileConfig(path=tmp_path / "gone"))
    with pytest.raises(ValueError, match="not a file-adapter cursor"):
        list(adapter.fetch('{"pure": 1}'))
    with pytest.raises(FileNotFoundError):
        list(adapter.fetch())
