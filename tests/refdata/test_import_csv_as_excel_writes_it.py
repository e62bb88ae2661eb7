"""`kvrules refdata import csv` reads a spreadsheet's CSV as `match --file` does (one reader,
kvrules.refdata.batch.read_text): Excel's Windows-1252 "CSV" (said once, with the lines), a
semicolon-separated file with a byte-order mark (Excel in a Dutch or German locale), UTF-16;
a workbook is refused in one line naming the file — never "'utf-8' codec can't decode"."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.refdata.store import Store


def _import(runner, tmp_path: Path, data: bytes, name: str = "own.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    args = ["refdata", "import", "csv", str(path), "--list-id", "uni2_watch", "--edition", "1"]
    return path, runner.invoke(cli, [*args, "--refdata", str(tmp_path / "refdata.db")])


def _names(tmp_path: Path) -> list[str]:
    with Store(tmp_path / "refdata.db") as store:
        return sorted(e.name for e in store.entries("uni2_watch"))


GERMAN = "entry_id,name,country\r\nx1,Technische Universität Grünwald,DE\r\nx2,Ècole Süd,FR\r\n"


def test_a_windows_1252_csv_is_read_and_said(runner, tmp_path, caplog):
    path, result = _import(runner, tmp_path, GERMAN.encode("cp1252"))
    assert result.exit_code == 0, result.output
    # a warning on stderr (logging's, as the loader's deprecation warnings)
    assert f"{path}: line 2 and 1 more line: not UTF-8, read as Windows-1252" in caplog.text
    assert _names(tmp_path) == ["Technische Universität Grünwald", "Ècole Süd"]


def test_a_semicolon_csv_with_a_byte_order_mark_is_read(runner, tmp_path):
    text = "\ufeffentry_id;name;country;reason\nx1;Université de Lyon-Sud;FR;review, pending\n"
    _path, result = _import(runner, tmp_path, text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert _names(tmp_path) == ["Université de Lyon-Sud"]


def test_a_utf16_csv_is_read(runner, tmp_path):
    _path, result = _import(runner, tmp_path, GERMAN.replace(",", "\t").encode("utf-16"))
    assert result.exit_code == 0, result.output
    assert _names(tmp_path) == ["Technische Universität Grünwald", "Ècole Süd"]


def test_a_workbook_is_refused_in_one_line(runner, tmp_path):
    book = tmp_path / "made.zip"
    with zipfile.ZipFile(book, "w") as z:  # a workbook is a zip of XML parts
        z.writestr("[Content_Types].xml", "<Types/>")
    path, result = _import(runner, tmp_path, book.read_bytes(), "own.xlsx")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: binary data, not CSV or JSON lines (an Excel workbook or "
        "another zip file?); save it as 'CSV UTF-8' or JSON lines\n"
    )


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_missing_name_column_is_still_said(runner, tmp_path, separator):
    _path, result = _import(
        runner, tmp_path, f"entry_id{separator}land\nx1{separator}DE\n".encode()
    )
    assert result.exit_code == 1
    assert "missing column(s): name" in result.output
