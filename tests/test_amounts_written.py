"""Amounts and currencies as a grant office writes them (reviewer, 2026-12-07, main 9de3e1d).

"250.000" (Dutch for 250,000: a string, the web form's field, unquoted YAML) was read as 250,
so an award over the EUR 250,000 threshold dropped a RED to AMBER; "1.234.567,00" and
"€ 1.234.567,00" were refused; and a currency that is no ISO 4217 code ("€", "euro", "XYZ",
"") crashed `kvrules check` (exit 70), the web form (500) and the API (500, plain text).
Amounts are now read by one stated rule (``kvrules.amounts``): unambiguous forms are read,
an ambiguous one is refused in one line saying how to write it unless the decimal separator
is given.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from kvrules.amounts import AmountError, currency_code_or_suggestion, parse_amount
from kvrules.cli import cli
from kvrules.prescreen import Proposal, proposal_problem_at


@pytest.mark.parametrize(
    ("written", "amount", "currency"),
    [
        ("1.234.567,00", "1234567.00", None),
        ("€ 1.234.567,00", "1234567.00", "EUR"),
        ("1234567,50", "1234567.50", None),
        ("1 234 567", "1234567", None),
        ("1\u00a0234\u00a0567", "1234567", None),
        ("1,234,567.00", "1234567.00", None),
        ("1.234.567", "1234567", None),
        ("2.5", "2.5", None),
        ("EUR 12000", "12000", "EUR"),
        ("12000 USD", "12000", "USD"),
        ("0,00", "0.00", None),
    ],
)
def test_an_unambiguous_amount_is_read(written: str, amount: str, currency: str | None) -> None:
    assert parse_amount(written) == (Decimal(amount), currency)


@pytest.mark.parametrize("written", ["250.000", "1,500", "12.000"])
def test_an_ambiguous_amount_is_refused_saying_how_to_write_it(written: str) -> None:
    with pytest.raises(AmountError, match="ambiguous") as refused:
        parse_amount(written)
    assert "250000" in str(refused.value) and "\n" not in str(refused.value)


def test_a_given_decimal_separator_reads_an_ambiguous_amount() -> None:
    assert parse_amount("250.000", ",")[0] == Decimal(250000)
    assert parse_amount("250.000", ".")[0] == Decimal(250)
    assert parse_amount("1,500", ",")[0] == Decimal("1.500")


@pytest.mark.parametrize("written", ["-250000", "−5", "(300)", -250000, "1.2.3", "lots", "$ 5"])
def test_negative_malformed_or_dollar_signed_amounts_are_refused(written: object) -> None:
    with pytest.raises(AmountError):
        parse_amount(written)


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("€", "write EUR"),
        ("euro", "write EUR"),
        ("£", "write GBP"),
        ("XYZ", "write its three-letter code, such as EUR"),
    ],
)
def test_a_currency_that_is_no_iso_code_is_refused_with_a_suggestion(
    given: str, suggested: str
) -> None:
    with pytest.raises(ValueError, match=f"is not an ISO 4217 code; {suggested}"):
        currency_code_or_suggestion(given)
    assert currency_code_or_suggestion(" eur ") == "EUR"


def _problem(funder: dict) -> str:
    with pytest.raises(ValidationError) as refused:
        Proposal.model_validate({"funders": [{"name": "European Commission", **funder}]})
    loc, text = proposal_problem_at(refused.value)
    return f"{loc}: {text}"


def test_the_proposal_reads_the_amounts_currency_and_refuses_a_disagreement() -> None:
    p = Proposal.model_validate(
        {"funders": [{"name": "European Commission", "amount": "€ 1.234.567,00"}]}
    )
    assert (p.funders[0].amount, p.funders[0].currency) == (Decimal("1234567.00"), "EUR")
    said = _problem({"amount": "€ 1.000,00", "currency": "USD"})
    assert said.startswith("('funders', 0, 'amount'): '€ 1.000,00' is in EUR but")
    assert _problem({"amount": 100, "currency": "€"}) == (
        "('funders', 0, 'currency'): '€' is not an ISO 4217 code; write EUR"
    )
    assert "ambiguous" in _problem({"amount": "250.000", "currency": "EUR"})


def _check(tmp_path: Path, funder: str, *args: str):
    path = tmp_path / "p.yaml"
    path.write_text(f"title: T\nfunders:\n  - {{name: European Commission, {funder}}}\n")
    return CliRunner().invoke(cli, ["check", str(path), *args])


@pytest.mark.parametrize(
    ("funder", "said"),
    [
        # unquoted: YAML reads the float 250.0; the file's own text is read instead
        ("amount: 250.000, currency: EUR", "p.yaml:3:41: funder 1, amount: '250.000' is ambig"),
        ('amount: "250.000", currency: EUR', "p.yaml:3:41: funder 1, amount: '250.000' is ambig"),
        ("amount: 100, currency: €", "funder 1, currency: '€' is not an ISO 4217 code; write EUR"),
        ('amount: 100, currency: ""', "funder 1, currency: '' is not an ISO 4217 code"),
        ("amount: 100, currency: XYZ", "funder 1, currency: 'XYZ' is not an ISO 4217 code"),
        ("amount: -250000, currency: EUR", "funder 1, amount: '-250000' is negative"),
    ],
)
def test_check_refuses_in_one_line_never_crashes(tmp_path: Path, funder: str, said: str) -> None:
    result = _check(tmp_path, funder)
    assert result.exit_code == 2, result.output
    assert said in result.output and len(result.output.strip().splitlines()) == 1, result.output


def test_check_reads_an_unambiguous_or_declared_amount(tmp_path: Path) -> None:
    read = _check(tmp_path, 'amount: "€ 1.234.567,00"')
    assert read.exit_code == 0, read.output
    assert "European Commission, €1,234,567.00" in read.output  # cents as written
    declared = _check(tmp_path, "amount: 250.000, currency: EUR", "--decimal-separator", ",")
    assert declared.exit_code == 0, declared.output
    assert "European Commission, €250,000" in declared.output
