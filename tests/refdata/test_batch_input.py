"""kvrules match with bad input (issue #16 item 5): one clear line, never a traceback; a bad
row gets a result naming it, the run goes on and ends non-zero with a count."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, ["match", *args], input=stdin)


def rows_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_a_usage_error(name: str) -> None:
    result = run(name)
    assert result.exit_code == 2
    assert "NAME is empty" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_delimiter_is_read_from_the_header(tmp_path: Path, delimiter: str) -> None:
    names = tmp_path / "partners.csv"
    names.write_text(
        delimiter.join(["Name", "country", "owner"])
        + "\n"
        + delimiter.join(["Beihang University", "CN", "grant office"])
        + "\n"
    )
    result = run("--file", str(names))
    assert result.exit_code == 0, result.output
    [row] = rows_of(result.stdout)
    assert row["input"] == {"Name": "Beihang University", "country": "CN", "owner": "grant office"}
    assert row["query"] == "Beihang University"
    assert row["matches"][0]["list"] == "us_dod_1286"


def test_an_excel_csv_with_a_bom_and_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    names = tmp_path / "excel.csv"
    names.write_bytes(
        b"\xef\xbb\xbfname;country\r\n"
        b"Beihang University;CN\r\n"
        b"Technische Universit\xe4t M\xfcnchen;DE\r\n"  # Windows-1252, as Excel writes it
    )
    result = run("--file", str(names))
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert rows[0]["matches"][0]["list"] == "us_dod_1286"
    assert rows[1]["input"]["name"] == "Technische Universität München"
    assert "error" not in rows[1]
    assert f"{names}: line 3: not UTF-8, read as Windows-1252" in result.stderr


@pytest.mark.parametrize(
    "head",
    [b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n\x00"],
)
def test_a_binary_file_is_one_line_naming_the_file(tmp_path: Path, head: bytes) -> None:
    book = tmp_path / "partners.xlsx"
    book.write_bytes(head + bytes(range(256)) * 40)
    result = run("--file", str(book))
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    said = (  # a zip is tried as a workbook (.xlsx), which this one is not
        "a damaged zip file or workbook: save the sheet as 'CSV UTF-8'"
        if head.startswith(b"PK")
        else "binary data, not CSV or JSON lines"
    )
    assert line.startswith(f"Error: {book}: {said}")
    assert "\x00" not in line and "PK\x03" not in line and "\ufffd" not in line


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excels_unicode_text_is_read(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode Text" is UTF-16 with a byte-order mark, tab-separated, CRLF; it used
    to be refused. Either byte order; names in any script come through."""
    text = (
        "name\tcountry\r\n"
        "Beihang University\tCN\r\n"
        "哈尔滨工程大学\tCN\r\n"
        "Московский физико-технический институт\tRU\r\n"
    )
    names = tmp_path / "unicode.txt"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    names.write_bytes(bom + text.encode(encoding))
    result = run("--file", str(names))
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert [r["input"] for r in rows] == [
        {"name": "Beihang University", "country": "CN"},
        {"name": "哈尔滨工程大学", "country": "CN"},
        {"name": "Московский физико-технический институт", "country": "RU"},
    ]
    assert rows[0]["matches"][0]["list"] == "us_dod_1286"
    assert "not UTF-8" not in result.stderr
    as_csv = run("--file", str(names), "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout_bytes.startswith(codecs.BOM_UTF8)  # for Excel to read it back


@pytest.mark.parametrize("order", ["le", "be"])
def test_one_bad_character_in_utf16_is_one_bad_row(tmp_path: Path, order: str) -> None:
    """A lone surrogate in row 401 of a UTF-16 file used to raise from the middle of the file
    (exit 70, "a bug in kvrules") and lose every row: now that row is named, the rest matched."""
    encoding = f"utf-16-{order}"
    bom = codecs.BOM_UTF16_LE if order == "le" else codecs.BOM_UTF16_BE
    lone = b"\x00\xd8" if order == "le" else b"\xd8\x00"  # a high surrogate with no low one
    rows = [f"Org {i} University\tCN\r\n".encode(encoding) for i in range(600)]
    rows[400] = "Bei".encode(encoding) + lone + "hang University\tCN\r\n".encode(encoding)
    rows[599] = "Beihang University\tCN\r\n".encode(encoding)
    names = tmp_path / "unicode.txt"
    names.write_bytes(bom + "name\tcountry\r\n".encode(encoding) + b"".join(rows))
    result = run("--file", str(names))
    assert result.exit_code == 2, result.output
    out = rows_of(result.stdout)
    assert len(out) == 600
    bad = [r for r in out if "error" in r]
    assert [r["line"] for r in bad] == [402]  # the header is line 1
    assert bad[0]["error"].startswith("not UTF-16: a character cannot be read")
    assert out[-1]["input"] == {"name": "Beihang University", "country": "CN"}
    assert out[-1]["matches"][0]["list"] == "us_dod_1286"
    assert "internal error" not in result.output


def test_bad_json_lines_are_named_and_counted_at_the_end() -> None:
    lines = [
        b"[1, 2]",
        b'"Beihang University"',
        b'{"nmae": "Beihang University"}',
        b'{"name": "Beihang University", "country": "CN"}',
        b"not json",
    ]
    result = run("--file", "-", stdin=b"\n".join(lines) + b"\n")
    assert result.exit_code == 2
    errors = {r["line"]: r.get("error") for r in rows_of(result.stdout)}
    assert errors == {
        1: "not a JSON object (an array)",
        2: "not a JSON object (a string)",
        3: "no 'name' (keys: nmae)",
        4: None,
        5: errors[5],
    }
    assert errors[5].startswith("not JSON: ")
    assert result.stderr.splitlines()[-1] == "-: 4 of 5 rows could not be matched (named above)"


def test_a_huge_line_is_one_bad_row_and_the_run_goes_on() -> None:
    huge = b'{"name": "' + b"A" * 10_000_000 + b'"}'
    stdin = b'{"name": "Beihang University"}\n' + huge + b'\n{"name": "Beihang University"}\n'
    result = run("--file", "-", stdin=stdin)
    assert result.exit_code == 2
    rows = rows_of(result.stdout)
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[1]["error"] == "line of 10,000,012 bytes (at most 1,048,576)"
    assert rows[2]["matches"] and "error" not in rows[2]
    assert "-: line 2: line of 10,000,012 bytes" in result.stderr


def test_a_missing_name_column_names_the_columns_found(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("amount;country\nX;NL\n")  # "organisation" is read as the name now
    result = run("--file", str(names))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {names}: the CSV needs a 'name' column (found: amount, country): rename the "
        "column of organisation names to name"
    )


def test_an_empty_file_says_so(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_bytes(b"\n")
    result = run("--file", str(names))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {names}: no rows: the file is empty"


def test_a_file_of_one_column_is_read_a_whole_line_per_name(tmp_path: Path) -> None:
    """Excel in a semicolon locale writes a one-column list without quoting its commas: each
    line is the name (a reviewer's 741 of 1,000 real affiliation strings were cut at a comma)."""
    names = tmp_path / "one.csv"
    names.write_bytes(
        b"name\r\nDept. of Automation, Tsinghua Univ.\r\n"
        b'Harbin Inst. of Tech., School of Astronautics\r\n"Quoted, as written"\r\n'
    )
    result = run("--file", str(names))
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert [r["input"]["name"] for r in rows] == [
        "Dept. of Automation, Tsinghua Univ.",
        "Harbin Inst. of Tech., School of Astronautics",
        "Quoted, as written",
    ]
    assert [r.get("error") for r in rows] == [None, None, None]
    assert rows[1]["matches"][0]["name"] == "Harbin Institute of Technology"


@pytest.mark.parametrize("out_format", ["csv", "jsonl"])
def test_a_file_of_a_header_alone_writes_nothing(tmp_path: Path, out_format: str) -> None:
    """A header and no rows is refused in one line, with no header printed before it and no
    file of a header alone left behind (a reviewer's defect)."""
    names, out = tmp_path / "header-only.csv", tmp_path / "out"
    names.write_text("name,country\n")
    result = run("--file", str(names), "--format", out_format, "--output", str(out))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {names}: no rows"
    assert not out.exists()
    result = run("--file", str(names), "--format", out_format)
    assert result.stdout.strip() == "" and result.exit_code == 1


@pytest.mark.parametrize("order", ["le", "be"])
@pytest.mark.parametrize("line_break", [True, False])
def test_an_odd_trailing_byte_in_utf16_is_said_and_no_row_is_lost(
    tmp_path: Path, order: str, line_break: bool
) -> None:
    """A UTF-16 file cut one byte short of a character (an odd number of bytes) lost that byte
    without a word: the decoder kept it for a next read that never came. Now one line names
    where it is, and every row is matched, the last one included."""
    encoding = f"utf-16-{order}"
    bom = codecs.BOM_UTF16_LE if order == "le" else codecs.BOM_UTF16_BE
    text = "name\tcountry\r\nTsinghua University\tCN\r\nBeihang University\tCN"
    names = tmp_path / "unicode.txt"
    names.write_bytes(bom + (text + "\r\n" * line_break).encode(encoding) + b"\x00")
    result = run("--file", str(names))
    assert result.exit_code == 0, result.output
    out = rows_of(result.stdout)
    assert [r["input"]["name"] for r in out] == ["Tsinghua University", "Beihang University"]
    assert out[-1]["matches"][0]["list"] == "us_dod_1286"
    said = [line for line in result.stderr.splitlines() if "UTF-16 character" in line]
    where = (
        "line 4: the file ends with 1 byte that is not a whole UTF-16 character (cut short?): "
        "on a line of its own, not read (no row is lost)"
        if line_break
        else "line 3: the file ends with 1 byte that is not a whole UTF-16 character (cut "
        "short?): the row is read without it"
    )
    assert said == [f"{names}: {where}; save it as 'CSV UTF-8' or JSON lines"], result.stderr


def test_a_line_nested_too_deep_is_one_bad_row_not_an_internal_error() -> None:
    """Security review 2026-12-07, item 7: 100,000 '[' on a line was RecursionError, exit 70."""
    stdin = b"[" * 100_000 + b'\n{"name": "Beihang University"}\n'
    result = run("--file", "-", stdin=stdin)
    assert result.exit_code == 2, result.output
    rows = rows_of(result.stdout)
    assert (
        rows[0]["error"] == "not JSON: nested more than 64 levels deep: line 1 column 65 (char 64)"
    )
    assert rows[1]["matches"] and "error" not in rows[1]
