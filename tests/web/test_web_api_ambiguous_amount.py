"""The API's refusal of an ambiguous amount names the API's own way to say how amounts are
written, ``?decimal_separator=,`` (reviewer, 2026-12-07: "'€ 250.000' is ambiguous" told a
client to rewrite the amount, never that one query parameter reads it)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.web_helpers import app_for

BODY = {
    "funders": [{"name": "Deutsche Forschungsgemeinschaft", "country": "DE", "amount": "€ 250.000"}]
}


def test_an_ambiguous_amount_is_refused_naming_the_decimal_separator_parameter(
    db: Path, screener: Screener
) -> None:
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    client = app_for(db, screener=screener)
    bearer = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    refused = client.post("/api/v1/screen", json=BODY, headers=bearer)
    assert refused.status_code == 422
    said = refused.json()["error"]
    assert said.startswith("funders.0.amount: '€ 250.000' is ambiguous"), said
    assert "\n" not in said and "?decimal_separator=," in said
    # as it says: the same body with the parameter is read as 250000 euros
    read = client.post("/api/v1/screen?decimal_separator=,", json=BODY, headers=bearer)
    assert read.status_code == 200, read.text
    with Store.open(db) as store:
        kept = store.prescreen(read.json()["id"])
    assert kept is not None and kept.proposal["funders"][0]["amount"] == "250000"
