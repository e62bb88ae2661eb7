"""Penetration test, 2026-12-07 (minor): ``GET /cases.csv`` (and ``.xlsx``) writes an audit
entry, and the session cookie is SameSite=Lax, so a link on another site could add export
entries to the audit log; and every answer said ``server: uvicorn``. Exports now open only
when the browser says the request came from the app (``Sec-Fetch-Site``: ``same-origin``, or
``none`` for a bookmark); the export links in headless Chromium still work
(test_web_casework_browser). ``kvrules serve`` sends no ``server`` header."""

from __future__ import annotations

import html
import re
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
    # from the app's own page or a bookmark: exported, audited
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}):
        assert client.get(path, headers=headers).status_code == 200
    assert _exports(db) == before + 2


@pytest.mark.parametrize("path", ["/cases.csv?table=findings", "/cases.xlsx?severity=high"])
def test_a_browser_that_says_nothing_must_show_it_came_from_here(db: Path, path: str) -> None:
    """An older browser sends no Sec-Fetch-Site: a cross-site link then looked like a bookmark
    and was exported and audited. Now it needs a Referer on this host or the session's token;
    without either, nothing is read or audited and a page offers the download with the token."""
    client = app_for(db)
    login(client, "viewer")
    del client.headers["Sec-Fetch-Site"]
    before = _exports(db)
    for referer in ({}, {"Referer": "https://evil.example/page"}):
        asked = client.get(path, headers=referer, follow_redirects=False)
        assert asked.status_code == 403 and "nothing was exported" in asked.text
    assert _exports(db) == before
    link = html.unescape(re.search(r'<a href="([^"]+)" download>', asked.text).group(1))
    assert link.startswith(path.split("?")[0] + "?") and "export_token=" in link
    assert client.get(link).status_code == 200  # the offered link works, filters kept
    assert path.split("?")[1] in link
    from_here = client.get(path, headers={"Referer": "http://127.0.0.1/cases"})
    assert from_here.status_code == 200
    forged = re.sub(r"export_token=\w+", "export_token=" + "0" * 32, link)
    assert client.get(forged).status_code == 403
    assert _exports(db) == before + 2
    other = app_for(db)  # another session's token is no good here
    login(other, "viewer")
    del other.headers["Sec-Fetch-Site"]
    assert other.get(link).status_code == 403


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
