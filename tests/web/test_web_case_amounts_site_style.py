"""Amounts on the case page are written as the site writes them: a reviewer's German site saw
"€1,250,000.5" (one decimal, English style) for 1,250,000.50 euros."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kvrules.plain import money
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login


@pytest.mark.parametrize(
    ("separator", "shown"),
    [(",", "€1.250.000,50"), (".", "€1,250,000.50"), (None, "€1,250,000.50")],
)
def test_the_case_page_writes_cents_in_the_sites_style(
    db: Path, separator: str | None, shown: str
) -> None:
    ev = event("p-1", "Harbin Institute of Technology", "CN", with_match=True)
    ev.project.funders[0].amount = Decimal("1250000.50")
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db, decimal_separator=separator)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    funder = page.split("<h3>Funders</h3>", 1)[1].split("</table>", 1)[0]
    assert shown in funder and "1,250,000.5<" not in funder


def test_money_keeps_whole_amounts_whole_and_other_currencies_by_code() -> None:
    assert money(250000, "EUR", ",") == "€250.000"
    assert money("1200.5", "CHF") == "CHF 1,200.50"
    assert money("a lot", "EUR") == "a lot EUR"
