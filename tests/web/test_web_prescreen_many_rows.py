"""A pre-screen of many partner rows, as the page posts them (multipart: name, country and ROR
id per row, and the partners file field). Reviewer, 2026-12-07: 340 rows, fewer than
``MAX_ROWS`` (500), answered HTTP 400 "Too many fields…" on a generic page, all typed lost:
Starlette reads at most 1000 fields of a form unless told. Real parts: the app, the screener,
the shipped rulebooks and lists."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from kvrules.prescreen import Screener
from kvrules.web.prescreen import FORM_FIELDS, MAX_ROWS
from tests.web.test_web_prescreen import prescreen_id, signed_in
from tests.web.web_helpers import token

EMPTY_FILE = {"partners_file": ("", b"", "application/octet-stream")}  # as a browser sends it


def _rows(count: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    for i in range(count):
        fields |= {
            f"partner{i}_name": f"Example Institute {i}",
            f"partner{i}_country": "BE",
            f"partner{i}_ror": "",
        }
    return fields


@pytest.mark.parametrize("count", [340, MAX_ROWS])
def test_up_to_max_rows_partner_rows_are_screened(db: Path, screener: Screener, count: int) -> None:
    client = signed_in(db, screener, "grant-officer")
    t = token(client.get("/prescreen").text)
    data = {"csrf_token": t, "topic": "soil science", **_rows(count)}
    r = client.post("/prescreen", data=data, files=EMPTY_FILE, follow_redirects=False)
    page = client.get(f"/prescreen/{prescreen_id(r)}").text
    assert f"Example Institute {count - 1}" in page


def test_a_post_over_max_rows_comes_back_as_typed_with_one_line(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    t = token(client.get("/prescreen").text)
    data = {"csrf_token": t, "topic": "soil science", **_rows(MAX_ROWS + 40)}
    r = client.post("/prescreen", data=data, files=EMPTY_FILE, follow_redirects=False)
    assert r.status_code == 400
    page = html.unescape(r.text)
    assert f"{MAX_ROWS + 40} partner rows were sent; one pre-screen reads at most" in page
    # every row typed is on the page again, and the topic
    assert f'value="Example Institute {MAX_ROWS + 39}"' in page and "soil science" in page


def test_a_post_beyond_what_is_read_is_the_form_with_one_line(db: Path, screener: Screener) -> None:
    """No page sends one: the form comes back (nothing was read to show again) with one
    line, not Starlette's generic page."""
    client = signed_in(db, screener, "grant-officer")
    t = token(client.get("/prescreen").text)
    data = {"csrf_token": t, **_rows(FORM_FIELDS // 3 + 1)}
    r = client.post("/prescreen", data=data, files=EMPTY_FILE, follow_redirects=False)
    assert r.status_code == 400
    page = html.unescape(r.text)
    assert "the form sent could not be read (Too many fields." in page
    assert f"reads at most {MAX_ROWS} partner and {MAX_ROWS} funder rows" in page
    assert 'name="partner0_name"' in page  # the pre-screen form itself
