"""A form post is read no further than its cap. The last session's closing note: the web
forms' bodies were buffered whole by Starlette's parser before kvrules' own limits (fields,
files, the partners file's 2 MB) were checked: a 300 MB post to a case form was read into
memory (url-encoded) or written to a spooled file (multipart) first. Now the body is counted
as it arrives: a Content-Length over the cap is refused unread, a chunked body is read no
further than the cap. Against a real uvicorn server with http.client, which can send part of a
body and then read the answer: the old code waited for the rest, and these tests timed out."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kvrules.web.app import create_app
from kvrules.web.bodies import FORM_MAX_BYTES
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import SECRET, case_id, login, served, token

CHUNK = 64 * 1024
WAIT = 30.0  # seconds for an answer on a busy machine; the old code never answered


@pytest.fixture
def signed_in(db: Path) -> Iterator[tuple[str, httpx.Client]]:
    app = create_app(WebSettings(db=db, secret_key=SECRET))
    with served(app) as (base, _), httpx.Client(base_url=base, timeout=WAIT) as client:
        login(client, "adviser")
        yield base, client


def _post(base: str, client: httpx.Client, path: str, *headers: tuple[str, str]):
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=WAIT)
    conn.putrequest("POST", path)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    conn.putheader("Cookie", cookie)
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    for name, value in headers:
        conn.putheader(name, value)
    conn.endheaders()
    return conn


def test_a_form_declaring_300_mb_is_refused_unread(db: Path, signed_in) -> None:
    base, client = signed_in
    conn = _post(base, client, f"/cases/{case_id(db)}/triage", ("Content-Length", str(300 << 20)))
    conn.send(b"x" * CHUNK)  # 64 KiB of the 300 MB declared, and no more
    answer = conn.getresponse()
    assert answer.status == 413
    assert "larger than 1 MB" in answer.read().decode()


@pytest.mark.parametrize("path", ["/login", "/logout"])
def test_sign_in_and_out_forms_declaring_120_mb_are_refused_unread(signed_in, path) -> None:
    """Both are open before sign-in: they read at most 1 MB (code review, 2026-12-07: they
    still parsed the whole body, spooling a 120 MiB file part to disk)."""
    base, client = signed_in
    conn = _post(base, client, path, ("Content-Length", str(120 << 20)))
    conn.send(b"x" * CHUNK)
    answer = conn.getresponse()
    assert answer.status == 413 and "too large" in answer.read().decode()


def test_a_chunked_form_is_read_no_further_than_the_cap(db: Path, signed_in) -> None:
    base, client = signed_in
    conn = _post(base, client, f"/cases/{case_id(db)}/triage", ("Transfer-Encoding", "chunked"))
    sent = 0
    while sent <= FORM_MAX_BYTES:  # just past the cap, and never the closing chunk
        data = b"x" * CHUNK
        conn.send(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        sent += CHUNK
    answer = conn.getresponse()
    assert answer.status == 413 and "Not done" in answer.read().decode()


def test_a_pre_screen_over_its_cap_says_so_on_its_own_page(signed_in) -> None:
    _, client = signed_in
    page = client.get("/prescreen").text
    big = b"name\n" + b"Example University\n" * (200_000)  # 3.8 MB: over the 3 MB post cap
    answer = client.post(
        "/prescreen",
        data={"csrf_token": token(page), "title": "a proposal"},
        files={"partners_file": ("partners.csv", big, "text/csv")},
    )
    assert answer.status_code == 400  # the pre-screen page with one line, not an error page
    assert "larger than 3 MB" in answer.text and "nothing was screened" in answer.text
    assert 'name="title"' in answer.text
