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
        "opened the case.",  # history, as a sentence
        "technical detail</summary>record pure/p-1",  # the source id behind it
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
    assert "content is not held here" in page and "A fuzzy match is a suggestion" in page


def test_every_form_field_has_a_label(db: Path) -> None:
    import re

    client = app_for(db)
    login(client, "admin")
    for path in (f"/cases/{case_id(db)}", "/cases", "/admin/users"):
        page = client.get(path).text
        ids = re.findall(
            r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page
        )
        fields = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', page)
        assert len(ids) == len(fields), path  # every visible field has an id …
        for i in ids:
            assert f'for="{i}"' in page, (path, i)  # … and a label pointing at it
        assert not re.search(r'tabindex="[1-9]', page)  # natural tab order (0: a scroll box)
        assert token(page)


def test_risk_type_filter_and_column(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/cases?risk=knowledge-transfer").text
    assert "1 of 2 cases" in page and "<td>knowledge transfer</td>" in page
    assert '<option value="ethics" >Ethical issues in cooperation</option>' in page
    assert "0 of 2 cases" in client.get("/cases?risk=ethics").text


def test_long_lists_are_paged_and_pages_keep_the_filters(tmp_path: Path) -> None:
    from kvrules.rulebook.ir import Severity
    from tests.web.web_helpers import build_db, finding

    db = build_db(tmp_path / "many.db")
    with Store.open(db) as store:
        for i in range(228):
            store.record_findings([finding(f"bulk-{i:03}", Severity.LOW)], {})
    client = app_for(db)
    login(client, "viewer")
    first = client.get("/cases").text
    assert "230 of 230 cases; showing 1–100." in first and first.count('<a href="/cases/') == 100
    assert 'href="/cases?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/cases?page=3").text
    assert "showing 201–230" in last and 'href="/cases?page=2" rel="prev"' in last
    assert "showing 201–230" in client.get("/cases?page=99").text  # past the end: the last page
    assert "showing 1–100" in client.get("/cases?page=x").text
    low = client.get("/cases?severity=low&status=open&page=2").text
    assert 'href="/cases?severity=low&amp;status=open&amp;page=1" rel="prev"' in low


def test_odd_page_and_age_numbers_never_fail_the_list(db: Path) -> None:
    """str.isdigit() also holds for '²' and for 5,000 digits, which int() refuses: the case
    list answered 500. Anything but a plain positive number means the first page / no filter."""
    client = app_for(db)
    login(client, "viewer")
    for odd in ("²", "0", "-3", "9" * 5000, "1.5", "١"):
        for param in ("page", "min_age"):
            response = client.get("/cases", params={param: odd})
            assert response.status_code == 200, (param, odd)
            assert "2 of 2 cases" in response.text or param == "min_age", (param, odd)


def test_pager_links_keep_non_ascii_filters() -> None:
    from kvrules.web.casedata import Filters

    query = Filters(unit="Économie & Gestion", min_age=0).query(2)
    assert query == "unit=%C3%89conomie+%26+Gestion&min_age=0&page=2"
