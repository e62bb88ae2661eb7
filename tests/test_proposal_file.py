"""A proposal file that is no proposal, or not UTF-8, is said in one line, never a decoder's
or parser's own text (reviewer, 2026-12-07: "'utf-8' codec can't decode byte 0xe4 in position
52…" for a Windows-1252 proposal, a CSV and a workbook; several lines ending
`in "<unicode string>", line 2` for a YAML syntax error)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kvrules.cli import cli

WHAT_CHECK_READS = "`kvrules check` reads one proposal described in YAML or JSON"


def _check(path: Path, *args: str):
    return CliRunner().invoke(cli, ["check", str(path), *args])


def _one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output and "codec" not in result.output
    return lines[0]


def test_a_windows_1252_proposal_is_read_as_windows_1252_with_a_note(tmp_path: Path):
    proposal = tmp_path / "prop1252.yaml"
    proposal.write_bytes(
        "title: Consortium\npartners:\n  - Technische Universität München (DE)\n"
        "  - Université Paris-Saclay (FR)\n".encode("cp1252")
    )
    result = _check(proposal, "--json")
    assert result.exit_code == 0, result.output
    assert (
        f"{proposal}: line 3: not UTF-8, read as Windows-1252 (if a name reads wrong, save it "
        "as UTF-8)"
    ) in result.stderr
    answer = json.loads(result.stdout)
    assert any(line.startswith("Technische Universität München:") for line in answer["not_found"])


def test_a_yaml_syntax_error_is_file_line_col_in_one_line(tmp_path: Path):
    proposal = tmp_path / "broken.yaml"
    proposal.write_text("partners: [\n", encoding="utf-8")
    result = _check(proposal)
    assert result.exit_code == 1
    assert _one_line(result) == (
        f"{proposal}:2:1: YAML: expected the node content, but found '<stream end>'"
    )


@pytest.mark.parametrize(
    ("name", "what"),
    [("partners.csv", "a CSV file"), ("partners.xlsx", "an Excel workbook")],
)
def test_a_csv_or_a_workbook_is_refused_saying_what_check_reads(
    tmp_path: Path, name: str, what: str
):
    table = tmp_path / name
    if name.endswith(".xlsx"):
        book = openpyxl.Workbook()
        book.active.append(["name", "country"])  # type: ignore[union-attr]
        book.active.append(["Technische Universität München", "DE"])  # type: ignore[union-attr]
        book.save(table)
    else:
        table.write_bytes("name;country\nUniversité Paris-Saclay;FR\n".encode("cp1252"))
    result = _check(table)
    assert result.exit_code == 2  # a usage error: the wrong kind of file
    line = _one_line(result)
    assert line.startswith(f"{table}: {what} is not a proposal: {WHAT_CHECK_READS}")
    assert "kvrules match --file" in line


def test_a_workbook_under_a_yaml_name_is_known_by_its_bytes(tmp_path: Path):
    table = tmp_path / "proposal.yaml"
    openpyxl.Workbook().save(table)
    line = _one_line(_check(table))
    assert line.startswith(f"{table}: an Excel workbook is not a proposal")
    assert "kvrules match --file" in line


def test_a_word_document_is_not_sent_to_match(tmp_path: Path):
    """Code review, 2026-12-07: `check proposal.docx` said "an Excel workbook or another zip
    file … use kvrules match --file (it reads the workbook as it is …)", and match refused it.
    A zip is known by the part it holds."""
    document = tmp_path / "proposal.docx"
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    line = _one_line(_check(document))
    assert line == (
        f"{document}: a Word document is not a proposal: `kvrules check` reads one proposal "
        "described in YAML or JSON (title, topic, partners, funders, visit; see "
        "examples/proposal.yaml): write the proposal's details in such a file"
    )
    assert "match" not in line  # code review: match --file refuses a Word document


def test_a_list_is_not_a_proposal(tmp_path: Path):
    proposal = tmp_path / "list.yaml"
    proposal.write_text("- Beihang University (CN)\n", encoding="utf-8")
    line = _one_line(_check(proposal))
    assert line.startswith(f"{proposal}: not a mapping of proposal fields (it holds a list): ")
    assert WHAT_CHECK_READS in line
