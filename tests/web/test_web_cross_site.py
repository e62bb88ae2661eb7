"""Penetration test, 2026-12-07 (minor): ``GET /cases.csv`` (and ``.xlsx``) writes an audit
entry, and the session cookie is SameSite=Lax, so a link on another site could add export
entries to the audit log; and every answer said ``server: uvicorn``. Exports now open only
when the browser says the request came from the app (``Sec-Fetch-Site``: ``same-origin``, or
``none`` for a bookmark); the export links in headless Chromium still work
(test_web_casework_browser). ``kvrules serve`` sends no ``server`` header."""

from __future__ import annotations

import html
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
import uvicorn

from kvrules.cli.web import server_config
from kvrules.store import Store
from kvrules.web.app import create_app
from kvrules.web.fetchsite import CROSS_SITE
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import SECRET, app_for, login


def _exports(db: Path) -> int:
    with Store.open(db) as store:
        return sum(e.action == "cases.exported" for e in store.audit_entries())


@pytest.mark.parametrize("path", ["/cases.csv", "/cases.xlsx"])
def test_an_export_from_another_site_is_refused_and_not_audited(db: Path, path: str) -> None:
    client = app_for(db)
    login(client, "viewer")
    before = _exports(db)
    for site in ("cross-site", "same-site", "Cross-Site"):
        refused = client.get(path, headers={"Sec-Fetch-Site": site}, follow_redirects=False)
        assert refused.status_code == 403 and CROSS_SITE in html.unescape(refused.text)
    assert _exports(db) == before
    # from the app's own page, a bookmark, or a client that says nothing: exported, audited
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}):
        assert client.get(path, headers=headers).status_code == 200
    assert _exports(db) == before + 3


def test_serve_sends_no_server_header(db: Path) -> None:
    app = create_app(WebSettings(db=db, secret_key=SECRET))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(server_config(app))  # as `kvrules serve` runs it
    server.config.log_level = "warning"
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        answer = requests.get(f"http://127.0.0.1:{port}/login", timeout=30)
        assert answer.status_code == 200
        assert "server" not in {name.lower() for name in answer.headers}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
