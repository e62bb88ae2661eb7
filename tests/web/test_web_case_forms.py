"""The case page's forms when a submit is refused: the page comes back with everything typed,
the problem beside its field (aria-invalid, linked from a summary)."""

from __future__ import annotations

import re
from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login, token


def _opened(client, cid: int) -> dict[str, str]:
    """What a form on the case page carries: its CSRF token."""
    return {"csrf_token": token(client.get(f"/cases/{cid}").text)}


def _field(html: str, field_id: str) -> str:
    m = re.search(rf"<(?:input|textarea)[^>]*\bid=\"{field_id}\"[^>]*>", html)
    assert m, f"no field {field_id}"
    return m.group(0)


def test_approve_with_mitigations_without_one_keeps_what_was_typed(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    typed = {
        **_opened(client, cid),
        "form": "decide",
        "decision": "approve-with-mitigations",
        "rationale": "Civil research only; the partner's lab is not the listed one.",
        "review_due": "2027-06-30",
    }
    page = client.post(f"/cases/{cid}/decide", data=typed)
    assert page.status_code == 400
    assert f"Case #{cid}" in page.text  # the case page, not a bare error page
    assert "Civil research only; the partner&#39;s lab is not the listed one.</textarea>" in (
        page.text
    )
    assert 'value="approve-with-mitigations" checked' in page.text
    assert 'value="2027-06-30"' in _field(page.text, "d-review")
    action = _field(page.text, "m0-action")
    assert 'aria-invalid="true"' in action and "autofocus" in action
    assert 'id="err-m0_action"' in page.text and "needs at least one mitigation" in page.text
    assert '<a href="#m0-action">' in page.text  # the summary links to the field
    with Store.open(db) as store:
        assert store.decisions(cid) == []


def test_a_mitigation_without_an_owner_is_marked_on_its_owner_field(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    typed = {
        **_opened(client, cid),
        "form": "decide",
        "decision": "approve-with-mitigations",
        "rationale": "Acceptable with an export-control review.",
        "m0_action": "Quarterly export-control review",
        "m0_due": "2027-01-31",
    }
    page = client.post(f"/cases/{cid}/decide", data=typed)
    assert page.status_code == 400
    assert 'value="Quarterly export-control review"' in _field(page.text, "m0-action")
    assert 'value="2027-01-31"' in _field(page.text, "m0-due")
    owner = _field(page.text, "m0-owner")
    assert 'aria-invalid="true"' in owner and 'aria-describedby="err-m0_owner"' in owner
    assert "mitigation 1 needs an owner" in page.text
    assert 'aria-invalid="true"' not in _field(page.text, "m0-action")


def test_a_missing_rationale_is_marked_on_the_rationale(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    typed = {**_opened(client, cid), "form": "decide", "decision": "reject", "rationale": " "}
    page = client.post(f"/cases/{cid}/decide", data=typed)
    assert page.status_code == 400
    assert 'aria-invalid="true"' in _field(page.text, "d-rationale")
    assert 'value="reject" checked' in page.text
