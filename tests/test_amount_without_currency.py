"""A rule comparing an award's amount with a plain number and no currency test compares an
award in any currency with the same number (600,000 JPY is "more than 500,000"): validation
warns at the comparison's file:line:col and points to the per-currency form. The
per-currency form (vars by currency) and a rule that tests the currency itself are quiet."""

from __future__ import annotations

import logging

import pytest

from kvrules.rulebook.loader import load_text
from tests.conftest import HEADER, rule_yaml


def _warnings(caplog: pytest.LogCaptureFixture, header: str, when: str) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kvrules.rulebook.loader"):
        load_text(header + rule_yaml("big", when, on="funder.added"), "own.yaml")
    return [r.getMessage() for r in caplog.records if "names no currency" in r.getMessage()]


def test_a_plain_number_threshold_without_a_currency_is_warned_at_its_place(caplog):
    header = HEADER.replace("sources:", "vars:\n  big_grant_eur: 500000\nsources:")
    [warning] = _warnings(
        caplog, header, "funder.foreign == true and funder.amount > vars.big_grant_eur"
    )
    assert warning.startswith(
        "own.yaml:14:38: warning: rule 'big' compares funder.amount with 500,000, which names "
        "no currency: an award in any currency (yen, euros, dollars) is compared with the same "
        "number; give the threshold per currency, e.g. vars.large_award: {EUR: 500000, USD: …}"
    )


def test_a_literal_threshold_in_a_quantifier_is_warned(caplog):
    when = "'any f in project.funders: f.amount >= 1000000'"
    rule = rule_yaml("big", when, on="project.created")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kvrules.rulebook.loader"):
        load_text(HEADER + rule, "own.yaml")
    assert any("compares f.amount with 1,000,000" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "when",
    [
        'funder.currency == "EUR" and funder.amount > 500000',
        'funder.currency in ["EUR", "USD"] and funder.amount > 500000',
        "funder.amount > vars.large_award",
        "funder.amount == 500000",
    ],
)
def test_a_currency_tested_or_given_per_currency_is_quiet(caplog, when):
    header = HEADER.replace("sources:", "vars:\n  large_award: {EUR: 500000}\nsources:")
    assert _warnings(caplog, header, when) == []


def test_the_warning_is_said_once_when_the_configuration_sets_the_rulebooks_vars(caplog, tmp_path):
    from kvrules.engine import load_rulebooks

    header = HEADER.replace("sources:", "vars:\n  big_grant_eur: 500000\nsources:")
    path = tmp_path / "own.yaml"
    path.write_text(
        header + rule_yaml("big", "funder.amount > vars.big_grant_eur", on="funder.added")
    )
    with caplog.at_level(logging.WARNING, logger="kvrules.rulebook.loader"):
        _books, problems = load_rulebooks([path], {"t": {"big_grant_eur": 600000}})
    assert problems == []
    said = [r.getMessage() for r in caplog.records if "names no currency" in r.getMessage()]
    assert len(said) == 1, said
