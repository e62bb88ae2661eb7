"""The web pre-screen and the API read amounts and currencies by the stated rule of
``kvrules.amounts`` (reviewer, 2026-12-07, main 9de3e1d: "250.000" typed in the form was read
as 250 and the RED of a sizeable award dropped to AMBER; a currency "€" gave a 500 page that
lost what was typed, and a plain-text 500 from the API)."""

from __future__ import annotations

import html
from pathlib import Path

import requests

from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_api import app, screen, tokens, url  # noqa: F401 (app, url: fixtures)
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import app_for, login

FUNDER = {
    "topic": "soil science",
    "funder0_name": "Example Industrial Group",
    "funder0_country": "CN",
    "funder0_currency": "EUR",
}


def test_an_ambiguous_amount_is_refused_and_the_form_shown_again(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    r = submit(client, {**FUNDER, "funder0_amount": "250.000"})
    page = html.unescape(r.text)
    assert r.status_code == 400
    assert "Funder 1, amount: '250.000' is ambiguous" in page
    assert 'value="250.000"' in r.text and 'value="Example Industrial Group"' in r.text


def test_a_dutch_written_amount_with_its_sign_reaches_the_funding_rules(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    fields = {**FUNDER, "funder0_amount": "€ 1.234.567,00", "funder0_currency": ""}
    page = client.get(f"/prescreen/{prescreen_id(submit(client, fields))}").text
    assert "large-funding-country-of-concern" in page
    with Store.open(db) as store:
        funder = store.prescreens("grant-officer")[0].proposal["funders"][0]
    assert (funder["amount"], funder["currency"]) == ("1234567.00", "EUR")


def test_a_currency_sign_is_refused_with_the_code_to_write(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    r = submit(client, {**FUNDER, "funder0_amount": "300000", "funder0_currency": "€"})
    page = html.unescape(r.text)
    assert r.status_code == 400, r.status_code
    assert "Funder 1, currency: '€' is not an ISO 4217 code; write EUR" in page
    assert 'value="300000"' in r.text  # nothing typed is lost


def test_the_api_refuses_a_bad_currency_or_amount_in_json(db: Path, url: str) -> None:  # noqa: F811
    token = tokens(db, "add", "grants-portal")
    for funder, said in (
        ({"currency": "€", "amount": 100}, "'€' is not an ISO 4217 code; write EUR"),
        ({"currency": "", "amount": 100}, "'' is not an ISO 4217 code"),
        ({"currency": "EUR", "amount": "250.000"}, "'250.000' is ambiguous"),
        ({"currency": "EUR", "amount": -5}, "is negative"),
    ):
        body = {"funders": [{"name": "European Commission", **funder}]}
        r = screen(url, token, body)
        assert r.status_code == 422, (funder, r.status_code, r.text)
        assert said in r.json()["error"], r.json()
    declared = f"{url}/api/v1/screen?decimal_separator=,"
    body = {"funders": [{"name": "European Commission", "amount": "250.000", "currency": "EUR"}]}
    r = requests.post(declared, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 200, r.text


def test_the_site_decimal_separator_reads_an_english_amount_and_the_form_says_it(
    db: Path, screener: Screener
) -> None:
    """Left from the last session: the CLI and the API took a decimal separator, the form did
    not, so an English site typing "250,000" was refused as ambiguous at every pre-screen."""
    unset = signed_in(db, screener, "grant-officer")
    form = html.unescape(unset.get("/prescreen").text)
    assert "250,000 alone could be thousands or a fraction" in form  # said before typing
    assert "'250,000' is ambiguous" in html.unescape(
        submit(unset, {**FUNDER, "funder0_amount": "250,000"}).text
    )
    english = app_for(db, screener=screener, decimal_separator=".")
    assert login(english, "grant-officer").status_code in (200, 303)
    form = html.unescape(english.get("/prescreen").text)
    assert "Amounts are read with a decimal point, as 250,000 or 250,000.50." in form
    assert 'aria-describedby="amounts-written"' in form  # the amount boxes point to it
    english_id = prescreen_id(submit(english, {**FUNDER, "funder0_amount": "250,000"}))
    # unambiguous amounts read as they did: both separators, and none
    both_id = prescreen_id(submit(english, {**FUNDER, "funder0_amount": "1.234.567,00"}))
    with Store.open(db) as store:
        amounts = {p.id: p.proposal["funders"][0]["amount"] for p in store.prescreens(None)}
    assert (amounts[english_id], amounts[both_id]) == ("250000", "1234567.00")
    dutch = app_for(db, screener=screener, decimal_separator=",")
    assert login(dutch, "grant-officer").status_code in (200, 303)
    assert "decimal comma, as 250.000 or 250.000,50" in dutch.get("/prescreen").text
    dutch_id = prescreen_id(submit(dutch, {**FUNDER, "funder0_amount": "250,000"}))
    with Store.open(db) as store:
        assert store.prescreen(dutch_id).proposal["funders"][0]["amount"] == "250.000"
