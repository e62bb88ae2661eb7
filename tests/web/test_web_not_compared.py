"""The web pre-screen (page, Markdown download) and the API say which awards no threshold
compared, in the sentence ``scan``, ``evaluate`` and ``kvrules check`` print."""

from __future__ import annotations

import html
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.report import md_text
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import app_for

GBP = (
    "Not compared: no threshold for GBP (1 award) in "
    "“Large award (>= EUR 1,000,000 or USD 1,100,000) from a foreign funder”, "
    "“Sizeable award (>= EUR 250,000 or USD 275,000) from a funder in a country with risk signals”; an institution declares its own per "
    "currency in the rulebook's vars (rulebook_vars in kvrules.yaml)."
)


def test_the_page_and_its_markdown_say_it(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    fields = {
        "topic": "medieval manuscripts",
        "funder0_name": "Wellcome Trust",
        "funder0_country": "GB",
        "funder0_amount": "3000000",
        "funder0_currency": "GBP",
    }
    pid = prescreen_id(submit(client, fields))
    page = html.unescape(client.get(f"/prescreen/{pid}").text)
    said = page.split('id="not-compared">', 1)[1].split("</p>", 1)[0]
    assert said == GBP
    assert md_text(GBP) in client.get(f"/prescreen/{pid}.md").text


def test_the_api_says_it(db: Path, screener: Screener) -> None:
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    api = app_for(db, screener=screener)
    body = {"funders": [{"name": "Wellcome Trust", "country": "GB", "amount": 3000000,
                         "currency": "GBP"}]}  # fmt: skip
    bearer = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    answer = api.post("/api/v1/screen", json=body, headers=bearer).json()
    assert answer["not_compared"] == GBP
