"""Every ISO country's currency is known, and amounts that cannot be compared are said, with
how to fix it, by `config check` and the scan.

The reviewer's defect: with ``home_country: CA`` and projects in CAD, ``home_currency("CA")``
was None (kvrules knew the euro area and five others), so no amount counted toward a foreign-
funding share, silently; ``config check`` then said "no exchange rate for CAD … add their rates
to the exchange-rates file", though no such file was configured.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest
from click.testing import CliRunner

from kvrules import Evaluator, load_rulebook
from kvrules.cli import cli
from kvrules.enrich import Enricher
from kvrules.enrich.funding import HOME_CURRENCIES, FundingShares, home_currency
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.rulebook.cases import event_from_given
from kvrules.store import Store
from tests.conftest import rule_yaml


def test_every_iso_country_but_antarctica_has_its_currency():
    missing = [c.alpha_2 for c in pycountry.countries if home_currency(c.alpha_2) is None]
    assert missing == ["AQ"]
    assert [home_currency(c) for c in ("CA", "US", "NL", "BG", "GB", "ch", "JP", "PA")] == [
        "CAD", "USD", "EUR", "EUR", "GBP", "CHF", "JPY", "PAB",
    ]  # fmt: skip
    assert all(pycountry.currencies.get(alpha_3=home_currency(c.alpha_2)) for c in pycountry.countries if c.alpha_2 != "AQ")  # fmt: skip


def test_the_shipped_table_is_what_cldr_says_today():
    """When a Babel release brings new CLDR data (a country adopting the euro), this fails
    and prints the table to ship (tests/home_currencies_source.py writes it)."""
    source = pytest.importorskip("tests.home_currencies_source")
    assert HOME_CURRENCIES.read_text(encoding="utf-8") == source.table()


CANADIAN = [
    ("Physics", "CA", 900, "CAD"),  # NSERC
    ("Physics", "CN", 100, "CAD"),
    ("Physics", "US", 50, "USD"),  # NSF, in dollars: not comparable without rates
]


def _project(i: int, unit: str, country: str, amount: int, currency: str) -> dict:
    funder = {"name": f"Fund {country}", "country": country, "amount": amount, "currency": currency}
    return {"id": f"P{i}", "title": f"P{i}", "units": [unit], "funders": [funder]}


def test_a_canadian_institution_gets_a_share_of_its_cad_funding():
    shares = FundingShares("CA")
    for i, line in enumerate(CANADIAN):
        shares.add(_project(i, *line))
    assert shares.reporting == "CAD"
    assert shares.share("Physics", "CAD") == pytest.approx(0.1)
    said = shares.not_compared()
    assert said is not None
    assert said.startswith("funding in USD (1 funding line) counts toward no unit's foreign")
    assert "only amounts in CAD (CA's currency) are compared; set `exchange_rates:`" in said


def test_with_rates_it_is_a_missing_rate_and_without_a_home_currency_it_says_so():
    from datetime import date

    from kvrules.enrich.currency import ExchangeRates

    rates = ExchangeRates(
        currency="CAD", as_of=date(2026, 12, 1), source="Bank of Canada", rates={}
    )
    shares = FundingShares("CA", rates)
    shares.add(_project(1, "Physics", "US", 50, "USD"))
    assert (shares.not_compared() or "").startswith("no exchange rate for USD (1 funding line)")
    antarctic = FundingShares("AQ")
    assert "knows no currency for home country AQ" in (antarctic.not_compared() or "")
    every_amount = FundingShares("CA")
    every_amount.add(_project(1, "Physics", "CA", 50, "CAD"))
    assert every_amount.not_compared() is None


def test_config_check_says_why_and_how_without_an_exchange_rates_file(tmp_path: Path):
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        for i, line in enumerate(CANADIAN):
            given = {"kind": "project.created", "project": _project(i, *line)}
            store.record_subject(event_from_given(given, f"P{i}"))
    config = tmp_path / "kvrules.yaml"
    config.write_text(f"database: {db}\nhome_country: CA\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    said = " ".join((result.output + (result.stderr or "")).split())
    assert (
        "warning: exchange_rates: funding in USD (1 funding line) counts toward no unit's" in said
    )
    assert "add their rates to the exchange-rates file" not in said


def test_the_scan_says_it_in_one_line(tmp_path: Path, write_rulebook):
    exports = tmp_path / "exports"
    exports.mkdir()
    lines = []
    for i, line in enumerate(CANADIAN):
        event = {
            "id": f"P{i}:v1",
            "kind": "project.created",
            "occurred_at": "2026-01-01T00:00:00Z",
            "source": {"system": "file", "record_id": f"P{i}"},
            "project": _project(i, *line),
        }
        lines.append(json.dumps(event))
    (exports / "projects.jsonl").write_text("\n".join(lines) + "\n")
    book = load_rulebook(
        write_rulebook(
            rule_yaml("cap", "project.foreign_funding_share > 0.25", on="project.created")
        )
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    with Evaluator([book]) as evaluator, Store.open(tmp_path / "scan.db") as store:
        scanner = Scanner(store, "file", adapter, evaluator, Enricher(None, []), home_country="CA")
        report = scanner.scan()
    assert report.funding_not_compared is not None
    assert report.funding_not_compared.startswith("funding in USD (1 funding line)")


def test_funders_without_an_amount_are_named_so_not_as_currency_question_mark(tmp_path: Path):
    """`scan` and `config check` said "funding in ? (2 funding lines)" of funders named with
    no amount and no currency; no exchange rate could help them."""
    shares = FundingShares("NL")
    unnamed = {"name": "NWO", "country": "NL"}
    shares.add({"id": "P1", "units": ["EEMCS"], "funders": [unnamed, {**unnamed, "name": "ERC"}]})
    said = shares.not_compared()
    assert said == (
        "2 funding lines without an amount count toward no unit's foreign-funding share; give "
        "them an amount and a currency in the research information system"
    )
    shares.add({"id": "P2", "units": ["EEMCS"], "funders": [{**unnamed, "amount": 10}]})
    shares.add(_project(3, "EEMCS", "US", 50, "USD"))
    said = shares.not_compared() or ""
    assert said.startswith("funding in USD (1 funding line) counts toward no unit's")
    assert said.endswith(
        "; 2 funding lines without an amount and 1 funding line with an amount but no currency "
        "count toward no unit's foreign-funding share; give them an amount and a currency in "
        "the research information system"
    )
    assert "?" not in said
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        given = {"kind": "project.created", "project": {"id": "P1", "title": "P1",
                 "funders": [unnamed, {**unnamed, "name": "ERC"}]}}  # fmt: skip
        store.record_subject(event_from_given(given, "P1"))
    config = tmp_path / "kvrules.yaml"
    config.write_text(f"database: {db}\nhome_country: NL\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    checked = " ".join((result.output + (result.stderr or "")).split())
    assert "warning: exchange_rates: 2 funding lines without an amount count toward" in checked
    assert "?" not in checked.split("exchange_rates:")[1].split("warning")[0]
