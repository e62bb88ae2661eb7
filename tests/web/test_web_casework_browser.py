"""In headless Chromium: search the case list, triage two cases at once, assign them, export
what the filters select (Excel and CSV downloads), and a four-eyes decision by two members."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kvrules.store import Store
from tests.web.test_web_browser import _at, _shot
from tests.web.web_helpers import CHROMIUM, PASSWORD, SECRET, case_id, served

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)


@pytest.fixture
def sign_in(db: Path, browser_context) -> Iterator[Callable]:
    """Sign a user in in their own browser context (own cookies) on an app with four-eyes."""
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    app = create_app(WebSettings(db=db, secret_key=SECRET, four_eyes=True))
    with served(app) as (url, _):

        def signed_in(name: str):
            page = browser_context(base_url=url, accept_downloads=True).new_page()
            page.goto("/login")
            page.get_by_label("User name").fill(name)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_label("Password").press("Enter")
            _at(page, "/cases")
            return page

        yield signed_in


def _matching(page) -> str:
    return page.locator("#matching").inner_text().split(" cases", 1)[0]


def test_search_bulk_triage_assign_and_export(sign_in, db: Path) -> None:
    page = sign_in("adviser")
    page.get_by_label("Search", exact=True).fill("beispiel")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url("**/cases?q=beispiel*")
    assert _matching(page) == "1 of 2"
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("link", name="Clear").click()

    first, second = case_id(db, "p-1"), case_id(db, "p-2")
    page.get_by_label(f"Select case {first}").check()
    page.get_by_label(f"Select case {second}").check()
    page.locator("#b-change").select_option(label="triage red")
    _shot(page, "20-bulk-select")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("status").inner_text() == "2 cases triaged red."
    assert page.locator("span.tri-red").count() == 2

    page.get_by_label(f"Select case {first}").check()
    page.locator("#b-change").select_option(label="assign to adviser")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("status").inner_text() == "1 case assigned to adviser."
    page.locator("#f-assignee").select_option("adviser")
    page.get_by_role("button", name="Filter").click()
    assert _matching(page) == "1 of 2"
    with Store.open(db) as store:
        assert store.triage_colours() == {first: "red", second: "red"}
        assert store.case_assignees() == {first: "adviser"}

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (cases, findings, decisions, mitigations)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cases = list(book["cases"].iter_rows(values_only=True))
    assert len(cases) == 2 and cases[1][0] == first  # the header and the one filtered case
    with page.expect_download() as download:
        page.get_by_role("link", name="findings", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert [r["case"] for r in rows] == [str(first)]
    _shot(page, "21-bulk-done")


def test_four_eyes_decision_by_two_committee_members(sign_in, db: Path) -> None:
    cid = case_id(db)
    first = sign_in("committee")
    first.goto(f"/cases/{cid}")
    first.get_by_label("reject").check()
    first.get_by_label("Rationale").fill("Listed partner in a sensitive area.")
    first.get_by_role("button", name="Record decision").click()
    assert "pending second approval" in first.get_by_role("status").inner_text()
    box = first.locator("#pending-approval")
    assert "another committee member must approve it" in box.inner_text()
    assert first.get_by_role("button", name="Approve this decision (second approver)").count() == 0

    second = sign_in("chair")
    second.goto("/cases?status=pending-approval")
    assert _matching(second) == "1 of 2"
    second.get_by_role("link", name=f"#{cid}").click()
    _shot(second, "22-four-eyes-pending")
    second.get_by_role("button", name="Approve this decision (second approver)").click()
    assert second.get_by_role("status").inner_text() == (
        "Decision approved: reject (proposed by committee)."
    )
    assert "decided · last decision: reject" in second.locator("dl.facts").first.inner_text()
    assert second.locator("#pending-approval").count() == 0
    history = second.locator("#history").inner_text()
    assert "committee proposed the decision reject" in history
    assert "chair approved committee's decision (reject) as the second committee member" in history
