"""Error pages say what happened (WCAG 2.4.6, 3.3.1): the review found headings "404",
"403", "400" alone, Starlette's "Not Found", its "Field exceeded maximum size of 1024KB.",
and "Back to the cases" offered to a grant officer, who has no case list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.web_helpers import app_for, case_form, case_id, login


def _main(page: str) -> str:
    found = re.search(r'<main id="main">(.*)</main>', page, re.DOTALL)
    assert found
    return found.group(1)


def _h1(page: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page)
    assert found
    return found.group(1)


@pytest.mark.parametrize(
    ("name", "back"),
    [
        ("committee", '<a href="/cases">Back to the cases</a>'),
        ("viewer", '<a href="/cases">Back to the cases</a>'),
        ("grant-officer", '<a href="/prescreen">Back to the pre-screen</a>'),
        (None, '<a href="/login">Sign in</a>'),
    ],
)
def test_an_unknown_address_is_page_not_found_in_words_with_the_way_back(
    db: Path, name: str | None, back: str
) -> None:
    client = app_for(db)
    if name:
        login(client, name)
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert _h1(page.text) == "Page not found"
    assert "<title>Page not found · kvrules</title>" in page.text
    main = _main(page.text)
    assert "Not Found" not in main and "There is no page at this address" in main
    assert back in main
    assert main.count("<a href=") == 1  # one way back: no case list for a grant officer


def test_a_grant_officer_refused_a_case_action_is_sent_back_to_the_pre_screen(db: Path) -> None:
    client = app_for(db)
    login(client, "grant-officer")
    cid = case_id(db)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/prescreen").text)
    assert token
    page = client.post(f"/cases/{cid}/triage", data={"colour": "red", "csrf_token": token.group(1)})
    assert page.status_code == 403
    assert _h1(page.text) == "Not allowed"
    assert '<a href="/prescreen">Back to the pre-screen</a>' in page.text
    assert "/cases" not in _main(page.text)


def test_a_field_over_a_megabyte_is_refused_in_kvrules_words(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    typed = {**case_form(client, cid), "decision": "reject", "rationale": "x" * (1024 * 1024 + 1)}
    page = client.post(f"/cases/{cid}/decide", data=typed)
    # The whole form is over a case form's 1 MB cap: refused before Starlette's parser reads a
    # field (kvrules.web.bodies), in kvrules' words.
    assert page.status_code == 413
    assert _h1(page.text) == "Too large"
    main = _main(page.text)
    assert "Field exceeded" not in main and "1024KB" not in main
    assert "Not done: the form sent is larger than 1 MB." in main
