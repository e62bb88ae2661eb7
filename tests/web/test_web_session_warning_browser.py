"""In a real browser: before the session ends, a committee member typing a rationale is warned
in a live region (announced, the focus left where it is) and extends the session with one
button; a page left open past the end says it has ended and what is kept (WCAG 2.1 2.2.1).

The session's age is real (the server's clock): the cookie is signed as if long ago, with the
app's own key, so that the end comes within seconds rather than hours."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import itsdangerous
import pytest

from kvrules.web.sessionage import SESSION_COOKIE
from tests.web.web_helpers import CHROMIUM, SECRET, case_id, served, signed_in

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)
MAX_AGE = 600  # warned 200 s before its end (kvrules.web.sessionage.warn_before)


@pytest.fixture
def server(db: Path) -> Iterator[str]:
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    app = create_app(WebSettings(db=db, secret_key=SECRET, session_max_age=MAX_AGE))
    with served(app) as (url, _):
        yield url


def _left(page, seconds: int) -> None:
    """The page's session cookie as if signed so long ago that ``seconds`` are left."""

    class Then(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - (MAX_AGE - seconds)

    (cookie,) = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    payload = itsdangerous.TimestampSigner(SECRET).unsign(cookie["value"])
    page.context.add_cookies([{**cookie, "value": Then(SECRET).sign(payload).decode()}])


def test_a_warning_that_extends_the_session_and_then_the_end_said(
    browser_context, server: str, db: Path
) -> None:
    page = signed_in(browser_context, server, "committee")
    _left(page, 12)
    page.goto(f"/cases/{case_id(db)}")
    rationale = page.get_by_label("Rationale")
    rationale.fill("Listed partner; typed for an hour")
    region = page.locator("#session-warning[role=alert]")
    assert region.inner_text() == ""  # nothing said before its time
    warning = region.get_by_text("Your session ends in less than a minute")
    warning.wait_for(timeout=15_000)
    assert "a file you chose is not" in region.inner_text()
    # announced, not focused: the member typing goes on typing
    assert page.evaluate("document.activeElement.id") == "d-rationale"
    assert rationale.input_value() == "Listed partner; typed for an hour"
    button = region.get_by_role("button", name="Stay signed in")
    button.focus()
    button.press("Enter")  # a keyboard suffices
    region.get_by_text("You stay signed in until").wait_for(timeout=5_000)
    ends_in = page.request.get("/session").json()["ends_in"]
    assert ends_in >= MAX_AGE - 5, ends_in  # extended by the server, not only on the page

    _left(page, 3)  # the end comes while the page stands open
    page.goto(f"/cases/{case_id(db)}")
    region.get_by_text("Your session has ended.").wait_for(timeout=15_000)
    assert "Your typed text is kept" in region.inner_text()
    assert page.request.get("/session").status == 401  # ended on the server too
