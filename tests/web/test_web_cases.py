"""Case list filters, the case page (evidence with list-match provenance), and escaping."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login, token


def test_case_list_and_filters(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/cases").text
    assert "2 of 2 cases" in page
    assert "1 of 2 cases" in client.get("/cases?country=CN").text
    assert "1 of 2 cases" in client.get("/cases?severity=high").text
    assert "2 of 2 cases" in client.get("/cases?unit=Faculty+of+Physics").text
    assert "0 of 2 cases" in client.get("/cases?rulebook=us-dod-1286").text
    assert "2 of 2 cases" in client.get("/cases?status=open&min_age=0").text
    assert "0 of 2 cases" in client.get("/cases?min_age=100000").text
    assert "0 of 2 cases" in client.get("/cases?triage=red").text


def test_case_page_shows_project_partners_funders_evidence_and_provenance(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    for text in (
        "Najing Univ. of Aeronautics &amp; Astronautics",  # the partner behind the evidence
        "Foreign Science Fund",
        "Faculty of Physics",
        "us_dod_1286",
        "FY25",  # edition
        "1286-042",  # entry
        "fuzzy",  # method
        "0.88",  # score
        "A fuzzy match is a suggestion, not a fact.",  # rationale
        "Loket Kennisveiligheid, Risicoprofiel",  # citation
        "case.opened",  # history
    ):
        assert text in page, text
    assert "secret_note" not in page  # people are reduced to affiliations


def test_everything_is_escaped_and_only_http_links_render(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    assert "<b>p-1</b>" not in page and "&lt;b&gt;p-1&lt;/b&gt;" in page
    assert "javascript:" not in page


def test_viewer_sees_no_forms(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    assert "/decide" not in page and "/triage" not in page and "/adjudicate" not in page


def test_unknown_case_is_404(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    assert client.get("/cases/999").status_code == 404


def test_case_page_without_a_remembered_subject_still_explains_the_findings(db: Path) -> None:
    from tests.web.web_helpers import finding

    with Store.open(db) as store:
        store.record_findings([finding("unseen-9")], {})
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db, 'unseen-9')}").text
    assert "was not remembered" in page and "A fuzzy match is a suggestion" in page


def test_every_form_field_has_a_label(db: Path) -> None:
    import re

    client = app_for(db)
    login(client, "committee")
    page = client.get(f"/cases/{case_id(db)}").text
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    fields = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', page)
    assert len(ids) == len(fields)  # every visible field has an id …
    for i in ids:
        assert f'for="{i}"' in page, i  # … and a label pointing at it
    assert 'tabindex="' not in page  # natural tab order
    assert token(page)
