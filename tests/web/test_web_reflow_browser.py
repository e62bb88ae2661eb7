"""Reflow at 320 CSS pixels (WCAG 1.4.10), in headless Chromium: a page is never wider than
the screen, so nobody reads it scrolling both ways. The review measured the pre-screen form
500 px wide (``size=60`` inputs, 378 px fieldsets), the cases filter 640 px, the report's
audit head 607 px, the audit log's newest hash 573 px, a pre-screen's values 450 px. A data
table may be wider: it scrolls in its own box, never the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.prescreen import Screener
from tests.web.web_helpers import CHROMIUM, PASSWORD, SECRET, case_id, served

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)

# what sticks out of the page to the right, named for the failure message (the document's
# scrollWidth says that something does; this says what)
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const box = e.getBoundingClientRect();
    if (box.right > width + 1 && !e.closest('.table-scroll, svg, .visually-hidden, .skip'))
      out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + Math.round(box.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 6)};
}"""


@pytest.fixture
def served_app(db: Path, screener: Screener) -> Iterator[str]:
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    with served(create_app(WebSettings(db=db, secret_key=SECRET, screener=screener))) as (url, _):
        yield url


def test_every_page_reflows_at_320_px_without_scrolling_sideways(
    served_app: str, browser_context, db: Path
) -> None:
    page = browser_context(base_url=served_app, viewport={"width": 320, "height": 640}).new_page()
    page.goto("/login")
    page.get_by_label("User name").fill("committee")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    page.goto("/prescreen")
    page.get_by_label("Research topic").fill("hypersonic propulsion")
    page.locator("#partner0-name").fill("Beihang University")
    page.locator("#partner0-country").fill("CN")
    with page.expect_navigation():
        page.get_by_role("button", name="Screen").click()
    result = page.url.removeprefix(served_app)
    assert result.startswith("/prescreen/")

    too_wide = {}
    for path in (
        "/prescreen",
        result,
        "/cases",
        f"/cases/{case_id(db)}",
        "/report",
        "/audit",
        "/mitigations",
        "/adjudications",
    ):
        page.goto(path)
        measured = page.evaluate(WIDER_THAN_THE_SCREEN)
        if measured["scrollWidth"] > measured["width"] or measured["out"]:
            too_wide[path] = measured
    assert not too_wide, too_wide
    # the wide data table is still all there, in a box of its own that scrolls
    page.goto("/cases")
    box = page.locator(".table-scroll", has=page.locator("table")).first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert box.get_attribute("tabindex") == "0"  # reachable to scroll with the keyboard
