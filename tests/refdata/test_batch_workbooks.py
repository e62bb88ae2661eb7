"""`kvrules match --file` reads an Excel workbook (.xlsx) as grant offices keep their partner
lists (reviewer, 2026-12-07: a workbook was refused with "save it as CSV"; openpyxl was
already a dependency): the sheet open when it was saved, rows numbered as Excel shows them,
the other sheets named; a zip that is no workbook is still refused in one line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from kvrules.cli import cli


def match(path: Path, *args: str):
    return CliRunner().invoke(cli, ["match", "--file", str(path), *args])


def _workbook(path: Path) -> Path:
    book = Workbook()
    other = book.active
    other.title = "Call 2025"
    other.append(["name", "country"])
    other.append(["Tsinghua University", "CN"])
    sheet = book.create_sheet("Call 2026")
    sheet.append(["Partner organisation", "Land", "Amount"])
    sheet.append(["Beihang University", "CN", 250000.0])
    sheet.append([None, None, None])  # an empty row inside the table
    sheet.append(["Example Nowhere University", "FR", 1234.5])
    book.active = book.worksheets.index(sheet)  # open when saved
    book.save(path)
    return path


def test_the_open_sheet_of_a_workbook_is_read_with_excel_row_numbers(tmp_path: Path) -> None:
    result = match(_workbook(tmp_path / "partners.xlsx"))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["row"], r["input"]["Partner organisation"]) for r in rows] == [
        (2, "Beihang University"),
        (4, "Example Nowhere University"),
    ]
    assert rows[0]["matches"][0]["list"] == "us_dod_1286"
    assert rows[0]["input"]["Amount"] == "250000"  # as the sheet shows it, not 250000.0
    said = " ".join(result.stderr.split())
    assert "sheet 'Call 2026' of the workbook read" in said
    assert "not read: 'Call 2025'" in said
    assert "column 'Land' read as the country" in said


def test_a_zip_that_is_no_workbook_is_one_line(tmp_path: Path) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("notes.txt", "Beihang University,CN\n")
    path = tmp_path / "partners.zip"
    path.write_bytes(packed.getvalue())
    result = match(path)
    assert result.exit_code != 0
    assert "a zip file, not an Excel workbook (.xlsx)" in result.output
    assert "Traceback" not in result.output


def test_a_damaged_workbook_is_one_line(tmp_path: Path) -> None:
    whole = _workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    result = match(path)
    assert result.exit_code != 0
    assert "save the sheet as 'CSV UTF-8'" in result.output
    assert "Traceback" not in result.output


def test_sheet_names_the_sheet_read(tmp_path: Path) -> None:
    """Left from the last session: only the sheet open when the workbook was saved was read;
    the other call's partners meant opening Excel, changing tabs and saving again."""
    book = _workbook(tmp_path / "partners.xlsx")
    result = match(book, "--sheet", "Call 2025")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["row"], r["input"]["name"]) for r in rows] == [(2, "Tsinghua University")]
    said = " ".join(result.stderr.split())
    assert "sheet 'Call 2025' of the workbook read (the one named)" in said
    assert "not read: 'Call 2026'" in said
    # as Excel's tabs are named: case does not matter
    assert match(book, "--sheet", "call 2025").stdout == result.stdout


def test_a_sheet_that_is_not_there_is_one_line_naming_those_there_are(tmp_path: Path) -> None:
    result = match(_workbook(tmp_path / "partners.xlsx"), "--sheet", "Call 2027")
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path / 'partners.xlsx'}: no sheet 'Call 2027' in the workbook; its "
        "sheets: 'Call 2025', 'Call 2026'"
    ], result.output
    assert result.stdout == ""  # nothing matched, nothing half written


def test_sheet_with_a_csv_or_without_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    csv_file = tmp_path / "partners.csv"
    csv_file.write_text("name,country\nBeihang University,CN\n", encoding="utf-8")
    result = match(csv_file, "--sheet", "Call 2026")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "not an Excel workbook (.xlsx), so it has no sheet 'Call 2026'" in result.output
    alone = CliRunner().invoke(cli, ["match", "Beihang University", "--sheet", "Call 2026"])
    assert alone.exit_code == 2 and "--sheet goes with --file FILE" in alone.output
