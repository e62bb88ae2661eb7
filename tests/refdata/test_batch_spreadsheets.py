"""`kvrules match --file` reads spreadsheets as grant offices save them (reviewer, 2026-12-07,
main 9de3e1d). The files are written here as the reviewer's were (a Dutch Excel "CSV":
semicolons, Windows-1252, CRLF; Excel for Mac: CR alone), with made-up rows.

- lines ending in CR alone crashed the reader (exit 70, web 500);
- a country column called "Land", "Country code" or "Pays" was dropped without a word;
- rows were numbered by the file's lines, not as the spreadsheet shows them;
- rows of empty cells under a table were bad rows, a "Totaal" row was screened as an
  organisation, "sep=;" and a title row were refused without saying what to remove;
- a PI nationality column was copied to the output without a word.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli


def match(path: Path, *args: str):
    return CliRunner().invoke(cli, ["match", "--file", str(path), *args])


def rows_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_lines_ending_in_cr_alone_are_read(tmp_path: Path) -> None:
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"name;country\rBeihang University;CN\rTsinghua University;CN\r")
    result = match(mac)
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert [(r["row"], r["input"]["name"]) for r in rows] == [
        (2, "Beihang University"),
        (3, "Tsinghua University"),
    ]
    assert rows[0]["matches"][0]["list"] == "us_dod_1286"


@pytest.mark.parametrize("header", ["Land", "Country code", "Pays", "country"])
def test_a_country_column_is_read_by_its_names_in_the_languages_kvrules_reads(
    tmp_path: Path, header: str
) -> None:
    sheet = tmp_path / "land.csv"
    sheet.write_text(f"Partner organisation;{header}\nBeihang University;Atlantis\n")
    result = match(sheet)
    # the country is read (and so said not to be one), not dropped without a word
    assert "not an ISO 3166-1 country: 'Atlantis'" in result.stderr, result.output
    if header != "country":
        assert f"column {header!r} read as the country" in result.stderr
    assert "column 'Partner organisation' read as the name" in result.stderr


def test_rows_are_numbered_as_the_spreadsheet_shows_them(tmp_path: Path) -> None:
    sheet = tmp_path / "multiline.csv"
    sheet.write_text(
        'name;country;notes\n"Dept. of Physics\nHarbin Institute of Technology";CN;"two\nlines"\n'
        ";CN;x\n"
    )
    result = match(sheet)
    assert result.exit_code == 2
    assert [r["row"] for r in rows_of(result.stdout)] == [2, 3]  # the file's lines: 2 and 5
    assert f"{sheet}: row 3: name: empty" in result.stderr


def _dutch_excel(tmp_path: Path, header: list[str], title: str | None = None) -> Path:
    """As the reviewer's nl_cp1252.csv: Excel (nl-NL) "CSV", semicolons, Windows-1252."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if title:
        writer.writerow([title, "", "", ""])
    writer.writerow(header)
    writer.writerow(["Beihang University", "CN", "€ 250.000,50", "Chinees"])
    writer.writerow(["Technische Universität München", "DE", "€ 80.000,00", "Nederlands"])
    writer.writerow(["Totaal", "", "€ 330.000,50", ""])
    writer.writerows([["", "", "", ""]] * 3)
    path = tmp_path / "partners.csv"
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def test_total_and_empty_rows_are_skipped_and_a_nationality_is_left_out(tmp_path: Path) -> None:
    sheet = _dutch_excel(tmp_path, ["name", "Land", "Bedrag", "Nationaliteit PI"])
    out = tmp_path / "out.csv"
    result = match(sheet, "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output  # no bad rows: the empty ones are no rows
    assert "row 4 ('Totaal'): a total, not an organisation: not screened" in result.stderr
    assert (
        "column 'Nationaliteit PI' not used and left out of the output: kvrules screens "
        "organisations, never a person's nationality"
    ) in result.stderr
    written = out.read_bytes()
    assert written.startswith(b"\xef\xbb\xbfrow;name;Land;Bedrag;match_list")  # Excel reads it
    text = written.decode("utf-8-sig")
    assert "Nationaliteit" not in text and "Chinees" not in text
    assert [line.split(";")[0] for line in text.splitlines()[1:]] == ["2", "3"]


def test_a_separator_line_is_read_and_a_title_row_named_to_be_removed(tmp_path: Path) -> None:
    hinted = tmp_path / "sephint.csv"
    hinted.write_text("sep=;\nname;country\nBeihang University;CN\n")
    result = match(hinted)
    assert result.exit_code == 0, result.output
    assert [r["row"] for r in rows_of(result.stdout)] == [2]  # Excel does not show sep=
    titled = _dutch_excel(tmp_path, ["name", "Land", "Bedrag", "PI"], title="Horizon 2027-A")
    refused = match(titled)
    assert refused.exit_code == 1
    assert refused.output.strip().endswith(
        "the header is on line 2: remove line 1 above it ('Horizon 2027-A;;;'…) so that the "
        "header is the first line"
    )


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Iran (Islamitische Republiek)", "IR"),  # Dutch Excel, as the reviewer's file
        ("Russische Federatie", "RU"),
        ("VR China", "CN"),
        ("Groot-Brittannië", "GB"),
        ("Iran (Islamic Rep.)", "IR"),
        ("Iran, Islamic Rep.", "IR"),  # the World Bank's form
        ("Korea (North)", "KP"),  # never read as Korea alone
    ],
)
def test_country_names_grant_offices_write_are_read(written: str, code: str) -> None:
    from kvrules.prescreen import Proposal
    from kvrules.refdata.countries import to_country

    assert to_country(written) == code
    proposal = Proposal.model_validate({"partners": [{"name": "X", "country": written}]})
    assert proposal.partners[0].country == code


def test_check_of_a_workbook_points_to_match_which_reads_it(tmp_path: Path) -> None:
    book = tmp_path / "partners.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = CliRunner().invoke(cli, ["check", str(book)])
    assert result.exit_code == 2
    # match reads .xlsx as it is: no "save it as CSV first" (tests/test_prescreen_amounts_said_alike.py)
    assert result.output.strip().endswith("or the one --sheet names)")


def test_the_progress_counts_the_bytes_of_the_rows_matched_not_those_read_ahead(
    tmp_path: Path,
) -> None:
    """The bar reached 100% early: it showed the bytes the reader had read, ahead of the
    rows matched. Each 256th row carries the bytes up to its own end."""
    from kvrules.refdata.batch import OFFSET_EVERY, Input

    lines = [b"name;country\n", *(f"Institute {i};NL\n".encode() for i in range(3000))]
    path = tmp_path / "big.csv"
    path.write_bytes(b"".join(lines))
    with path.open("rb") as stream:
        reader = Input(stream)
        marked = [(row.number, row.offset) for row in reader if row.offset is not None]
    assert marked[0][0] == OFFSET_EVERY
    for number, offset in marked:
        assert offset == len(b"".join(lines[:number])), number


def test_a_nationality_in_json_lines_is_left_out_and_said(tmp_path: Path) -> None:
    lines = tmp_path / "nat.jsonl"
    lines.write_text('{"name": "Beihang University", "nationality": "CN"}\n')
    result = match(lines)
    assert result.exit_code == 0, result.output
    [row] = rows_of(result.stdout)
    assert row["input"] == {"name": "Beihang University"}
    assert "key 'nationality' not used and left out of the output" in result.stderr
