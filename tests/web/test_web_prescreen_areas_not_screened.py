"""The web pre-screen (page and Markdown download) and the API say that a topic in a language
the area glossaries do not cover had its technology fields not screened, in the case page's
words, never "none found"."""

from __future__ import annotations

import html
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.report import md_text
from tests.test_prescreen_areas_not_screened import POLISH, SAID
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import app_for


def test_the_page_and_its_markdown_say_it(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    pid = prescreen_id(submit(client, {"topic": POLISH}))
    page = html.unescape(client.get(f"/prescreen/{pid}").text)
    areas = page.split("<dt>Sensitive research areas</dt>", 1)[1].split("</dd>", 1)[0]
    assert SAID in areas and "none found" not in areas
    assert f"Sensitive research areas: {md_text(SAID)}" in client.get(f"/prescreen/{pid}.md").text


def test_the_api_says_it(db: Path, screener: Screener) -> None:
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    api = app_for(db, screener=screener)
    bearer = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    answer = api.post("/api/v1/screen", json={"topic": POLISH}, headers=bearer).json()
    assert answer["areas_not_screened"] == ["Polish"]
    assert answer["in_words"]["areas_not_screened"] == [SAID]
    assert answer["triage"]["complete"] is False
