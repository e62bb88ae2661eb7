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

from kvrules.web.sessionage import SESSION_COOKIE, warn_before
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


# Counts the page's own GET /session as session.js sends them (each still goes out).
COUNT_ASKS = """(() => {
  const send = window.fetch;
  window.sessionAsked = 0;
  window.fetch = function (url) {
    if (String(url) === "/session") { window.sessionAsked += 1; }
    return send.apply(this, arguments);
  };
})();"""
KEY = "kvrules.session.ends"  # what session.js tells other tabs, once it has run


def test_a_warning_that_extends_the_session_and_then_the_end_said(
    browser_context, server: str, db: Path
) -> None:
    page = signed_in(browser_context, server, "committee")
    region = page.locator("#session-warning[role=alert]")
    page.evaluate(f"localStorage.removeItem('{KEY}')")
    page.goto(f"/cases/{case_id(db)}")  # a session just begun: warned 200 s before its end
    page.wait_for_function(f"localStorage.getItem('{KEY}') !== null")  # the script has run
    assert region.inner_text() == ""  # nothing said before its time

    _left(page, 12)
    page.goto(f"/cases/{case_id(db)}")
    rationale = page.get_by_label("Rationale")
    # said as the page opens (it is within the warning time), not at the script's next tick
    region.get_by_text("Your session ends in less than a minute").wait_for(timeout=15_000)
    rationale.fill("Listed partner; typed for an hour")
    assert "a file you chose is not" in region.inner_text()
    # announced, not focused: the member typing goes on typing
    assert page.evaluate("document.activeElement.id") == "d-rationale"
    assert rationale.input_value() == "Listed partner; typed for an hour"
    # the bar fixed at the bottom never covers the field with the focus (WCAG 2.2 2.4.11)
    page.evaluate(  # the field in the window, at its very bottom: behind the bar
        "document.activeElement.blur();"
        "window.scrollBy(0, document.querySelector('#d-rationale').getBoundingClientRect()"
        ".bottom - window.innerHeight + 2)"
    )
    rationale.focus()  # scrolled into view as focus moves to it (a Tab, a label's click)
    field, bar = (
        page.evaluate(f"document.querySelector('{css}').getBoundingClientRect().{edge}")
        for css, edge in (("#d-rationale", "bottom"), ("#session-warning", "top"))
    )
    assert field <= bar, (field, bar)
    button = region.get_by_role("button", name="Stay signed in")
    button.focus()
    button.press("Enter")  # a keyboard suffices
    region.get_by_text("You stay signed in until").wait_for(timeout=5_000)
    ends_in = page.request.get("/session").json()["ends_in"]
    assert ends_in > 12 + warn_before(MAX_AGE), ends_in  # extended by the server too

    _left(page, 3)  # the end comes while the page stands open
    page.goto(f"/cases/{case_id(db)}")
    region.get_by_text("Your session has ended.").wait_for(timeout=15_000)
    assert "Your typed text is kept" in region.inner_text()
    assert page.request.get("/session").status == 401  # ended on the server too


def test_a_tab_whose_session_ended_stops_asking(browser_context, server: str, db: Path) -> None:
    """Review: a tab left open after its session ended asked /session every 5 s for as long
    as it stood open. The page's clock is Playwright's (an hour passes at once); the server's
    is real, the cookie signed as if long ago."""
    page = signed_in(browser_context, server, "committee")
    page.add_init_script(COUNT_ASKS)
    page.clock.install()
    _left(page, 3)
    page.goto(f"/cases/{case_id(db)}")
    region = page.locator("#session-warning[role=alert]")
    region.get_by_text("Your session ends in less than a minute").wait_for(timeout=15_000)
    _left(page, -10)  # ended on the server meanwhile
    page.clock.run_for(5_000)  # the first tick past its end asks, and is told it has ended
    region.get_by_text("Your session has ended.").wait_for(timeout=15_000)
    assert page.evaluate("window.sessionAsked") == 1
    page.clock.run_for(60 * 60 * 1_000)  # an hour later, the tab still open
    assert page.evaluate("window.sessionAsked") == 1


def test_the_focus_stays_in_the_warning_once_the_session_is_extended(
    browser_context, server: str, db: Path
) -> None:
    """Review: "Stay signed in" pressed with the keyboard removed the button with the focus
    on it, and the focus fell to the page's start (WCAG 2.4.3): the member had to find the
    field they were typing in again. The focus now goes to the message saying until when."""
    page = signed_in(browser_context, server, "committee")
    _left(page, 12)
    page.goto(f"/cases/{case_id(db)}")
    region = page.locator("#session-warning[role=alert]")
    button = region.get_by_role("button", name="Stay signed in")
    button.wait_for(timeout=15_000)
    button.focus()
    button.press("Enter")
    region.get_by_text("You stay signed in until").wait_for(timeout=5_000)
    assert page.evaluate(
        "document.getElementById('session-warning').contains(document.activeElement)"
    ), page.evaluate("document.activeElement.outerHTML")
    page.keyboard.press("Shift+Tab")  # and the keyboard goes on from there, not from the top
    assert page.evaluate("document.activeElement.tagName") != "BODY"


def test_at_400_percent_zoom_the_warning_never_covers_the_field_with_the_focus(
    browser_context, server: str, db: Path
) -> None:
    """1280 x 1024 at 400% is a window of 320 x 256 CSS pixels (WCAG 1.4.10). There the
    warning measured 172 px (its lines and button), more than the 8rem (128 px) the page kept
    free below the field with the focus: the rationale's last 33 px were behind it (WCAG 2.2
    2.4.11). The warning now takes at most 40% of the window (its text scrolls in its own box)
    and the page keeps free what it measures."""
    page = signed_in(browser_context, server, "committee")
    page.set_viewport_size({"width": 320, "height": 256})
    _left(page, 12)
    page.goto(f"/cases/{case_id(db)}")
    region = page.locator("#session-warning[role=alert]")
    region.get_by_text("Your session ends in less than a minute").wait_for(timeout=15_000)
    page.evaluate(  # the field in the window, at its very bottom: behind the bar
        "window.scrollBy(0, document.querySelector('#d-rationale').getBoundingClientRect()"
        ".bottom - window.innerHeight + 2)"
    )
    page.locator("#d-rationale").focus()  # as a Tab or a label's click moves it there
    field, bar = (
        page.evaluate(f"document.querySelector('{css}').getBoundingClientRect().{edge}")
        for css, edge in (("#d-rationale", "bottom"), ("#session-warning", "top"))
    )
    assert field <= bar, (field, bar)
    # the button is still there to reach with the keyboard, all of it in the window
    button = region.get_by_role("button", name="Stay signed in")
    button.focus()
    box = button.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 256, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
