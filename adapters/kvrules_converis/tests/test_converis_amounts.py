"""Funding amounts: read when they can be read one way only, else quarantined with the field
and the reason. A reviewer's "750.000" (German for 750,000) was read as 750 and lost a
Huawei funding its "Sizeable award" finding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from converis_helpers import SECRET, adapter_for, scan
from kvrules_converis import ConverisConfig
from kvrules_converis.mapping import MappingError, Related, parse_amount, project_events
from kvrules_converis.simulator import start_simulator
from test_converis_mapping_variants import FUNDER, attr, cgv, link, org, project

FIELD = "proj_has_fund[0].attributes[amount]"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("750000", "750000"),
        ("1250000.5", "1250000.5"),
        ("12.5", "12.5"),
        ("0.500", "0.500"),  # a first group starting with 0 groups nothing
        ("1250.000", "1250.000"),  # four digits before: not a thousands group
        ("1.250.000", "1250000"),  # the same separator twice groups thousands
        ("1,250,000", "1250000"),
        ("1,250,000.50", "1250000.50"),
        ("1.250.000,50", "1250000.50"),
        ("750.000,00", "750000.00"),
        ("1 250 000", "1250000"),
    ],
)
def test_amounts_that_say_how_they_are_written_are_read(raw: str, expected: str) -> None:
    assert parse_amount(raw, FIELD) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("750.000", r"amount '750\.000' is ambiguous: 750 or 750,000\?"),
        ("1,250", r"amount '1,250' is ambiguous: 1\.25 or 1,250\?"),
        ("-5000", r"amount '-5000' is negative"),
        ("-300000", r"is negative"),
        ("3e5", r"amount '3e5' has an exponent"),
        ("1.5E+3", r"has an exponent"),
        ("a lot", r"not a number: 'a lot'"),
        ("1.2.3", r"not a number"),
        ("1,25.5", r"not a number"),
        ("NaN", r"not a number"),
    ],
)
def test_ambiguous_negative_and_exponent_amounts_are_quarantined(raw: str, reason: str) -> None:
    with pytest.raises(MappingError, match=reason) as e:
        parse_amount(raw, FIELD)
    assert str(e.value).startswith(f"mapping incomplete: {FIELD}: ")


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("750.000", ",", "750000"),
        ("750.000", ".", "750.000"),
        ("1,250", ",", "1.250"),
        ("1,250", ".", "1250"),
        ("1.250.000,50", ",", "1250000.50"),
        ("1,250,000.50", ".", "1250000.50"),
        ("750000", ",", "750000"),
    ],
)
def test_the_declared_decimal_separator_settles_an_ambiguous_amount(
    raw: str, decimal: str, expected: str
) -> None:
    assert parse_amount(raw, FIELD, decimal) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "decimal"),
    [("1.250.000,50", "."), ("1,250,000.50", ","), ("12.5", ","), ("1.250.000", ".")],
)
def test_an_amount_against_the_declared_separator_is_quarantined(raw: str, decimal: str) -> None:
    with pytest.raises(MappingError, match="declared decimal separator"):
        parse_amount(raw, FIELD, decimal)


def _funding(raw: str, cfg: ConverisConfig):
    fields = [attr("amount", raw, "NUMBER"), cgv("currency", "EUR", "EUR", {"en_GB": "Euro"})]
    links = {"proj_has_fund": [link("proj_has_fund", FUNDER, *fields)]}
    huawei = org(FUNDER, "Huawei Technologies Co., Ltd.", cgv("country", "CN", "CN", {}))
    related = Related(links=links, orgs={FUNDER: huawei})
    [event] = project_events(project(), related, cfg, "project.created")
    return event.project.funders[0]


def test_a_german_instance_reads_750_000_euros_and_an_undeclared_one_quarantines_it() -> None:
    base = {"base_url": "https://c.example.edu/converis-apis/ws/v2", "username": "u"}
    german = ConverisConfig(**base, password="t", amount_decimal_separator=",")
    assert _funding("750.000", german).amount == Decimal(750000)
    undeclared = ConverisConfig(**base, password="t")
    with pytest.raises(MappingError, match=r"proj_has_fund\[0\]\.attributes\[amount\]: amount"):
        _funding("750.000", undeclared)
    assert _funding("750.000,00", undeclared).amount == Decimal(750000)


def test_number_attributes_in_machine_form_are_read_whatever_the_declared_separator() -> None:
    """Was: with amount_decimal_separator "," (the README's advice for a German instance) a
    NUMBER '1880000.00' was quarantined: "does not use the declared decimal separator"."""
    base = {"base_url": "https://c.example.edu/converis-apis/ws/v2", "username": "u"}
    german = ConverisConfig(**base, password="t", amount_decimal_separator=",")
    assert _funding("1880000.00", german).amount == Decimal("1880000.00")
    assert _funding("12.5", german).amount == Decimal("12.5")
    assert _funding("1.250.000,50", german).amount == Decimal("1250000.50")


def test_a_german_instance_scanned_over_http_loses_no_project_to_the_separator() -> None:
    """The simulator writes NUMBER values in machine form, as the spec types them (reviewer:
    20 of 30 projects quarantined with amount_decimal_separator ",")."""
    sim = start_simulator(projects=30, seed=4, password=SECRET, rate_limit=None)
    with sim, adapter_for(sim, amount_decimal_separator=",") as adapter:
        records = scan(adapter)
    refused = [r.error for r in records if r.error and "separator" in r.error]
    assert refused == []
    amounts = [f.amount for r in records for e in r.events for f in e.project.funders]
    assert any(a is not None and a > 1000 for a in amounts)


@pytest.mark.parametrize(
    ("value", "labels", "code"),
    [
        ("978", {"de_DE": "Euro"}, "EUR"),  # ISO numeric code and a German label
        ("4711", {"de_DE": "Schweizer Franken"}, "CHF"),  # an internal id, named in German
        ("12", {"en_GB": "Pound Sterling"}, "GBP"),  # digits a label contradicts: an id
        ("756", {}, "CHF"),  # the numeric code alone
        ("Renminbi-Yuan", {}, "CNY"),
    ],
)
def test_currencies_given_by_numeric_code_or_name_in_any_language(
    value: str, labels: dict[str, str], code: str
) -> None:
    """Was: "no ISO 4217 code in ['978', 'Euro']" quarantined the project."""
    base = {"base_url": "https://c.example.edu/converis-apis/ws/v2", "username": "u"}
    cfg = ConverisConfig(**base, password="t", languages=["de_DE", "en_GB"])
    fields = [attr("amount", "250000.00", "NUMBER"), cgv("currency", value, value, labels)]
    links = {"proj_has_fund": [link("proj_has_fund", FUNDER, *fields)]}
    huawei = org(FUNDER, "Huawei Technologies Co., Ltd.", cgv("country", "CN", "CN", {}))
    [event] = project_events(
        project(), Related(links=links, orgs={FUNDER: huawei}), cfg, "project.created"
    )
    assert event.project.funders[0].currency == code


def test_a_numeric_currency_with_a_german_label_is_read_over_http() -> None:
    sim = start_simulator(projects=10, seed=4, password=SECRET, rate_limit=None)
    with sim, adapter_for(sim) as adapter:
        [funding, *_] = [ln for ln in sim.store.links["proj_has_fund"].values() if ln["attributes"]]
        euro = {"choiceGroupName": "Währung", "choiceGroupValue": "978",
                "choiceGroupValueLabels": [{"language": "de_DE", "value": "Euro"}]}  # fmt: skip
        funding["attributes"] = [
            {"attributeName": "amount", "attributeType": "NUMBER", "value": "1250000.50"},
            {"attributeName": "currency", "attributeType": "CGV", "value": "978",
             "choiceGroupData": euro},
        ]  # fmt: skip
        [record] = [r for r in scan(adapter) if r.record_id == str(funding["left"])]
    assert record.error is None, record.error
    [funder] = [f for f in record.events[0].project.funders if f.amount == Decimal("1250000.50")]
    assert funder.currency == "EUR"
