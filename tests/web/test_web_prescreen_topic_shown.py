"""The pre-screen page, printed or saved for the grant file, shows the research topic: the text
the sensitive areas were found in (reviewer, 2026-12-07: the page listed the areas and the
partners, and left the topic out; its Markdown download had it)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from kvrules.prescreen import Screener
from tests.web.test_web_prescreen import BEIHANG, prescreen_id, signed_in, submit


def test_the_result_page_shows_the_topic_and_keywords_it_was_screened_on(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    pid = prescreen_id(submit(client, BEIHANG))
    page = html.unescape(client.get(f"/prescreen/{pid}").text)
    described = dict(re.findall(r'<dt>([^<]+)</dt><dd class="described">([^<]*)</dd>', page))
    assert described["Topic"] == "hypersonic propulsion"
    assert described["Keywords"] == "scramjet, combustion"
    # the Markdown download says it in the same words
    markdown = client.get(f"/prescreen/{pid}.md").text
    assert "- Topic: hypersonic propulsion" in markdown
