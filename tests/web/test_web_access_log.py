"""The web server's access log holds no query strings. Operations review, 2026-12-07:
`kvrules serve` logged ``"GET /cases?q=Anna+Kim"`` and ``"GET /audit?person=Anna+Kim"``: the
names people search for, in a log no retention or ``kvrules privacy erase`` reaches. Served as
`kvrules serve` serves it (``server_config``), the access lines read as uvicorn writes them."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
import uvicorn

from kvrules.cli.web import server_config
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import SECRET


def test_searches_and_filters_stay_out_of_the_access_log(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = uvicorn.Server(server_config(create_app(WebSettings(db=db, secret_key=SECRET))))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    access = logging.getLogger("uvicorn.access")  # uvicorn's: it does not propagate
    access.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        for path in ("/cases?q=Anna+Kim", "/audit?person=Anna%20Kim", "/login"):
            requests.get(f"http://127.0.0.1:{port}{path}", timeout=30, allow_redirects=False)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
        access.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert len(lines) == 3, lines
    assert not any("Anna" in line for line in lines), lines
    assert any('"GET /cases?… HTTP/1.1" 303' in line for line in lines), lines
    assert any('"GET /login HTTP/1.1" 200' in line for line in lines), lines
