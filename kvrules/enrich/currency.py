"""Exchange rates the institution supplies, to compare funding given in different currencies.

kvrules ships no rates (they change daily and a finance department has its own): a YAML file
names the reporting currency, the date and source of the rates, and how many units of each
other currency make one unit of the reporting currency, e.g.::

    currency: EUR
    as_of: 2026-11-02
    source: ECB euro foreign exchange reference rates
    rates: {USD: 1.0832, GBP: 0.8621, CNY: 7.7781}

An amount in a currency without a rate is left out of every share, and named as lacking a
rate by ``config check`` and the portfolio.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kvrules.errors import problem_text
from kvrules.model import currency_code


class ExchangeRates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str = Field(description="the reporting currency (ISO 4217)")
    as_of: date
    source: str = Field(min_length=1, description="where the rates come from")
    rates: dict[str, Decimal] = Field(description="units of each currency per reporting unit")

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        return currency_code(v)

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        out = {}
        for code, rate in v.items():
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"rate for {code} must be a positive number, not {rate}")
            normal = currency_code(code)
            if normal in out:  # "usd" and "USD": which one the finance department meant is unknown
                raise ValueError(f"{normal} is given twice")
            out[normal] = rate
        return out

    @model_validator(mode="after")
    def _reporting_rate(self) -> ExchangeRates:
        # to_reporting never reads the reporting currency's own rate: anything but 1 is a
        # mistake in the file (another base currency?) that would otherwise pass unnoticed.
        rate = self.rates.get(self.currency)
        if rate is not None and rate != 1:
            raise ValueError(
                f"rates: {self.currency} is the reporting currency: its rate is 1, not {rate}"
            )
        return self

    def to_reporting(self, amount: Decimal, currency: str) -> tuple[Decimal, str]:
        """``amount`` in the reporting currency, or as it is when there is no rate for it."""
        if currency == self.currency:
            return amount, currency
        rate = self.rates.get(currency)
        return (amount / rate, self.currency) if rate else (amount, currency)

    def describe(self) -> str:
        return (
            f"converted to {self.currency} at the rates of {self.as_of.isoformat()} ({self.source})"
        )


def load_rates(path: str | Path) -> ExchangeRates:
    """Read a rates file; ValueError names the file and what is wrong with it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ExchangeRates.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read exchange rates: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {problem_text(e)}" for e in exc.errors()
        )
        raise ValueError(f"{path}: {problems}") from None
