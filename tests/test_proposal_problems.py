"""A wrong value in a proposal file is one line: ``file:line:col``, the field as a person
counts it ("funder 3, amount", 1-based) and what to write for that field.

Reviewer, 2026-12-07: amount "2'000'000" said "funders.2.amount: Input should be a valid
decimal — write an organisation as 'NAME (COUNTRY)'…": the wrong hint, a 0-based index and
no line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from kvrules.cli import cli
from kvrules.prescreen import Proposal, position_in_words, proposal_problem
from kvrules.proposal_file import read_proposal_file

AMOUNT = (
    "title: Amount\n"
    "funders:\n"
    "  - Dutch Research Council (NL)\n"
    "  - {name: European Research Council, country: BE}\n"
    "  - {name: Swiss National Science Foundation, country: CH, amount: \"2'000'000\", "
    "currency: CHF}\n"
).replace("2'000'000", "2 million")  # "2'000'000" is read now (Swiss grouping: kvrules.amounts)


def _problem(tmp_path: Path, text: str, *flags: str) -> str:
    proposal = tmp_path / "prop.yaml"
    proposal.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(proposal), *flags])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0].replace(str(proposal), "prop.yaml")


def test_a_wrong_amount_says_where_which_funder_and_how_to_write_an_amount(tmp_path: Path):
    assert _problem(tmp_path, AMOUNT) == (
        "prop.yaml:5:68: funder 3, amount: '2 million' is not a number: write it without "
        "thousands separators (250000, or 250000.50 with a decimal point), or with both "
        "separators (250.000,00 or 250,000.00)"
    )


def test_a_wrong_date_of_a_visit_says_how_to_write_a_date(tmp_path: Path):
    said = _problem(tmp_path, "visit:\n  home_institution: X (NL)\n  start: 1 March\n")
    assert said.startswith("prop.yaml:3:10: visit, start: ")
    assert said.endswith(" — write a date as YYYY-MM-DD")


def test_a_partner_a_flag_added_has_no_place_in_the_file(tmp_path: Path):
    proposal = tmp_path / "prop.yaml"
    proposal.write_text("partners: [TU Delft (NL)]\nvisit: {host_unit: Physics}\n")
    file = read_proposal_file(proposal)
    assert file.where(("partners", 0)) == f"{proposal}:1:12"
    assert file.where(("partners", 1)) is None  # --partner added it
    assert file.where(("funders", 0)) is None
    # a field the file lacks: at the mapping that lacks it
    assert file.where(("visit", "home_institution")) == f"{proposal}:2:8"


@pytest.mark.parametrize(
    ("loc", "words"),
    [
        (("funders", 2, "amount"), "funder 3, amount"),
        (("partners", 0), "partner 1"),
        (("visit", "home_institution", "country"), "visit, home institution, country"),
        (("keywords", 1), "keyword 2"),
        ((), "the proposal"),
    ],
)
def test_positions_are_counted_from_one(loc: tuple, words: str):
    assert position_in_words(loc) == words


def test_the_api_keeps_the_path_of_fields_with_the_right_hint():
    with pytest.raises(ValidationError) as e:
        Proposal.model_validate({"funders": [{"name": "SNSF", "amount": "2 million"}]})
    said = proposal_problem(e.value)
    assert said.startswith("funders.0.amount: '2 million' is not a number: write it without")
    assert "organisation" not in said
    swiss = Proposal.model_validate({"funders": [{"name": "SNSF", "amount": "2'000'000"}]})
    assert swiss.funders[0].amount == 2_000_000
