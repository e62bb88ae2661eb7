"""kvrules match --file: the defects a reviewer found (issue #16 item 3), each pinned down."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.refdata.terminal import on_a_terminal


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, ["match", *args], input=stdin)


def rows_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_results_go_to_stdout_when_it_is_a_file_and_the_bar_to_the_terminal(
    tmp_path: Path,
) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,owner\n" + "Beihang University,HR\n" * 3000)
    command = [sys.executable, "-c", "from kvrules.cli import main; main()", "match", "--file"]
    out = tmp_path / "out.csv"
    code, shown = on_a_terminal([*command, str(names), "--format", "csv"], out)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 3000 and rows[0]["owner"] == "HR"
    assert rows[0]["match_list"] == "us_dod_1286"
    assert "━" in shown  # the bar, on the terminal
    assert "Beihang University" not in shown  # and none of the rows


def test_an_unclosed_quote_is_named_and_the_lines_after_it_are_read_as_rows() -> None:
    result = run("--file", "-", stdin=b'name\n"Tsinghua University\nPeking University\n')
    assert result.exit_code == 2
    first, second = rows_of(result.stdout)
    assert first["error"].startswith("a quoted cell opened on this line is never closed")
    assert first["raw"] == '"Tsinghua University'  # what the line held, to fix it
    assert second["query"] == "Peking University" and second["matches"]
    assert "-: row 2: a quoted cell opened on this line is never closed" in result.stderr


def test_a_quote_closed_many_lines_later_is_a_runaway_cell(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    lines = ['"Tsinghua University', *["Peking University"] * 30, '"Beihang University"']
    names.write_text("name\n" + "\n".join(lines) + "\nBeihang University\n")
    result = run("--file", str(names))
    assert result.exit_code == 2
    rows = rows_of(result.stdout)
    assert rows[0]["error"].startswith("a quoted cell opened on this line runs over 32 lines")
    assert [r["query"] for r in rows[1:31]] == ["Peking University"] * 30
    assert rows[-1]["query"] == "Beihang University" and len(rows) == 33


def test_a_quoted_cell_may_hold_a_line_break() -> None:
    stdin = b'name,address\n"Tsinghua University","Haidian\nBeijing"\nPeking University,x\n'
    result = run("--file", "-", stdin=stdin)
    assert result.exit_code == 0, result.output
    first, second = rows_of(result.stdout)
    assert first["input"]["address"] == "Haidian\nBeijing" and first["matches"]
    assert second["query"] == "Peking University"


def test_rows_are_named_by_the_line_a_spreadsheet_shows(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text(
        "name,address\n"  # line 1, the header
        'Beihang University,"Haidian\nBeijing"\n'  # lines 2-3: one row
        "\n"  # line 4: blank
        ",nowhere\n"  # line 5: no name
    )
    result = run("--file", str(names))
    assert result.exit_code == 2
    assert [r["line"] for r in rows_of(result.stdout)] == [2, 5]
    # as the spreadsheet numbers rows: the quoted line break is inside row 2, the blank is 3
    assert [r["row"] for r in rows_of(result.stdout)] == [2, 4]
    assert f"{names}: row 4: name: empty" in result.stderr
    jsonl = run("--file", "-", stdin=b'{"name": "Beihang University"}\n\n{"name": ""}\n')
    assert [r["line"] for r in rows_of(jsonl.stdout)] == [1, 3]
    assert "-: line 3: name: empty" in jsonl.stderr


def test_a_column_named_twice_is_one_clear_line() -> None:
    result = run("--file", "-", "--format", "csv", stdin=b"name,name\nA University,B\n")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: -: the CSV has 2 columns named 'name' (columns 1 and 2): "
        "rename one so no cell is lost"
    )
    other = run("--file", "-", stdin=b"Name;owner;NAME;owner\nA;b;c;d\n")
    assert "2 columns named 'Name' (columns 1 and 3)" in other.output
    assert other.exit_code == 1


def test_windows_1252_is_said_once_per_file(tmp_path: Path) -> None:
    names = tmp_path / "excel.csv"
    names.write_bytes(
        b"name;country\r\n"
        b"Beihang University;CN\r\n"
        + b"Technische Universit\xe4t M\xfcnchen;DE\r\n" * 3  # lines 3-5, Windows-1252
        + b"Universit\xe9 Paris-Saclay;FR\r\n"  # line 6
    )
    result = run("--file", str(names))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{names}: line 3 and 3 more lines: not UTF-8, read as Windows-1252 "
        "(if a name reads wrong, save it as 'CSV UTF-8' or JSON lines)"
    ]
    assert rows_of(result.stdout)[4]["input"]["name"] == "Université Paris-Saclay"


def test_a_json_line_that_is_not_an_object_keeps_its_text() -> None:
    result = run("--file", "-", stdin=b'{"name": "Beihang University"}\n[1, 2]\nnot json\n')
    assert result.exit_code == 2
    _, array, text = rows_of(result.stdout)
    assert array["raw"] == "[1, 2]" and array["error"] == "not a JSON object (an array)"
    assert text["raw"] == "not json"


def test_csv_output_writes_nested_values_as_json() -> None:
    stdin = b'{"name": "Beihang University", "tags": [1, {"a": 2}], "ok": true, "n": null}\n'
    result = run("--file", "-", "--format", "csv", stdin=stdin)
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["tags"] == '[1, {"a": 2}]' and row["ok"] == "true" and row["n"] == ""


def test_csv_output_guards_cells_a_spreadsheet_would_run_as_formulas() -> None:
    stdin = b'name,owner,note\n=HYPERLINK("http://x"),+1,@SUM(A1)\n-2,\tx,plain\n'
    result = run("--file", "-", "--format", "csv", stdin=stdin)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")' and rows[0]["owner"] == "'+1"
    assert rows[0]["note"] == "'@SUM(A1)" and rows[1]["name"] == "'-2"
    assert rows[1]["owner"] == "'\tx" and rows[1]["note"] == "plain"
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_csv_output_keeps_the_delimiter_and_the_byte_order_mark_excel_wrote(
    tmp_path: Path,
) -> None:
    names = tmp_path / "excel.csv"
    names.write_bytes("\ufeffname;owner\r\nBeihang University;HR\r\n".encode())
    result = run("--file", str(names), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfrow;name;owner;match_list;")
    [row] = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    assert row["owner"] == "HR" and row["match_list"] == "us_dod_1286"
    plain = run("--file", "-", "--format", "csv", stdin=b"name,owner\nBeihang University,HR\n")
    assert plain.stdout_bytes.startswith(b"row,name,owner,match_list,")
    one_column = run("--file", "-", "--format", "csv", stdin=b"name\nBeihang University\n")
    assert one_column.stdout_bytes.startswith(b"row,name,match_list,")


def test_match_prints_each_match_on_one_line_and_its_explanation_once() -> None:
    result = run("Harbin Institue of Technlogy")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    found = json.loads(run("Harbin Institue of Technlogy", "--json").stdout)["matches"]
    assert len(lines) == 2 * len(found) >= 2
    for m, (head, explained) in zip(found, zip(lines[::2], lines[1::2], strict=True), strict=True):
        assert f"{m['list']}@{m['edition']} {m['entry']}  {m['name']}" in head
        assert " via " not in head and "spelling corrected" not in head
        assert explained.strip() == m["explanation"]
        assert 'spelling corrected: "Institue" → "Institute"' in explained


def test_the_csv_explanation_is_the_json_one_and_names_the_kind_of_name() -> None:
    names = b"name,country\nHarbin Institute of Technology,CN\n"
    as_csv = run("--file", "-", "--format", "csv", stdin=names)
    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    [as_json] = rows_of(run("--file", "-", stdin=names).stdout)
    assert row["match_explanation"] == as_json["matches"][0]["explanation"]
    assert row["match_explanation"] == (
        '"Harbin Institute of Technology" → Harbin Institute of Technology '
        "(us_dod_1286; its primary name), exact, 1.00"
    )


def test_a_name_of_control_characters_or_bytes_is_refused_without_echoing_it() -> None:
    noise = bytes(range(1, 32)) + b"\x1b[31mred\x1b]0;title\x07" + bytes(range(128, 256))
    command = [sys.executable, "-c", "from kvrules.cli import main; main()", "match"]
    shown = subprocess.run([*command, noise], capture_output=True, timeout=120)
    assert shown.returncode == 2
    assert b"\x1b" not in shown.stdout + shown.stderr and shown.stdout == b""
    assert shown.stderr.splitlines()[-1] == (
        b"Error: NAME holds control characters or bytes that are not UTF-8: "
        b"give an organisation's name as text"
    )
    for option in ("--country", "--ror"):
        result = run("Beihang University", option, "\x1b[2J")
        assert result.exit_code == 2 and "\x1b" not in result.output, result.output


def test_a_missing_file_is_a_usage_error_as_everywhere_in_the_command_line() -> None:
    result = run("--file", "nope.csv")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--file': 'nope.csv': No such file or directory"
    )


def test_output_writes_the_results_to_a_file(tmp_path: Path) -> None:
    names = tmp_path / "excel.csv"
    names.write_bytes("\ufeffname;owner\r\nBeihang University;HR\r\n".encode())
    out = tmp_path / "out.csv"
    result = run("--file", str(names), "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrow;name;owner;match_list;")
    assert "Beihang University;HR;us_dod_1286;" in out.read_text(encoding="utf-8-sig")
    assert run("Beihang University", "--output", str(out)).exit_code == 2


def test_a_json_line_naming_a_key_twice_is_a_bad_row_that_keeps_its_text() -> None:
    twice = b'{"name": "A University", "name": "Beihang University"}'
    result = run("--file", "-", stdin=twice + b'\n{"name": "Beihang University"}\n')
    assert result.exit_code == 2
    bad, good = rows_of(result.stdout)
    assert bad["error"] == "'name' is given twice: one value would be lost"
    assert bad["raw"] == twice.decode() and good["matches"]
    assert "-: line 1: 'name' is given twice" in result.stderr


def test_cells_under_empty_headers_are_all_kept() -> None:
    result = run("--file", "-", stdin=b"name,,\nBeihang University,first,second\n")
    assert result.exit_code == 0, result.output
    [row] = rows_of(result.stdout)
    assert row["input"] == {"name": "Beihang University", "column 2": "first", "column 3": "second"}


def test_keys_and_columns_are_named_without_the_terminal_escapes_they_hold() -> None:
    keys = run("--file", "-", stdin=b'{"\\u001b]0;pwned\\u0007X": 1}\n')
    assert keys.exit_code == 2
    assert "\x1b" not in keys.stderr and "\x07" not in keys.stderr
    assert "-: line 1: no 'name' (keys: \\x1b]0;pwned\\x07X)" in keys.stderr
    header = run("--file", "-", stdin=b"org\x1b]0;pwned\x07,x\nA,b\n")
    assert header.exit_code == 1 and "\x1b" not in header.output
    assert "(found: org\\x1b]0;pwned\\x07, x)" in header.output
