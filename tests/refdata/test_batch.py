"""kvrules match --file: a spreadsheet of names in one run; a bad row never stops it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.refdata.terminal import on_a_terminal


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, ["match", *args], input=stdin)


def test_csv_in_csv_out_keeps_the_input_columns(tmp_path: Path) -> None:
    names = tmp_path / "partners.csv"
    names.write_text(
        "name,country,owner\n"
        "Harbin Institute of Technology,CN,grant office\n"
        '"University of California, Berkeley",US,HR\n'
    )
    result = run("--file", str(names), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["owner"] for r in rows] == ["grant office", "HR"]
    assert rows[0]["match_list"] == "us_dod_1286" and rows[0]["match_method"] == "exact"
    assert rows[1]["matches"] == "0" and rows[1]["match_list"] == ""
    assert rows[0]["match_explanation"] == (
        '"Harbin Institute of Technology" → Harbin Institute of Technology '
        "(us_dod_1286; its primary name), exact, 1.00"
    )


def test_json_lines_from_stdin_give_the_fields_of_match_json() -> None:
    single = json.loads(run("Beihang University", "--country", "CN", "--json").stdout)
    result = run("--file", "-", stdin=b'{"name": "Beihang University", "country": "CN"}\n')
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["line"] == 1 and row["input"] == {"name": "Beihang University", "country": "CN"}
    assert row["matches"] == single["matches"] and row["searched"] == single["searched"]


def test_bad_rows_are_named_and_the_run_goes_on(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_bytes(
        b"name,country\n"
        b",CN\n"  # line 2: empty
        b"\x00\xff\xfebinary,CN\n"  # line 3: not text
        + b"A"
        * 10_000_000
        + b",CN\n"  # line 4: a 10 MB cell
        b"Beihang University,CN,extra\n"  # line 5: more cells than columns
        b"Beihang University,Atlantis\n"  # line 6: no such country: matched without one
        b"Beihang University,CN\n"  # line 7: fine
    )
    result = run("--file", str(names))
    assert result.exit_code == 2
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [2, 3, 4, 5, 6, 7]
    errors = {r["line"]: r.get("error", "") for r in rows}
    assert errors[2] == "name: empty"
    assert errors[3] == "name: not text (binary or not UTF-8)"
    assert errors[4] == "line of 10,000,003 bytes (at most 1,048,576)"
    assert errors[5] == "1 more cells than columns"
    # a country that cannot be read is said, and the row is screened without it (not skipped)
    assert errors[6] == "" and rows[4]["matches"][0]["list"] == "us_dod_1286"
    assert rows[4]["warning"] == "not an ISO 3166-1 country: 'Atlantis'; matched without a country"
    assert errors[7] == "" and rows[5]["matches"][0]["list"] == "us_dod_1286"
    for number in (2, 3, 4, 5, 6):
        assert f"row {number}: " in result.stderr  # as the spreadsheet numbers it


def test_a_csv_without_a_name_column_is_one_clear_line(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("amount,country\nX,NL\n")
    result = run("--file", str(names))
    assert result.exit_code == 1
    assert "needs a 'name' column (found: amount, country)" in result.output


def test_name_or_file_not_both() -> None:
    assert run().exit_code == 2
    assert run("X", "--file", "-", stdin=b"").exit_code == 2


def test_worker_processes_answer_as_one_process_in_input_order(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    partners = ["Beihang University", "Harbin Inst. of Tech.", "Nowhere Foundation", ""]
    # a second cell, so that a row without a name is a bad row (a row of empty cells is none)
    names.write_text(
        "name,note\n"
        + "\n".join(partners[i % 4] + f" {'' if i % 3 else ' '},x" for i in range(3000))
        + "\n"
    )
    one = run("--file", str(names), "--jobs", "1")
    two = run("--file", str(names), "--jobs", "2")
    assert one.exit_code == two.exit_code == 2  # the empty names
    assert two.stdout == one.stdout
    assert [json.loads(line)["line"] for line in two.stdout.splitlines()] == list(range(2, 3002))


def test_match_keeps_the_index_beside_the_reference_store() -> None:
    import os

    index = Path(os.environ["KVRULES_REFDATA"] + ".index")
    assert not index.exists()
    assert run("Beihang University", "--json").exit_code == 0
    assert index.is_file()
    modified = index.stat().st_mtime_ns
    assert json.loads(run("Beihang University", "--json").stdout)["matches"]
    assert index.stat().st_mtime_ns == modified  # loaded, not rebuilt


def test_the_progress_bar_is_drawn_on_a_terminal_only(tmp_path: Path) -> None:
    """stderr a terminal: a bar over the file; stderr a pipe: nothing but the rows' messages."""
    import os
    import subprocess
    import sys

    names = tmp_path / "names.csv"
    names.write_text("name\n" + "Beihang University\n" * 3000)
    command = [sys.executable, "-c", "from kvrules.cli import main; main()", "match", "--file"]
    command.append(str(names))
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    piped = subprocess.run(command, capture_output=True, env=env, check=True)
    # nothing but, when the lists' index is not current yet, the one line saying it is built
    said = [ln for ln in piped.stderr.splitlines() if not ln.startswith(b"building the lists'")]
    assert said == [] and len(piped.stdout.splitlines()) == 3000
    code, shown = on_a_terminal(command, tmp_path / "out.jsonl")
    assert code == 0
    assert "━" in shown and "names · 0 bad rows" in shown
