"""The case page of a record in a language the area vocabulary has no terms in says the
technology fields were not screened, never "none found" (a reviewer's German Converis round)."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login


def test_the_case_page_says_not_screened_rather_than_none_found(db: Path) -> None:
    ev = event("p-1", "Harbin Institute of Technology", "CN", with_match=True)
    ev.project.sensitive_areas = []
    ev.project.areas_not_screened = ["Polish"]
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    areas = page.split("<dt>Sensitive areas</dt>", 1)[1].split("</dd>", 1)[0]
    assert "none found" not in areas
    assert "technology fields not screened in Polish" in areas


def test_projects_outputs_and_visits_share_one_markup_for_their_areas() -> None:
    """Was: the same markup three times in case.html (a reviewer: one wording to keep in
    step); the rendering itself is tested above, through the page."""
    import kvrules.web

    template = Path(kvrules.web.__file__).parent / "templates" / "case.html"
    text = template.read_text(encoding="utf-8")
    assert "technology fields not screened in" not in text  # said by plain's one function
    assert text.count("|areas_not_screened") == 1
    assert text.count("{{ sensitive_areas(") == 3
