"""The API refuses an over-size body without reading it. Penetration test, 2026-12-07:
``await request.body()`` read a 300 MB body whole before checking ``MAX_BODY`` (413, but
server RSS 182 → 701 MB). A Content-Length over the cap is refused unread; a chunked body is
read no further than the cap. Against a real uvicorn server, with http.client (the standard
library's HTTP client), which can send part of a body and then read the answer: the old code
waited for the rest, and these tests timed out."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kvrules.prescreen import Screener
from kvrules.web.api import MAX_BODY
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.test_web_api import PROPOSAL, tokens
from tests.web.web_helpers import SECRET, served

CHUNK = 64 * 1024
WAIT = 30.0  # seconds for an answer on a busy machine; the old code never answered


@pytest.fixture
def connection(db: Path, screener: Screener) -> Iterator[tuple[http.client.HTTPConnection, str]]:
    app = create_app(WebSettings(db=db, secret_key=SECRET, screener=screener))
    with served(app) as (base, _):
        where = urlsplit(base)
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=WAIT)
        yield conn, tokens(db, "add", "grants-portal")
        conn.close()


def _start(conn: http.client.HTTPConnection, token: str, *headers: tuple[str, str]) -> None:
    conn.putrequest("POST", "/api/v1/screen")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", "application/json")
    for name, value in headers:
        conn.putheader(name, value)
    conn.endheaders()


def _chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def test_a_content_length_over_the_cap_is_refused_unread(connection):
    conn, token = connection
    _start(conn, token, ("Content-Length", str(300 * 1024 * 1024)))
    conn.send(b" " * CHUNK)  # 64 KiB of the 300 MB declared, and no more
    answer = conn.getresponse()
    assert answer.status == 413
    assert json.loads(answer.read()) == {"error": f"a proposal is at most {MAX_BODY // 1024} KiB"}


def test_a_chunked_body_is_read_no_further_than_the_cap(connection):
    conn, token = connection
    _start(conn, token, ("Transfer-Encoding", "chunked"))
    sent = 0
    while sent <= MAX_BODY:  # just past the cap, and never the closing chunk
        conn.send(_chunked(b" " * CHUNK))
        sent += CHUNK
    answer = conn.getresponse()
    assert answer.status == 413 and "at most" in json.loads(answer.read())["error"]


def test_a_chunked_proposal_within_the_cap_is_screened(connection):
    conn, token = connection
    _start(conn, token, ("Transfer-Encoding", "chunked"))
    body = json.dumps(PROPOSAL).encode()
    conn.send(_chunked(body[:10]) + _chunked(body[10:]) + b"0\r\n\r\n")
    answer = conn.getresponse()
    assert answer.status == 200, answer.read()
    assert json.loads(answer.read())["triage"]["colour"] in ("red", "amber")
