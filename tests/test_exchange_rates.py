"""Exchange rates: funding in several currencies is compared in one currency; a currency
without a rate does not count toward any share (and the portfolio and config check say so)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import Evaluator, load_rulebook
from kvrules.cli import cli
from kvrules.enrich import Enricher
from kvrules.enrich.currency import ExchangeRates, load_rates
from kvrules.enrich.funding import FundingShares
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.rulebook.cases import event_from_given
from kvrules.store import Store
from tests.conftest import rule_yaml

RATES = """\
currency: EUR
as_of: 2026-11-02
source: ECB euro foreign exchange reference rates
rates: {USD: 1.25, GBP: 0.8}
"""
# Physics: EUR 1,000,000 from NWO and USD 1,250,000 (= EUR 1,000,000) from a US funder.
PHYSICS = {
    "id": "P1",
    "title": "Physics grant",
    "units": ["Physics"],
    "funders": [
        {"name": "NWO", "country": "NL", "amount": 1_000_000, "currency": "EUR"},
        {"name": "Far Fund", "country": "US", "amount": 1_250_000, "currency": "USD"},
        {"name": "Odd Fund", "country": "CH", "amount": 10, "currency": "CHF"},  # no rate
    ],
}


@pytest.fixture
def rates_file(tmp_path: Path) -> Path:
    path = tmp_path / "rates.yaml"
    path.write_text(RATES, encoding="utf-8")
    return path


def test_shares_in_one_currency_and_a_currency_without_rate_left_out(rates_file: Path) -> None:
    converted = FundingShares("NL", load_rates(rates_file))
    converted.add(PHYSICS)
    assert converted.share("Physics", "EUR") == 0.5
    # No rate for CHF: not "100% foreign in CHF", simply not counted, and said so.
    assert converted.share("Physics", "CHF") is None
    assert converted.unrated == {"CHF": 1}
    bare = FundingShares("NL")  # no rates at all: only amounts in euros count
    bare.add(PHYSICS)
    assert (bare.share("Physics", "EUR"), bare.share("Physics", "USD")) == (0.0, None)
    assert bare.unrated_summary() == "CHF (1 funding line), USD (1 funding line)"
    assert converted.digest() != bare.digest()  # new rates re-screen the portfolio


def test_without_rates_a_foreign_currency_funder_raises_no_share() -> None:
    unknown = FundingShares("NL")
    only_dollars = {**PHYSICS, "funders": PHYSICS["funders"][1:2]}
    unknown.add(only_dollars)
    assert unknown.share("Physics", "USD") is None
    project = event_from_given({"kind": "project.created", "project": only_dollars}, "P1")
    assert unknown.for_project(project.project) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RATES.replace("EUR", "EURO"), "currency: not an ISO 4217 currency: 'EURO'"),
        (RATES.replace("1.25", "-1"), "rates: rate for USD must be a positive number"),
        (RATES.replace("USD", "XYZ1"), "not an ISO 4217 currency: 'XYZ1'"),
        (RATES.replace("as_of: 2026-11-02\n", ""), "as_of: Field required"),
        ("currency: [", "cannot read exchange rates"),
        # Codes are read case-insensitively: two spellings of one are a conflict, not a choice.
        (RATES.replace("GBP: 0.8", "usd: 1.3"), "rates: USD is given twice"),
        # The reporting currency's rate is 1 by definition; another value was silently ignored.
        (
            RATES.replace("GBP: 0.8", "EUR: 1.1"),
            "file: rates: EUR is the reporting currency: its rate is 1, not 1.1",
        ),
    ],
)
def test_a_bad_rates_file_is_refused_with_its_name(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=str(path)) as bad:
        load_rates(path)
    assert message in str(bad.value)


def test_the_cap_rule_sees_the_converted_share(tmp_path: Path, rates_file: Path, write_rulebook):
    exports = tmp_path / "exports"
    exports.mkdir()
    event = {
        "id": "P1:v1",
        "kind": "project.created",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {**PHYSICS, "funders": PHYSICS["funders"][:2]},  # EUR and USD only
    }
    (exports / "p.jsonl").write_text(json.dumps(event) + "\n", encoding="utf-8")
    rule = rule_yaml("cap", "project.foreign_funding_share > 0.6", on="project.created")
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))

    def shares(rates) -> list[str]:
        with (
            Store.open(tmp_path / f"{bool(rates)}.db") as store,
            Evaluator([load_rulebook(write_rulebook(rule))]) as ev,
        ):
            for _ in range(2):  # the second scan sees the portfolio the first remembered
                Scanner(store, "file", adapter, ev, Enricher(None, []), rates=rates).scan(full=True)
            return [c.record_id for c in store.cases("open")]

    assert shares(None) == []  # USD without a rate: not counted, so no "100% foreign" finding
    assert shares(load_rates(rates_file)) == []  # in EUR: 50%, under the 60% cap


def test_the_report_says_how_amounts_were_converted(tmp_path: Path, rates_file: Path) -> None:
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        store.record_subject(
            event_from_given({"kind": "project.created", "project": PHYSICS}, "P1")
        )
    out = tmp_path / "report.html"
    rates = ["--exchange-rates", str(rates_file)]
    home = ["--home-country", "NL"]  # no configuration here says which country is home
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(out), *rates, *home])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert (
        "converted to EUR at the rates of 2026-11-02 (ECB euro foreign exchange reference rates)"
        in html
    )
    assert "<td>Physics</td><td>EUR</td><td>1,000,000</td><td>1</td><td>50%" in html
    bare = tmp_path / "bare.html"
    CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(bare), "--home-country", "NL"])
    assert "no exchange rates configured" in bare.read_text(encoding="utf-8")
    assert "No exchange rate for CHF (1 funding line), USD (1 funding line)" in bare.read_text(
        encoding="utf-8"
    )


def test_config_check_reports_an_unusable_rates_file(tmp_path: Path) -> None:
    config = tmp_path / "kvrules.yaml"
    config.write_text("exchange_rates: missing-rates.yaml\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 1
    assert f"exchange_rates: {tmp_path / 'missing-rates.yaml'}: cannot read" in result.stderr


def test_eu_funding_is_not_foreign_for_an_eu_institution() -> None:
    project = {
        "units": ["Physics"],
        "funders": [
            {"name": "ERC", "country": "BE", "amount": 600, "currency": "EUR"},
            {"name": "DFG", "country": "DE", "amount": 200, "currency": "EUR"},
            {"name": "NSFC", "country": "CN", "amount": 200, "currency": "EUR"},
        ],
    }
    # A Canadian institution reporting in euros (without rates its CAD amounts alone count).
    in_euros = ExchangeRates(currency="EUR", as_of=date(2026, 11, 2), source="ECB", rates={})
    dutch, canadian = FundingShares("NL"), FundingShares("CA", in_euros)
    dutch.add(project), canadian.add(project)
    assert dutch.share("Physics", "EUR") == 0.2 and dutch.domestic_label == "NL and the EU"
    assert canadian.share("Physics", "EUR") == 1.0 and canadian.domestic_label == "CA"


def test_lower_case_codes_and_the_reporting_currency_at_one_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text(RATES.replace("USD: 1.25, GBP: 0.8", "usd: 1.25, EUR: 1"), encoding="utf-8")
    rates = load_rates(path)
    assert rates.to_reporting(Decimal(125), "USD") == (Decimal(100), "EUR")
    assert rates.to_reporting(Decimal(7), "EUR") == (Decimal(7), "EUR")


def test_config_check_names_the_currencies_without_a_rate(tmp_path: Path, rates_file: Path) -> None:
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        store.record_subject(
            event_from_given({"kind": "project.created", "project": PHYSICS}, "P1")
        )
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {db}\nexchange_rates: {rates_file}\nhome_country: NL\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert (
        "warning: exchange_rates: no exchange rate for CHF (1 funding line): these funders do "
        "not count" in result.output + result.stderr
    )
