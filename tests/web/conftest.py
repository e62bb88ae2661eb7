from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.prescreen import Screener
from tests.web.web_helpers import CHROMIUM, CHROMIUM_ARGS, SECRET, build_db, served


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # argon2 hashing is deliberately slow: build the database once and copy it per test.
    return build_db(tmp_path_factory.mktemp("web") / "template.db")


@pytest.fixture
def db(tmp_path: Path, _template_db: Path) -> Path:
    import sqlite3

    target = tmp_path / "kvrules.db"
    src, dst = sqlite3.connect(_template_db), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture
def server(db: Path) -> Iterator[str]:
    """The web app on ``db``, served by a real uvicorn on 127.0.0.1: its base URL, for the
    browser tests (a test file wanting other settings defines its own ``server``)."""
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    with served(create_app(WebSettings(db=db, secret_key=SECRET))) as (url, _):
        yield url


@pytest.fixture(scope="session")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screener]:
    """The shipped rulebooks and lists, compiled once for every pre-screening test."""
    from kvrules.config import Config

    refdata = tmp_path_factory.mktemp("refdata") / "refdata.sqlite"
    built = Screener.from_config(Config(reference_data=refdata))
    yield built
    built.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Headless Chromium, launched once per worker: Playwright's driver and the browser take
    seconds to start, each time. Tests share nothing through it: each opens its own context
    (``browser_context``: own cookies, storage and downloads), closed when it ends."""
    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(chromium) -> Iterator:
    """Opens fresh browser contexts (``new_context``'s options) for this test; all are closed
    after it, so the next test starts signed out, as in a browser of its own."""
    opened = []

    def open_context(**options):
        context = chromium.new_context(**options)
        opened.append(context)
        return context

    try:
        yield open_context
    finally:
        for context in opened:
            context.close()
