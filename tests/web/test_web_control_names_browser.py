"""Each control on a page has a name of its own (WCAG 2.4.6), as Chromium's accessibility
tree gives it to a screen reader: the review heard "Owner" and "Due" four times on a case,
"Verdict", "Reason" and "Record" once per list match, and a hundred identical "technical
detail" toggles on the audit log."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kvrules.store import Store
from tests.web.web_helpers import CHROMIUM, case_id, signed_in

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)

# the controls a keyboard reaches; links may repeat (the same case linked from two entries)
CONTROLS = {"textbox", "combobox", "button", "Date", "DisclosureTriangle", "checkbox"}
DATE_PICKER = "Show date picker"  # Chromium's own button inside every date field


def _repeated(page) -> dict[tuple[str, str], int]:
    """Controls on the page sharing a role and an accessible name, with their count."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    named = Counter(
        (node["role"]["value"], node.get("name", {}).get("value", ""))
        for node in nodes
        if node.get("role", {}).get("value") in CONTROLS and not node.get("ignored")
    )
    return {key: n for key, n in named.items() if n > 1 and not key[1].startswith(DATE_PICKER)}


def test_case_and_audit_controls_each_say_what_they_belong_to(
    server: str, browser_context, db: Path
) -> None:
    cid = case_id(db)
    with Store.open(db) as store:  # two mitigations: a status form each
        store.add_mitigation(cid, "Limit lab access", "Ana", None, actor="committee")
        store.add_mitigation(cid, "Export-control check", "Ben", None, actor="committee")
    page = signed_in(browser_context, server, "committee")
    page.goto(f"/cases/{cid}")
    assert page.get_by_role("textbox", name="Owner of action 2", exact=True).count() == 1
    assert page.get_by_role("button", name="Update mitigation", exact=False).count() == 2
    assert page.get_by_role("combobox", name="Verdict on ", exact=False).count() >= 1
    assert _repeated(page) == {}
    page.goto("/audit")
    assert page.locator("summary").count() > 5  # many entries, each with its detail
    assert _repeated(page) == {}


def test_each_prescreen_row_names_its_fields(server: str, browser_context) -> None:
    """21 boxes named "Name", 21 "Country", 21 "ROR id (optional)" and 5 each "Amount" and
    "Currency", told apart only by their fieldset's legend (docs review, session 14); a row
    the page adds says its own number too."""
    page = signed_in(browser_context, server, "committee")
    page.goto("/prescreen")
    page.click("#add-partner")
    added = page.locator("#partner-rows fieldset").count()
    assert page.get_by_role("textbox", name=f"Name of partner {added}", exact=True).count() == 1
    assert page.get_by_role("textbox", name="Amount of funder 1", exact=True).count() == 1
    assert page.get_by_role("textbox", name="Name of visitor's home institution").count() == 1
    assert _repeated(page) == {}
