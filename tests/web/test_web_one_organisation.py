"""The web pre-screen (page, its Markdown download) and the API say when partners described
under several spellings are one organisation, as ``kvrules check`` does."""

from __future__ import annotations

import html
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import app_for

SPELLINGS = ["北京航空航天大学", "Dept. of Physics, Beihang Univ.", "BUAA"]
ONE = "These 3 partners are one organisation (ROR 00wk2mp56; "


def test_the_page_and_its_markdown_say_the_partners_are_one_organisation(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    fields = {"topic": "medieval manuscripts"}
    for i, name in enumerate(SPELLINGS):
        fields |= {f"partner{i}_name": name, f"partner{i}_country": "CN"}
    pid = prescreen_id(submit(client, fields))
    page = html.unescape(client.get(f"/prescreen/{pid}").text)
    said = page.split('id="one-organisation"', 1)[1].split("</ul>", 1)[0]
    assert ONE in said and "; ".join(SPELLINGS[:2]) in said
    assert ONE in client.get(f"/prescreen/{pid}.md").text


def test_the_api_says_it(db: Path, screener: Screener) -> None:
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    api = app_for(db, screener=screener)
    body = {"partners": [{"name": n, "country": "CN"} for n in SPELLINGS]}
    bearer = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    answer = api.post("/api/v1/screen", json=body, headers=bearer).json()
    [line] = answer["one_organisation"]
    assert line.startswith(ONE)
