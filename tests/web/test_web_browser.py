"""In headless Chromium: sign in with the keyboard, open a case, record a decision, find it in
the audit log. Screenshots go to test-artifacts/web/ (git-ignored) for CI to keep."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.web.web_helpers import CHROMIUM, PASSWORD, case_id

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)


@pytest.fixture
def page(server: str, browser_context):
    return browser_context(base_url=server).new_page()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _at(page, path: str) -> None:
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def _signed_in_at(page, name: str, path: str) -> None:
    """Signs ``name`` in through the login form and waits for the page it lands on, ``path``."""
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    _at(page, path)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent")


def test_sign_in_decide_and_see_it_in_the_audit_log(page, db: Path) -> None:
    cid = case_id(db)
    page.goto(f"/cases/{cid}")  # → sign-in page, then back here
    assert page.get_by_label("User name").is_visible()
    # Keyboard only: the user name has focus, Tab reaches the password, Enter submits.
    assert _focused(page) == "username"
    page.keyboard.type("committee")
    page.keyboard.press("Tab")
    assert _focused(page) == "password"
    page.keyboard.type(PASSWORD)
    _shot(page, "01-sign-in")
    page.keyboard.press("Enter")
    _at(page, f"/cases/{cid}")
    assert page.get_by_role("heading", name=f"Case #{cid}").is_visible()
    # the list match in words; its entry id one click away, in the row's technical detail
    match_row = page.locator("table", has_text="List matches behind this evidence")
    match_row = match_row.locator("tbody tr", has_text="US DoD Section 1286 list").first
    assert match_row.is_visible()
    assert not match_row.get_by_text("1286-042").is_visible()
    match_row.locator("summary", has_text="technical detail").click()
    assert match_row.get_by_text("1286-042").is_visible()
    _shot(page, "02-case")

    page.get_by_label("reject").check()
    page.get_by_label("Rationale").fill("Listed partner in a sensitive area; no mitigation fits.")
    page.get_by_label("Re-review on (renewal date, optional)").fill("2027-06-30")
    page.get_by_role("button", name="Record decision").click()
    _at(page, f"/cases/{cid}")
    assert page.get_by_role("status").inner_text() == "Decision recorded: reject."
    _shot(page, "03-decided")

    page.get_by_role("link", name="Audit log").click()
    row = page.locator("tr", has_text="case.decided")
    assert row.count() == 1
    assert "committee" in row.inner_text() and "no mitigation fits" in row.inner_text()
    page.get_by_role("link", name="Verify the chain now").click()
    assert page.get_by_text("Hash chain intact").is_visible()
    _shot(page, "04-audit")


def test_the_decision_form_is_reachable_by_keyboard(page) -> None:
    _signed_in_at(page, "committee", "/cases")
    page.get_by_role("link", name="#1").click()
    # Tab follows the visual order: decision → rationale → review date; action → owner → due.
    page.get_by_label("approve", exact=True).focus()
    page.keyboard.press("Tab")
    assert _focused(page) == "d-rationale"
    page.keyboard.press("Tab")
    assert _focused(page) == "d-review"
    page.get_by_label("Action 1", exact=True).focus()
    page.keyboard.press("Tab")
    assert _focused(page) == "m0-owner"
    page.keyboard.press("Tab")
    assert _focused(page) == "m0-due"
