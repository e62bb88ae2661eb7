"""One amount formatter for a pre-screen (reviewer, a grant officer, 2026-12-07): the header
said "EUR 1250000.50" and the evidence and Markdown "gives €1,250,000.5" (the trailing zero
dropped). And `kvrules check partners-nl.xlsx` advised saving the sheet as CSV first, though
`kvrules match --file` reads the workbook as it is."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.plain import money


@pytest.mark.parametrize(
    ("amount", "currency", "said"),
    [
        ("1250000.50", "EUR", "€1,250,000.50"),
        (1250000.5, "EUR", "€1,250,000.50"),
        (Decimal("1250000.50"), "CHF", "CHF 1,250,000.50"),
        # cents written, though zero, are kept; none written, none shown
        (Decimal("1250000.00"), "EUR", "€1,250,000.00"),
        ("1250000.00", None, "1,250,000.00"),
        (Decimal("1250000"), "EUR", "€1,250,000"),
        (250000, "EUR", "€250,000"),
    ],
)
def test_an_amount_has_two_decimals_where_it_was_written_with_them(
    amount: object, currency: str | None, said: str
) -> None:
    assert money(amount, currency) == said


@pytest.mark.parametrize(
    ("written", "said"), [("1.250.000,50", "€1,250,000.50"), ("1.250.000,00", "€1,250,000.00")]
)
def test_the_header_the_evidence_and_the_markdown_say_the_award_alike(
    tmp_path: Path, written: str, said: str
) -> None:
    proposal = tmp_path / "p.yaml"
    proposal.write_text(
        "funders:\n  - {name: China Scholarship Council, country: CN, "
        f'amount: "{written}", currency: EUR}}\n',
        encoding="utf-8",
    )
    text = CliRunner().invoke(cli, ["check", str(proposal)])
    assert text.exit_code == 0, text.output
    assert f"Funders (1): China Scholarship Council (CN), {said}\n" in text.output
    assert f"China Scholarship Council (CN) gives {said}, at or above" in text.output
    md = tmp_path / "p.md"
    assert CliRunner().invoke(cli, ["check", str(proposal), "--output", str(md)]).exit_code == 0
    markdown = md.read_text(encoding="utf-8")
    assert f"- Funders (1): China Scholarship Council (CN), {said}\n" in markdown
    assert f"China Scholarship Council (CN) gives {said}, at or above" in markdown


def test_check_of_a_workbook_points_to_match_which_reads_it_as_it_is(tmp_path: Path) -> None:
    book = tmp_path / "partners-nl.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = CliRunner().invoke(cli, ["check", str(book)])
    assert result.exit_code == 2
    said = result.output.strip()
    assert "CSV" not in said.split("use `kvrules match --file`", 1)[1]
    assert said.endswith(
        "use `kvrules match --file` (it reads the workbook as it is: the sheet open when it "
        "was saved, or the one --sheet names)"
    )
    old = tmp_path / "partners.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    said = CliRunner().invoke(cli, ["check", str(old)]).output.strip()
    assert said.endswith("(save the sheet as an Excel workbook (.xlsx) or as 'CSV UTF-8' first)")
