"""The case page's forms when a submit is refused: the page comes back with everything typed,
the problem beside its field (aria-invalid, linked from a summary); and a submit from a page
opened before a colleague changed the case is refused, not applied over their change."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_form, case_id, login, token


def _field(html: str, field_id: str) -> str:
    m = re.search(rf"<(?:input|textarea)[^>]*\bid=\"{field_id}\"[^>]*>", html)
    assert m, f"no field {field_id}"
    return m.group(0)


def _refused_decision(db: Path, **typed: str) -> tuple[int, str]:
    """A committee member opens the case and submits its decision form with ``typed``: the
    submit is refused (400); the case's id and the page that comes back."""
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    page = client.post(
        f"/cases/{cid}/decide", data={**case_form(client, cid), "form": "decide", **typed}
    )
    assert page.status_code == 400
    return cid, page.text


def test_approve_with_mitigations_without_one_keeps_what_was_typed(db: Path) -> None:
    cid, page = _refused_decision(
        db,
        decision="approve-with-mitigations",
        rationale="Civil research only; the partner's lab is not the listed one.",
        review_due="2097-06-30",
    )
    assert f"Case #{cid}" in page  # the case page, not a bare error page
    assert "Civil research only; the partner&#39;s lab is not the listed one.</textarea>" in page
    assert 'value="approve-with-mitigations" checked' in page
    assert 'value="2097-06-30"' in _field(page, "d-review")
    action = _field(page, "m0-action")
    assert 'aria-invalid="true"' in action and "autofocus" in action
    assert 'id="err-m0_action"' in page and "needs at least one mitigation" in page
    assert '<a href="#m0-action">' in page  # the summary links to the field
    with Store.open(db) as store:
        assert store.decisions(cid) == []


def test_a_mitigation_without_an_owner_is_marked_on_its_owner_field(db: Path) -> None:
    _, page = _refused_decision(
        db,
        decision="approve-with-mitigations",
        rationale="Acceptable with an export-control review.",
        m0_action="Quarterly export-control review",
        m0_due="2097-01-31",
    )
    assert 'value="Quarterly export-control review"' in _field(page, "m0-action")
    assert 'value="2097-01-31"' in _field(page, "m0-due")
    owner = _field(page, "m0-owner")
    assert 'aria-invalid="true"' in owner and 'aria-describedby="err-m0_owner"' in owner
    assert "mitigation 1 needs an owner" in page
    assert 'aria-invalid="true"' not in _field(page, "m0-action")


def test_a_missing_rationale_is_marked_on_the_rationale(db: Path) -> None:
    _, page = _refused_decision(db, decision="reject", rationale=" ")
    assert 'aria-invalid="true"' in _field(page, "d-rationale")
    assert 'value="reject" checked' in page


def test_a_triage_from_a_stale_page_is_refused_with_what_changed(db: Path) -> None:
    """alice and bob open the case; alice triages green; bob's page, opened before, saves red:
    bob sees alice's change and his note is kept, and the case stays green until he submits
    again from the page that shows it."""
    cid = case_id(db)
    alice, bob = app_for(db), app_for(db)
    login(alice, "committee")
    login(bob, "admin")
    alice_form, bob_form = case_form(alice, cid), case_form(bob, cid)
    saved = alice.post(f"/cases/{cid}/triage", data={**alice_form, "colour": "green"})
    assert saved.status_code == 200 and f"Case {cid} triaged green." in saved.text
    stale = {**bob_form, "form": "triage", "colour": "red", "note": "Listed lab; escalate."}
    page = bob.post(f"/cases/{cid}/triage", data=stale)
    assert page.status_code == 409
    assert re.search(
        r"committee changed this case at \d{4}-\d\d-\d\d \d\d:\d\d [^ ]+ \(triaged [^)]*green[^)]*\)"
        r" since you opened it; review and submit again",
        page.text,
    ), page.text
    assert 'value="Listed lab; escalate."' in _field(page.text, "t-note")
    assert 'value="red" checked' in page.text
    with Store.open(db) as store:
        assert store.triage_colours()[cid] == "green"
        actions = [a.action for a in store.audit_entries(f"case:{cid}")]
    assert actions.count("case.triaged") == 1
    again = bob.post(f"/cases/{cid}/triage", data={**case_form(bob, cid), "colour": "red"})
    assert f"Case {cid} triaged red." in again.text


def test_a_decision_from_a_stale_page_does_not_supersede_a_colleagues(db: Path) -> None:
    """Four-eyes: alice proposes approve; bob's page, opened before, submits reject. It used
    to mark alice's proposal superseded without bob ever seeing it."""
    cid = case_id(db)
    alice, bob = app_for(db, four_eyes=True), app_for(db, four_eyes=True)
    login(alice, "committee")
    login(bob, "chair")
    alice_form, bob_form = case_form(alice, cid), case_form(bob, cid)
    proposed = {**alice_form, "decision": "approve", "rationale": "Civil research only."}
    assert "pending second approval" in alice.post(f"/cases/{cid}/decide", data=proposed).text
    rationale = "The partner's lab is on the list."
    stale = {**bob_form, "form": "decide", "decision": "reject", "rationale": rationale}
    page = bob.post(f"/cases/{cid}/decide", data=stale)
    assert page.status_code == 409
    assert "committee changed this case at" in page.text
    assert "since you opened it; review and submit again" in page.text
    assert "The partner&#39;s lab is on the list.</textarea>" in page.text
    assert 'value="reject" checked' in page.text
    with Store.open(db) as store:
        (only,) = store.decisions(cid)
    assert (only.actor, only.decision, only.approval) == ("committee", "approve", "pending")


def test_a_form_posted_without_a_version_is_not_checked(db: Path) -> None:
    """Scripts that post to the form directly (no page, so nothing to be stale against)."""
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    page = client.get(f"/cases/{cid}").text
    client.post(f"/cases/{cid}/triage", data={"csrf_token": token(page), "colour": "amber"})
    done = client.post(f"/cases/{cid}/triage", data={"csrf_token": token(page), "colour": "red"})
    assert f"Case {cid} triaged red." in done.text


def _today_in(zone: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def test_a_re_review_date_in_the_past_is_refused_beside_its_field(db: Path) -> None:
    """A re-review of 2026-01-01 was saved without a word; now it is refused, as typed."""
    yesterday = (_today_in("UTC") - timedelta(days=1)).isoformat()
    cid, page = _refused_decision(
        db, decision="reject", rationale="Listed lab.", review_due=yesterday
    )
    review = _field(page, "d-review")
    assert f'value="{yesterday}"' in review and 'aria-invalid="true"' in review
    assert 'id="err-review_due"' in page and f"{yesterday} is in the past" in page
    assert "Listed lab.</textarea>" in page
    with Store.open(db) as store:
        assert store.decisions(cid) == []


def test_a_mitigation_due_in_the_past_is_refused_on_the_decision_form(db: Path) -> None:
    cid, page = _refused_decision(
        db,
        decision="approve-with-mitigations",
        rationale="With a review.",
        m0_action="Export-control review",
        m0_owner="legal",
        m0_due="2025-06-01",
    )
    due = _field(page, "m0-due")
    assert 'value="2025-06-01"' in due and 'aria-invalid="true"' in due
    assert "2025-06-01 is in the past" in page
    with Store.open(db) as store:
        assert store.decisions(cid) == [] and store.mitigations(cid) == []


def test_an_added_mitigation_due_in_the_past_is_refused_with_what_was_typed(db: Path) -> None:
    """'Add a mitigation' took 2025-06-01 and showed it overdue at once."""
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    typed = {"form": "mitigate", "action": "Export-control review", "owner": "legal"}
    page = client.post(
        f"/cases/{cid}/mitigations",
        data={**case_form(client, cid), **typed, "due_on": "2025-06-01"},
    )
    assert page.status_code == 400
    due = _field(page.text, "na-due")
    assert 'value="2025-06-01"' in due and 'aria-invalid="true"' in due
    assert 'value="Export-control review"' in _field(page.text, "na-action")
    assert '<a href="#na-due">' in page.text
    with Store.open(db) as store:
        assert store.mitigations(cid) == []


def test_today_counts_in_the_institutions_time_zone(db: Path) -> None:
    """Today in Kiritimati (UTC+14) is ahead of or equal to today in UTC: a date that is today
    there is accepted whatever the server's clock says; the day before it is refused."""
    zone = "Pacific/Kiritimati"
    cid = case_id(db)
    client = app_for(db, time_zone=ZoneInfo(zone))
    login(client, "committee")
    here = _today_in(zone)
    typed = {"form": "mitigate", "action": "Review", "owner": "legal"}
    before = client.post(
        f"/cases/{cid}/mitigations",
        data={**case_form(client, cid), **typed, "due_on": (here - timedelta(days=1)).isoformat()},
    )
    assert before.status_code == 400
    added = client.post(
        f"/cases/{cid}/mitigations",
        data={**case_form(client, cid), **typed, "due_on": here.isoformat()},
    )
    assert "Mitigation added." in added.text
