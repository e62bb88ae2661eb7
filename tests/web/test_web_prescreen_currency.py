"""The web pre-screen's currency: the home currency as the example, and an award without a
currency said not to be compared, as `kvrules check` says it.

The reviewer's defect (a US site): the currency field's placeholder was "EUR", and a blank
currency gave "amount 300,000 (no currency)" with no word that no threshold compared it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from tests.web.test_web_prescreen import prescreen_id, submit
from tests.web.web_helpers import app_for, login

NOT_COMPARED = "Not compared: 1 award without a currency in “Large award"


def _signed_in(db: Path, screener: Screener, home: str | None):
    client = app_for(db, screener=screener, home_country=home)
    assert login(client, "grant-officer").status_code in (200, 303)
    return client


def test_the_currency_example_is_the_home_currency(db: Path, screener: Screener) -> None:
    for home, currency in (("US", "USD"), ("CA", "CAD"), (None, "EUR")):
        page = _signed_in(db, screener, home).get("/prescreen").text
        assert set(re.findall(r'_currency"[^>]*placeholder="([A-Z]+)"', page)) == {currency}


def test_an_award_without_a_currency_is_said_not_compared(
    db: Path, screener: Screener, tmp_path: Path
) -> None:
    client = _signed_in(db, screener, "US")
    fields = {
        "topic": "soil science",
        "funder0_name": "National Natural Science Foundation of China",
        "funder0_country": "CN",
        "funder0_amount": "300000",
        "funder0_currency": "",
    }
    page = html.unescape(client.get(f"/prescreen/{prescreen_id(submit(client, fields))}").text)
    assert NOT_COMPARED in " ".join(page.split())
    # as check says it
    proposal = tmp_path / "p.json"
    proposal.write_text(
        json.dumps(
            {
                "topic": "soil science",
                "funders": [{"name": fields["funder0_name"], "country": "CN", "amount": 300000}],
            }
        ),
        encoding="utf-8",
    )
    said = CliRunner().invoke(cli, ["check", str(proposal)])
    assert said.exit_code == 0, said.output
    assert NOT_COMPARED in " ".join(said.output.split())
