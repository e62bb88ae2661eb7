"""In headless Chromium: a project's case that took over its funding application's case shows
the decision taken before the award and links back to it (#19 item 2; the scan side is tested
end to end in tests/pipeline/test_pipeline_handover.py). Screenshot in test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kvrules.store import Store
from tests.web.test_web_browser import ARTIFACTS
from tests.web.web_helpers import CHROMIUM, PASSWORD, SECRET, case_id, event, finding, served

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)
RATIONALE = "Vetted by the adviser; the partner gets no access to the clean room."


@pytest.fixture
def cases(db: Path) -> tuple[int, int]:
    """(application's case, project's case): p-1 plays the application, p-9 its project."""
    application = case_id(db, "p-1")
    with Store.open(db) as store:
        store.decide(
            application,
            "approve-with-mitigations",
            RATIONALE,
            actor="committee",
            mitigations=[("No clean-room access for the partner", "PI", None)],
        )
        store.record_subject(event("p-9", "Najing Univ. of Aeronautics", "CN", with_match=True))
        store.record_findings([finding("p-9")], {})
        project = store.hand_over_case(application, "pure", "p-9", changes=[], actor="kvrules")
    return application, project.id


@pytest.fixture
def page(db: Path, browser_context) -> Iterator:
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    with served(create_app(WebSettings(db=db, secret_key=SECRET))) as (url, _):
        yield browser_context(base_url=url).new_page()


def test_the_projects_case_shows_the_decision_taken_before_the_award(
    page, cases: tuple[int, int]
) -> None:
    application, project = cases
    page.goto(f"/cases/{project}")  # → sign-in page, then back here
    page.get_by_label("User name").fill("committee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/cases/{project}")
    section = page.get_by_role("region", name="Before the award")
    assert section.is_visible()
    text = " ".join(section.inner_text().split())
    assert "approved with mitigations on" in text and ", by committee." in text
    assert RATIONALE in text
    assert "nobody was alerted again" in text
    assert "decided" in page.locator("dl.facts").first.inner_text()  # the decision stands
    # ... with its open mitigation items, now followed up on the project's case.
    assert page.get_by_role("cell", name="No clean-room access for the partner").first.is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "handover-case.png"), full_page=True)
    section.get_by_role("link", name=f"case #{application}").click()
    page.wait_for_url(lambda url: urlsplit(url).path == f"/cases/{application}")
    assert page.get_by_role("heading", name=f"Case #{application}").is_visible()
    # the application's history says, in words, where the case went
    assert page.get_by_text("handed the case over to case").first.is_visible()
