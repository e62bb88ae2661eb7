"""In headless Chromium: every form on the case page that changes the case is refused when
it comes from a page opened before a colleague's change, as triage and decision were; the
page comes back (409) with what was typed kept, beside a note of what changed.

The adjudication, add-mitigation and mitigation-status forms carried no version: a page
opened before a colleague's change overwrote it silently (bob's verdict replaced alice's,
bob's "dropped" replaced alice's "done").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.store import Store
from tests.web.web_helpers import CHROMIUM, case_id, signed_in

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)


def _both_open(browser_context, server: str, cid: int):
    alice = signed_in(browser_context, server, "committee")
    bob = signed_in(browser_context, server, "chair")
    alice.goto(f"/cases/{cid}")
    bob.goto(f"/cases/{cid}")
    return alice, bob


def _submit(page, button: str, nth: int = 0):
    with page.expect_navigation() as nav:
        page.get_by_role("button", name=button).nth(nth).click()
    return nav.value


def _refused(response, page, what: str) -> None:
    assert response.status == 409
    notice = page.locator("#case-notice")
    assert notice.count() == 1
    assert "committee changed this case at" in notice.inner_text()
    assert f"({what}" in notice.inner_text()
    assert "since you opened it; review and submit again" in notice.inner_text()


def test_an_adjudication_from_a_stale_page_keeps_the_colleagues_verdict(
    server: str, browser_context, db: Path
) -> None:
    cid = case_id(db)
    alice, bob = _both_open(browser_context, server, cid)
    alice.get_by_label("Verdict").first.select_option("same")
    alice.get_by_label("Reason").first.fill("Same ROR id as the list entry.")
    _submit(alice, "Record")
    bob.get_by_label("Verdict").first.select_option("not-same")
    bob.get_by_label("Reason").first.fill("Different city; another institute.")
    refused = _submit(bob, "Record")
    _refused(refused, bob, "recorded that")
    # beside the refused form, with what bob chose and typed
    cell = bob.locator("td", has=bob.locator("#case-notice"))
    assert cell.get_by_label("Reason").input_value() == "Different city; another institute."
    assert cell.get_by_role("combobox", name="Verdict").input_value() == "not-same"
    with Store.open(db) as store:
        (kept,) = store.adjudications(cid)
    assert (kept.verdict, kept.actor) == ("same", "committee")
    # the page now shows alice's verdict: bob may submit his from it
    ok = _submit(bob, "Record")
    assert ok.status == 200 and bob.get_by_role("status").inner_text().startswith("Recorded")
    with Store.open(db) as store:
        (kept,) = store.adjudications(cid)
    assert (kept.verdict, kept.actor) == ("not-same", "chair")


def test_a_mitigation_added_from_a_stale_page_is_refused_and_kept_as_typed(
    server: str, browser_context, db: Path
) -> None:
    cid = case_id(db)
    alice, bob = _both_open(browser_context, server, cid)
    alice.get_by_label("red").check()
    _submit(alice, "Save triage")
    bob.locator("#na-action").fill("Export-control review")
    bob.locator("#na-owner").fill("Export office")
    bob.locator("#na-due").fill("2027-03-31")
    refused = _submit(bob, "Add")
    _refused(refused, bob, "triaged")
    assert bob.locator("#na-action").input_value() == "Export-control review"
    assert bob.locator("#na-owner").input_value() == "Export office"
    assert bob.locator("#na-due").input_value() == "2027-03-31"
    with Store.open(db) as store:
        assert store.mitigations(cid) == []
    ok = _submit(bob, "Add")
    assert ok.status == 200 and bob.get_by_role("status").inner_text() == "Mitigation added."
    with Store.open(db) as store:
        assert [m.action for m in store.mitigations(cid)] == ["Export-control review"]


def test_a_mitigation_status_from_a_stale_page_does_not_overwrite_the_colleagues(
    server: str, browser_context, db: Path
) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        mid = store.add_mitigation(cid, "Quarterly review", "PI", None, actor="committee")
    alice, bob = _both_open(browser_context, server, cid)
    alice.get_by_label(f"Status of mitigation {mid}").select_option("done")
    _submit(alice, "Update")
    bob.get_by_label(f"Status of mitigation {mid}").select_option("dropped")
    refused = _submit(bob, "Update")
    _refused(refused, bob, "marked the mitigation “Quarterly review” as done")
    assert bob.get_by_label(f"Status of mitigation {mid}").input_value() == "dropped"
    with Store.open(db) as store:
        assert [m.status for m in store.mitigations(cid)] == ["done"]
    ok = _submit(bob, "Update")
    assert ok.status == 200
    with Store.open(db) as store:
        assert [m.status for m in store.mitigations(cid)] == ["dropped"]
