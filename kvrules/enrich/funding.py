"""The share of each unit's funding that comes from abroad, from the records kvrules remembers.

Rules see it as ``project.foreign_funding_share``: the highest share among the project's units
(per currency, since amounts are not converted). It is computed from the stored records at the
start of a scan, so it describes the portfolio as last screened, not a single event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from kvrules.model import Project

Key = tuple[str, str]  # (unit, currency)


def _amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


class FundingShares:
    """Foreign and total funding per (unit, currency); a project's amount counts for each unit."""

    def __init__(self, home_country: str) -> None:
        self.home = home_country.upper()
        self.foreign: dict[Key, Decimal] = {}
        self.total: dict[Key, Decimal] = {}

    @classmethod
    def from_subjects(cls, subjects: Iterable[tuple[str, str, str, dict]], home: str):
        shares = cls(home)
        for _system, _record, kind, body in subjects:
            if kind == "project" and isinstance(body.get("project"), dict):
                shares.add(body["project"])
        return shares

    def add(self, project: dict[str, Any]) -> None:
        for unit in project.get("units") or ():
            for funder in project.get("funders") or ():
                key = (unit, funder.get("currency") or "?")
                amount = _amount(funder.get("amount"))
                self.total[key] = self.total.get(key, Decimal(0)) + amount
                if funder.get("country") and funder["country"] != self.home:
                    self.foreign[key] = self.foreign.get(key, Decimal(0)) + amount

    def digest(self) -> str:
        """Changes whenever any unit's share does (to know when to re-screen)."""
        body = repr(sorted((k, str(v), str(self.foreign.get(k, 0))) for k, v in self.total.items()))
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def share(self, unit: str, currency: str) -> float | None:
        total = self.total.get((unit, currency))
        if not total:
            return None
        return float(self.foreign.get((unit, currency), Decimal(0)) / total)

    def for_project(self, project: Project) -> float | None:
        """The highest foreign share among the project's units (None: nothing known)."""
        currencies = {f.currency or "?" for f in project.funders} or {
            cur for (_, cur) in self.total
        }
        shares = [
            s
            for unit in project.units
            for cur in currencies
            if (s := self.share(unit, cur)) is not None
        ]
        return max(shares, default=None)
