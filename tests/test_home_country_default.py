"""One default home country, Config's: no part of kvrules assumes NL on its own.

The reviewer's r6: `Config.home_country` defaulted to None while the pipeline, the web
settings, the portfolio and the report still defaulted to "NL", so a caller that left it out
(a plugin, a test, a future command) screened as a Dutch institution.
"""

from __future__ import annotations

import inspect
from dataclasses import fields
from pathlib import Path

from kvrules.config import DEFAULT_HOME_COUNTRY, Config
from kvrules.pipeline import Scanner
from kvrules.store import Store
from kvrules.web import portfolio, reportpage
from kvrules.web.settings import WebSettings


def test_every_home_country_parameter_defaults_to_configs():
    assert Config().home_country is DEFAULT_HOME_COUNTRY is None
    defaults = {
        "Scanner": inspect.signature(Scanner).parameters["home_country"].default,
        "portfolio.build": inspect.signature(portfolio.build).parameters["home_country"].default,
        "write_report": inspect.signature(reportpage.write_report)
        .parameters["home_country"]
        .default,
        "WebSettings": next(f.default for f in fields(WebSettings) if f.name == "home_country"),
    }
    assert defaults == dict.fromkeys(defaults, Config().home_country)


def test_a_portfolio_built_without_a_home_country_assumes_none(tmp_path: Path):
    with Store.open(tmp_path / "k.db", create=True) as store:
        built = portfolio.build(store)
    assert built.home_country is None and built.funding.home is None
    assert (
        portfolio.Portfolio(home_country=None, generated_at=built.generated_at).funding.home is None
    )
