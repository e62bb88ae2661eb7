"""In headless Chromium: a grant officer signs in, lands on pre-screening, describes a
consortium, reads the red triage with its list entries, and sends it to the committee."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_browser import _shot, _signed_in_at
from tests.web.web_helpers import CHROMIUM, SECRET, served

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)


@pytest.fixture
def page(db: Path, screener: Screener, browser_context) -> Iterator:
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    app = create_app(WebSettings(db=db, secret_key=SECRET, screener=screener))
    with served(app) as (url, _):
        yield browser_context(base_url=url).new_page()


def test_a_grant_officer_screens_a_consortium_and_sends_it(page, db: Path) -> None:
    _signed_in_at(page, "grant-officer", "/prescreen")  # the committee's pages are not theirs
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == ["Pre-screen"]

    page.get_by_label("Title (optional)").fill("Hypersonics consortium")
    page.get_by_label("Research topic").fill("hypersonic propulsion")
    page.locator("#partner0-name").fill("Beihang University")
    page.locator("#partner0-country").fill("China")
    page.locator("#partner1-name").fill("KU Leuven")
    page.locator("#partner1-country").fill("BE")
    _shot(page, "10-prescreen-form")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_url("**/prescreen/*")
    assert page.locator("#triage").inner_text().startswith("RED")
    listed = page.locator("article.finding", has_text="1286").first
    assert "US DoD Section 1286 list" in listed.inner_text() and "Source:" in listed.inner_text()
    assert "KU Leuven: not found in" in page.locator("#not-found").inner_text()
    _shot(page, "11-prescreen-result")

    page.get_by_role("button", name="Send to the committee").click()
    assert page.get_by_role("status").inner_text().startswith("Sent to the committee as case")
    _shot(page, "12-prescreen-sent")
    with Store.open(db) as store:
        (mine,) = store.prescreens("grant-officer")
        assert mine.case_id is not None


def test_a_partner_named_as_a_person_is_said_to_be_one_and_not_screened_on_a_country(
    page,
) -> None:
    """Ethics defect: "Prof. Wei Zhang" (CN) in the form was screened on China, the person's
    nationality; beside them a listed university is screened as before."""
    _signed_in_at(page, "grant-officer", "/prescreen")
    page.get_by_label("Research topic").fill("quantum sensing")
    page.locator("#partner0-name").fill("Prof. Wei Zhang")
    page.locator("#partner0-country").fill("CN")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_url("**/prescreen/*")
    assert page.locator("#triage").inner_text().startswith("NOT COMPLETE")
    said = page.locator("#not-found li.unidentified").inner_text()
    assert said.startswith("Prof. Wei Zhang: names a person, not an organisation")
    assert "give the institution they work for" in said

    page.goto("/prescreen")
    page.get_by_label("Research topic").fill("quantum sensing")
    page.locator("#partner0-name").fill("Prof. Wei Zhang")
    page.locator("#partner0-country").fill("CN")
    page.locator("#partner1-name").fill("National University of Defense Technology")
    page.locator("#partner1-country").fill("CN")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_url("**/prescreen/*")
    assert page.locator("#triage").inner_text().startswith("RED")
    findings = " ".join(page.locator("article.finding").all_inner_texts())
    assert "National University of Defense Technology" in findings
    assert "Wei Zhang" not in findings


def test_a_country_the_form_refuses_is_named_marked_and_focused(page) -> None:
    _signed_in_at(page, "grant-officer", "/prescreen")
    page.get_by_label("Research topic").fill("hypersonic propulsion")
    page.locator("#partner0-name").fill("KU Leuven")
    page.locator("#partner0-country").fill("BE")
    page.locator("#partner1-name").fill("Harbin Engineering University")
    page.locator("#partner1-country").fill("Ruritania")
    with page.expect_navigation():
        page.get_by_role("button", name="Screen").click()
    summary = page.locator("#form-errors")
    assert "Partner 2, country: not an ISO 3166-1 country: 'Ruritania'" in summary.inner_text()
    country = page.locator("#partner1-country")
    assert country.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "partner1-country"
    assert country.input_value() == "Ruritania"
    assert page.get_by_label("Research topic").input_value() == "hypersonic propulsion"
    # the message is the field's accessible description
    described = page.locator("#err-partner1_country").inner_text()
    assert described.startswith("Partner 2, country:")
    page.locator("#partner0-name").focus()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "partner1-country"
