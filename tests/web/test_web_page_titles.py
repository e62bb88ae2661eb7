"""Every page's title is words only (WCAG 2.4.2): the pre-screen page's title held the markup
of its script element, ``Pre-screen<script src="/static/prescreen.js" defer></script> ·
kvrules``, which a screen reader reads out and a browser tab shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvrules.prescreen import Screener
from tests.web.web_helpers import app_for, case_id, login

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def _title(html: str) -> str:
    found = TITLE.search(html)
    assert found, "the page has no <title>"
    return found.group(1)


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    [
        ("grant-officer", "/prescreen", "Pre-screen · kvrules"),
        ("committee", "/prescreen", "Pre-screen · kvrules"),
        ("committee", "/cases", "Cases · kvrules"),
        ("committee", "/audit", "Audit log · kvrules"),
        ("committee", "/report", "Portfolio report · kvrules"),
        ("committee", "/mitigations", "Mitigations · kvrules"),
        ("committee", "/adjudications", "Adjudications · kvrules"),
        ("admin", "/admin/users", "Accounts · kvrules"),
    ],
)
def test_each_page_title_is_words_without_markup(
    db: Path, screener: Screener, name: str, path: str, expected: str
) -> None:
    client = app_for(db, screener=screener)
    login(client, name)
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert _title(response.text) == expected


def test_a_case_page_title_is_words_without_markup(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    assert _title(client.get(f"/cases/{cid}").text) == f"Case {cid} · kvrules"
