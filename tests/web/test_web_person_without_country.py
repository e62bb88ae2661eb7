"""A name that reads as a person's gets the same answer with or without a country, on every
pre-screening surface: NOT COMPLETE, "names a person, not an organisation … give the
institution they work for". Reviewer, 2026-12-07: `kvrules check --partner "Dr. Wei Zhang"`
was GREEN and asked for "'Dr. Wei Zhang (COUNTRY)'", an invitation to give a person's country
(in effect their nationality); with "(CN)" it was NOT COMPLETE."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit

PERSON = "Dr. Wei Zhang"
SAID = (
    f"{PERSON}: names a person, not an organisation, and a person is not screened on a "
    "country{given}; give the institution they work for (its full name and country, or its "
    "ROR id)"
)


def _never_asked_for_a_country(text: str) -> None:
    assert "(COUNTRY)" not in text and "no country given" not in text, text


@pytest.mark.parametrize(("partner", "given"), [(PERSON, ""), (f"{PERSON} (CN)", " (CN given)")])
def test_check_answers_the_same_with_or_without_a_country(partner: str, given: str) -> None:
    result = CliRunner().invoke(cli, ["check", "--partner", partner, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["triage"]["headline"] == "NOT COMPLETE"
    assert answer["in_words"]["unidentified"] == [SAID.format(given=given)]
    assert answer["in_words"]["not_checked"] == []
    plain = CliRunner().invoke(cli, ["check", "--partner", partner])
    assert plain.stdout.startswith("NOT COMPLETE"), plain.stdout
    _never_asked_for_a_country(plain.stdout)


def test_the_web_pre_screen_and_its_markdown_answer_the_same(db: Path, screener: Screener):
    client = signed_in(db, screener, "grant-officer")
    pid = prescreen_id(submit(client, {"topic": "optics", "partner0_name": PERSON}))
    page = html.unescape(client.get(f"/prescreen/{pid}").text)
    assert "NOT COMPLETE" in page and SAID.format(given="") in page
    _never_asked_for_a_country(page)
    md = client.get(f"/prescreen/{pid}.md").text
    assert "give the institution they work for" in md
    _never_asked_for_a_country(md)
