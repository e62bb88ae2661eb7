"""In headless Chromium, as committee members use the case page: a refused decision comes back
with what was typed and the cursor in the field to correct."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.web_helpers import CHROMIUM, case_id, signed_in

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_refused_decision_keeps_the_form_and_focuses_the_field(
    server: str, browser_context, db: Path
) -> None:
    cid = case_id(db)
    page = signed_in(browser_context, server, "committee")
    page.goto(f"/cases/{cid}")
    page.get_by_label("approve with mitigations").check()
    rationale = "Civil research only; an export-control review each quarter."
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_label("Action 1", exact=True).fill("Quarterly export-control review")
    with page.expect_navigation():
        page.get_by_role("button", name="Record decision").click()
    assert page.get_by_role("heading", name=f"Case #{cid}").is_visible()
    assert page.get_by_label("Rationale").input_value() == rationale
    assert page.get_by_label("approve with mitigations").is_checked()
    assert (
        page.get_by_label("Action 1", exact=True).input_value() == "Quarterly export-control review"
    )
    owner = page.locator("#m0-owner")
    assert owner.get_attribute("aria-invalid") == "true"
    assert _focused(page) == "m0-owner"
    assert "mitigation 1 needs an owner" in page.locator("#err-m0_owner").inner_text()
    # the summary's link takes the keyboard to the field
    page.locator("#d-rationale").focus()
    page.locator("#form-errors").get_by_role("link").click()
    assert _focused(page) == "m0-owner"
    owner.fill("Export-control office")
    with page.expect_navigation():
        page.get_by_role("button", name="Record decision").click()
    assert page.get_by_role("status").inner_text().startswith("Decision recorded")


def test_two_members_on_one_case_the_second_sees_the_first_change(
    server: str, browser_context, db: Path
) -> None:
    cid = case_id(db)
    alice = signed_in(browser_context, server, "committee")
    bob = signed_in(browser_context, server, "admin")
    alice.goto(f"/cases/{cid}")
    bob.goto(f"/cases/{cid}")
    alice.get_by_label("green").check()
    with alice.expect_navigation():
        alice.get_by_role("button", name="Save triage").click()
    bob.get_by_label("red").check()
    bob.get_by_label("Note (optional)").fill("Listed lab; escalate.")
    with bob.expect_navigation():
        bob.get_by_role("button", name="Save triage").click()
    notice = bob.locator("#case-notice")
    assert "committee changed this case at" in notice.inner_text()
    assert "review and submit again" in notice.inner_text()
    assert bob.get_by_label("Note (optional)").input_value() == "Listed lab; escalate."
    assert bob.get_by_label("red").is_checked()
    # the page now shows alice's change: submitting again from it is accepted
    with bob.expect_navigation():
        bob.get_by_role("button", name="Save triage").click()
    assert bob.get_by_role("status").inner_text() == f"Case {cid} triaged red."
