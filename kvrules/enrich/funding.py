"""The share of each unit's funding that comes from abroad, from the records kvrules remembers.

Rules see it as ``project.foreign_funding_share``: for a project with a funder from abroad, the
highest share among the project's units.
Amounts are compared in one currency: the reporting currency of the institution's exchange
rates (:mod:`kvrules.enrich.currency`), or without rates the home country's own currency. A
funder in a currency that cannot be converted does not count at all (``unrated`` says which
currencies, and how many funding lines): counted in its own currency, a unit's dollars from an
American funder would be "100% foreign" whatever the rest of its funding.

It is computed from the stored records at the start of a scan, so it describes the portfolio
as last screened, not a single event, and only once a source has been read completely: until
the first read ends (it may take several scans, one stopped or killed and the next resuming)
the scanner uses no shares, because a share of the projects read so far is not the unit's
share. The portfolio report uses the same figures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kvrules.enrich.currency import ExchangeRates
from kvrules.jurisdiction import EU_MEMBERS, domestic_countries, sovereign_of
from kvrules.model import Project

Key = tuple[str, str]  # (unit, currency)

# Each ISO country's currency (Unicode CLDR through Babel, written by
# tests/home_currencies_source.py and checked against it): without an exchange-rates file,
# amounts in the home currency are what a share compares.
HOME_CURRENCIES = Path(__file__).parent / "data" / "home_currencies.yaml"
# Where the exchange-rates file is described, named wherever amounts cannot be compared
RATES_DOC = "README, 'Exchange rates'"


@cache
def _home_currencies() -> dict[str, str]:
    return yaml.safe_load(HOME_CURRENCIES.read_text(encoding="utf-8"))


def home_currency(home: str) -> str | None:
    """The home country's currency (None: a country without one, Antarctica)."""
    return _home_currencies().get(home.upper())


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    # A negative amount (a repayment, a correction, a slip) is no funding: counted, it could
    # push a share above 1 or below 0, which the model (0 <= share <= 1) refuses on re-screening.
    return amount if amount.is_finite() and amount > 0 else Decimal(0)


class FundingShares:
    """Foreign and total funding per (unit, currency); a project's amount counts for each unit."""

    def __init__(self, home_country: str | None, rates: ExchangeRates | None = None) -> None:
        # No home country (not configured): nothing is foreign or domestic, so nothing counts.
        self.home = home_country.upper() if home_country else None
        self.domestic = domestic_countries(self.home) if self.home else frozenset()
        self.rates = rates
        home = home_currency(self.home) if self.home else None
        self.reporting = (rates.currency if rates else home) if self.home else None
        self.unrated: dict[str, int] = {}  # currency -> funding lines left out: no rate for it
        # funding lines left out for want of a currency: (without an amount, with one)
        self.no_currency = [0, 0]
        self.foreign: dict[Key, Decimal] = {}
        self.total: dict[Key, Decimal] = {}
        self.lines: dict[Key, int] = {}  # foreign funding lines behind ``foreign``

    @classmethod
    def from_subjects(
        cls,
        subjects: Iterable[tuple[str, str, str, dict]],
        home: str | None,
        rates: ExchangeRates | None = None,
    ) -> FundingShares:
        shares = cls(home, rates)
        for _system, _record, kind, body in subjects:
            if kind == "project" and isinstance(body.get("project"), dict):
                shares.add(body["project"])
        return shares

    def counts(self, code: str | None) -> bool:
        """Whether an amount in ``code`` can be compared with the rest (converted, or already
        in the reporting currency)."""
        if code is None or self.reporting is None:
            return False
        return code == self.reporting or bool(self.rates and code in self.rates.rates)

    def add(self, project: dict[str, Any], *, unitless: str | None = None) -> None:
        """Count a project's funders for each of its units (``unitless``: for projects without)."""
        if self.home is None:
            return
        units = project.get("units") or ([unitless] if unitless else [])
        for funder in project.get("funders") or ():
            amount, currency = _amount(funder.get("amount")), funder.get("currency")
            if not currency:  # nothing any rate could convert: say which, not "?"
                self.no_currency[bool(amount)] += 1
                continue
            if not self.counts(currency):
                self.unrated[currency] = self.unrated.get(currency, 0) + 1
                continue
            if self.rates:
                amount, currency = self.rates.to_reporting(amount, currency)
            foreign = bool(funder.get("country")) and funder["country"] not in self.domestic
            for unit in units:
                key = (unit, currency)
                self.total[key] = self.total.get(key, Decimal(0)) + amount
                if foreign:
                    self.foreign[key] = self.foreign.get(key, Decimal(0)) + amount
                    self.lines[key] = self.lines.get(key, 0) + 1

    @property
    def domestic_label(self) -> str:
        """The home country, with "and the EU" when EU funding counts as domestic."""
        if self.home is None:
            return "the home country (home_country is not set)"
        return f"{self.home} and the EU" if sovereign_of(self.home) in EU_MEMBERS else self.home

    def digest(self) -> str:
        """Changes whenever any unit's share does (to know when to re-screen)."""
        body = repr(sorted((k, str(v), str(self.foreign.get(k, 0))) for k, v in self.total.items()))
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def changed_units(self, other: FundingShares) -> set[str]:
        """Units whose share in some currency differs between ``self`` and ``other``."""
        keys = self.total.keys() | other.total.keys()
        return {unit for unit, cur in keys if self.share(unit, cur) != other.share(unit, cur)}

    def share(self, unit: str, currency: str) -> float | None:
        total = self.total.get((unit, currency))
        if not total:
            return None
        return float(self.foreign.get((unit, currency), Decimal(0)) / total)

    def for_project(self, project: Project) -> float | None:
        """For a project with funding from abroad, the highest foreign share among its units
        (None: no foreign funder, or nothing known). Only the projects that make a unit
        dependent carry it, so a unit above the cap does not flag each of its domestic ones."""
        return self._highest(project.units, [(f.country, f.currency) for f in project.funders])

    def for_stored(self, project: dict[str, Any]) -> float | None:
        """``for_project`` of a project as the store keeps it (JSON), without building it."""
        funders = [(f.get("country"), f.get("currency")) for f in project.get("funders") or ()]
        return self._highest(project.get("units") or [], funders)

    def _highest(
        self, units: Iterable[str], funders: list[tuple[str | None, str | None]]
    ) -> float | None:
        foreign = [cur for country, cur in funders if country and country not in self.domestic]
        if self.reporting is None or not any(self.counts(cur) for cur in foreign):
            return None
        shares = [self.share(unit, self.reporting) for unit in units]
        return max((s for s in shares if s is not None), default=None)

    def unrated_summary(self) -> str | None:
        """Which currencies lack a rate, most used first: "CNY (12 funding lines), USD (1
        funding line)"; None: every amount was counted."""
        parts = sorted(self.unrated.items(), key=lambda kv: (-kv[1], kv[0]))
        lines = [f"{code} ({_lines(n)})" for code, n in parts]
        return ", ".join(lines) or None

    def not_compared(self) -> str | None:
        """Why some amounts count toward no share, and how to fix it, in one line (None: every
        amount was compared)."""
        how = (
            "set `exchange_rates:` in the configuration to a rates file (currency, as_of, "
            f"source, rates: {RATES_DOC})"
        )
        if self.home is None:
            return (
                "no foreign-funding share: home_country is not set; set it to your "
                "institution's country (ISO code) in the configuration"
            )
        if self.reporting is None:
            return (
                f"no foreign-funding share: kvrules knows no currency for home country "
                f"{self.home} to compare amounts in; {how}"
            )
        summary = self.unrated_summary()
        if summary is None:
            return self._without_currency()
        return "; ".join(filter(None, [self._unrated(summary), self._without_currency()]))

    def _without_currency(self) -> str | None:
        """Funding lines no exchange rate can help with: "2 funding lines without an amount"."""
        unsaid, uncurrencied = self.no_currency
        parts = [f"{_lines(unsaid)} without an amount"] if unsaid else []
        parts += [f"{_lines(uncurrencied)} with an amount but no currency"] if uncurrencied else []
        if not parts:
            return None
        verb = "counts" if unsaid + uncurrencied == 1 else "count"
        return (
            f"{' and '.join(parts)} {verb} toward no unit's foreign-funding share; give them an "
            "amount and a currency in the research information system"
        )

    def _unrated(self, summary: str) -> str:
        how = (
            "set `exchange_rates:` in the configuration to a rates file (currency, as_of, "
            f"source, rates: {RATES_DOC})"
        )
        if self.rates is None:
            return (
                f"funding in {summary} counts toward no unit's foreign-funding share: without "
                f"exchange rates only amounts in {self.reporting} ({self.home}'s currency) are "
                f"compared; {how}"
            )
        return (
            f"no exchange rate for {summary}: these funders do not count toward any unit's "
            "foreign-funding share; add their rates to the exchange-rates file "
            f"(`exchange_rates:`; {RATES_DOC})"
        )


def _lines(n: int) -> str:
    return f"{n} funding line{'' if n == 1 else 's'}"
