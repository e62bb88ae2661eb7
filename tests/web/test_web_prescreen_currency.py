"""The web pre-screen's currency: the home currency as the example, and an award without a
currency said not to be compared, as `kvrules check` says it.

The reviewer's defect (a US site): the currency field's placeholder was "EUR", and a blank
currency gave "amount 300,000 (no currency)" with no word that no threshold compared it. Then
(a Dutch/German grant officer, 2026-12-07): the grey "EUR" in the box read as a default that
was never applied, and the answer read complete: the example is said beside the boxes now, no
currency is assumed, and an award compared with nothing makes the pre-screen NOT COMPLETE in
the web form, `check` and the API alike.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_prescreen import prescreen_id, submit
from tests.web.web_helpers import app_for, login

NOT_COMPARED = "Not compared: 1 award without a currency in “Large award"


def _signed_in(db: Path, screener: Screener, home: str | None):
    client = app_for(db, screener=screener, home_country=home)
    assert login(client, "grant-officer").status_code in (200, 303)
    return client


def test_the_currency_example_is_the_home_currency_and_no_default(
    db: Path, screener: Screener
) -> None:
    for home, currency in (("US", "USD"), ("CA", "CAD"), (None, "EUR")):
        page = _signed_in(db, screener, home).get("/prescreen").text
        boxes = re.findall(r'<input id="funder\d+-currency"[^>]*>', page)
        assert boxes and not [box for box in boxes if "placeholder" in box]
        said = re.search(r'<p class="muted" id="amounts-written">([^<]+)</p>', page)
        assert said is not None
        assert (
            f"Give each amount's currency as its three-letter code, such as {currency}: none "
            "is assumed, and an amount without one is compared with no threshold, so the "
            "pre-screen is not complete."
        ) in html.unescape(said.group(1))
        # each currency box points to the sentence, as the amount boxes do
        assert all('aria-describedby="amounts-written"' in box for box in boxes)


CSC = {"name": "China Scholarship Council", "country": "CN", "amount": "1.250.000,50"}
CSC_NOT_COMPARED = (
    "not complete: the award of China Scholarship Council (1,250,000.50) has no currency, so "
    "no threshold compared it — give its currency (an ISO 4217 code such as EUR)"
)


def test_an_award_without_a_currency_is_not_complete_in_the_form_check_and_the_api(
    db: Path, screener: Screener, tmp_path: Path
) -> None:
    client = _signed_in(db, screener, None)
    fields = {
        "topic": "medieval manuscripts",
        "funder0_name": CSC["name"],
        "funder0_country": "CN",
        "funder0_amount": "1250000,50",
        "funder0_currency": "",
    }
    pid = prescreen_id(submit(client, fields))
    with Store.open(db) as store:
        web = store.prescreen(pid).result["triage"]
    assert web["complete"] is False and web["headline"] == "AMBER, NOT COMPLETE"
    assert CSC_NOT_COMPARED in web["reason"]
    page = " ".join(html.unescape(client.get(f"/prescreen/{pid}").text).split())
    assert "AMBER, NOT COMPLETE" in page and CSC_NOT_COMPARED in page

    proposal = tmp_path / "p.yaml"
    proposal.write_text(
        "topic: medieval manuscripts\nfunders:\n"
        '  - {name: China Scholarship Council, country: CN, amount: "1.250.000,50"}\n',
        encoding="utf-8",
    )
    said = CliRunner().invoke(cli, ["check", str(proposal), "--json"])
    assert said.exit_code == 0, said.output
    assert json.loads(said.stdout)["triage"] == web

    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    api = client.post(
        "/api/v1/screen",
        json={"topic": "medieval manuscripts", "funders": [CSC]},
        headers={"Authorization": f"Bearer {issued.stdout.strip()}"},
    )
    assert api.status_code == 200, api.text
    assert api.json()["triage"] == web


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
