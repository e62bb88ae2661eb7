"""JSON nested deeper than any proposal is one clear answer, never a 500 with a traceback
(security review 2026-12-07, item 7: 100,000 '[' raised RecursionError in the API and in the
pre-screen's partners file), over a real server for the API."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kvrules.prescreen import Screener
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.test_web_api import tokens
from tests.web.test_web_prescreen import signed_in
from tests.web.web_helpers import SECRET, served, token

DEEP = "[" * 100_000


@pytest.fixture
def url(db: Path, screener: Screener) -> Iterator[str]:
    with served(create_app(WebSettings(db=db, secret_key=SECRET, screener=screener))) as (u, _):
        yield u


def test_the_api_answers_400_to_a_body_nested_too_deep(
    db: Path,
    url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    r = requests.post(
        f"{url}/api/v1/screen",
        data=DEEP,
        headers={
            "Authorization": f"Bearer {tokens(db, 'add', 'grants-portal')}",
            "Content-Type": "application/json",
        },
        timeout=60,
    )
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "the body is not JSON: send the proposal as a JSON object"}
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


def test_a_partners_file_nested_too_deep_is_one_line_on_the_form(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    t = token(client.get("/prescreen").text)
    r = client.post(
        "/prescreen",
        data={"csrf_token": t, "topic": "x"},
        files={"partners_file": ("p.jsonl", (DEEP + "\n").encode(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert r.status_code == 400, r.status_code
    assert "p.jsonl, row 1: not JSON: nested more than 64 levels deep" in html.unescape(r.text)
