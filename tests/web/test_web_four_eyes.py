"""Four-eyes decisions (``four_eyes: true``): a committee member's decision stays pending
until a different member approves it; audited; nobody approves their own or approves twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvrules.config import load_config
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from tests.store.store_helpers import make_finding
from tests.web.web_helpers import app_for, case_id, login, token


def _decide(client, cid: int, decision: str = "reject", rationale: str = "Dual-use lab."):
    t = token(client.get(f"/cases/{cid}").text)
    data = {"csrf_token": t, "decision": decision, "rationale": rationale}
    return client.post(f"/cases/{cid}/decide", data=data)


def _approve(client, cid: int, decision_id: int):
    t = token(client.get(f"/cases/{cid}").text)
    return client.post(f"/decisions/{decision_id}/approve", data={"csrf_token": t})


def test_a_decision_waits_for_a_different_committee_member(db: Path) -> None:
    cid = case_id(db)
    first = app_for(db, four_eyes=True)
    login(first, "committee")
    page = _decide(first, cid)
    assert "pending second approval" in page.text
    with Store.open(db) as store:
        (d,) = store.decisions(cid)
        assert d.approval == "pending" and store.case(cid).status == "open"
    assert "another committee member must approve it" in first.get(f"/cases/{cid}").text
    own = _approve(first, cid, d.id)  # the same person cannot be the second pair of eyes
    assert own.status_code == 409 and "different committee member" in own.text
    adviser = app_for(db, four_eyes=True)
    login(adviser, "adviser")
    assert _approve(adviser, cid, d.id).status_code == 403  # advisers do not decide
    second = app_for(db, four_eyes=True)
    login(second, "chair")
    assert "Approve this decision" in second.get(f"/cases/{cid}").text
    assert "Decision approved: reject (proposed by committee)" in _approve(second, cid, d.id).text
    twice = _approve(second, cid, d.id)  # posted again: said, not recorded twice
    assert twice.status_code == 200 and "Already approved by you" in twice.text
    with Store.open(db) as store:
        case, (d,) = store.case(cid), store.decisions(cid)
        actions = [(a.action, a.actor) for a in store.audit_entries(f"case:{cid}")]
    assert case.status == "decided" and case.decision == "reject"
    assert (d.approval, d.approved_by) == ("approved", "chair")
    assert ("decision.proposed", "committee") in actions
    assert actions.count(("decision.approved", "chair")) == 1
    assert ("case.decided", "committee") not in actions


def test_a_new_decision_replaces_a_pending_one_and_lists_show_it(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db, four_eyes=True)
    login(client, "committee")
    _decide(client, cid, "reject")
    _decide(client, cid, "approve", "Checked with the partner: civil research only.")
    with Store.open(db) as store:
        old, new = store.decisions(cid)
        assert (old.approval, new.approval) == ("superseded", "pending")
        assert store.pending_decisions()[cid].decision == "approve"
    listing = client.get("/cases?status=pending-approval").text
    assert "1 of 2 cases" in listing and "approve: pending second approval" in listing
    other = app_for(db, four_eyes=True)
    login(other, "chair")
    assert _approve(other, cid, old.id).status_code == 409  # a superseded one never applies


def test_without_four_eyes_a_decision_applies_at_once(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    assert "Decision recorded: reject." in _decide(client, cid).text
    with Store.open(db) as store:
        assert store.case(cid).status == "decided" and store.decisions(cid)[0].approval is None


def test_four_eyes_is_a_config_setting_off_by_default(tmp_path: Path) -> None:
    path = tmp_path / "kvrules.yaml"
    path.write_text("four_eyes: true\n", encoding="utf-8")
    assert load_config(path).four_eyes is True
    path.write_text("home_country: NL\n", encoding="utf-8")
    assert load_config(path).four_eyes is False


def test_the_report_counts_only_decisions_in_effect(db: Path) -> None:
    from kvrules.web.portfolio import build

    with Store.open(db) as store:
        pending = store.propose_decision(case_id(db), "reject", "Listed.", actor="committee")
        assert build(store).decisions == {}
        store.approve_decision(pending.id, actor="chair")
        assert build(store).decisions == {"reject": 1}


def _new_critical_finding(db: Path, cid: int) -> None:
    """What a scan does meanwhile: a new rule fires on the case's record."""
    with Store.open(db) as store:
        record = store.case(cid).record_id
        found = make_finding(record, rule_id="partner-new-rule", severity=Severity.CRITICAL)
        assert store.record_finding(found, channels=[]).case_id == cid


def test_an_approval_from_a_page_opened_before_a_new_finding_is_refused(db: Path) -> None:
    """Reviewer's defect (HIGH): the approve form carried no version, so a second member
    approved from a page that did not show a CRITICAL finding recorded after it opened."""
    cid = case_id(db)
    first = app_for(db, four_eyes=True)
    login(first, "committee")
    _decide(first, cid, "approve", "Civil research only.")
    with Store.open(db) as store:
        (d,) = store.decisions(cid)
    second = app_for(db, four_eyes=True)
    login(second, "chair")
    page = second.get(f"/cases/{cid}").text
    version = re.search(r'id="pending-approval".*?name="version" value="(\d+)"', page, re.S)
    assert version, "the approve form carries no version"
    _new_critical_finding(db, cid)
    form = {"csrf_token": token(page), "version": version.group(1)}
    refused = second.post(f"/decisions/{d.id}/approve", data=form)
    assert refused.status_code == 409 and "since you opened it" in refused.text
    with Store.open(db) as store:
        assert store.decisions(cid)[0].approval == "pending"
        assert store.case(cid).status != "decided"


def test_the_store_refuses_an_approval_after_a_finding_newer_than_the_proposal(db: Path) -> None:
    """Whatever the page (a fresh one, a script): the proposer never saw the new finding."""
    cid = case_id(db)
    with Store.open(db) as store:
        proposed = store.propose_decision(cid, "approve", "Civil research only.", actor="committee")
    _new_critical_finding(db, cid)
    second = app_for(db, four_eyes=True)
    login(second, "chair")
    fresh = _approve(second, cid, proposed.id)  # a page opened after the finding
    assert fresh.status_code == 409
    assert "a finding was recorded after this decision was proposed" in fresh.text
    with Store.open(db) as store:
        assert store.decisions(cid)[0].approval == "pending"
        assert "decision.approved" not in [e.action for e in store.audit_entries(f"case:{cid}")]
        again = store.propose_decision(
            cid, "approve", "Reviewed the new finding.", actor="committee"
        )
        assert store.approve_decision(again.id, actor="chair").approval == "approved"


def test_an_admin_does_not_decide_nor_approve(db: Path) -> None:
    """An admin proposed a decision that the chair approved: "admin" counted as a committee
    member. The role model now: an admin administers accounts, the committee decides."""
    cid = case_id(db)
    admin = app_for(db, four_eyes=True)
    login(admin, "admin")
    assert _decide(admin, cid).status_code == 403
    assert "Record decision" not in admin.get(f"/cases/{cid}").text
    with Store.open(db) as store:
        for propose in (store.propose_decision, store.decide):
            with pytest.raises(ValueError, match="only a committee account"):
                propose(cid, "reject", "Dual-use lab.", actor="admin")
        pending = store.propose_decision(cid, "reject", "Dual-use lab.", actor="committee")
        with pytest.raises(ValueError, match="only a committee account"):
            store.approve_decision(pending.id, actor="admin")
        with pytest.raises(ValueError, match="only a committee account"):
            store.add_mitigation(cid, "Exit clause", "legal", None, actor="admin")
        assert store.decision(pending.id).approval == "pending"  # type: ignore[union-attr]
    assert "Approve this decision" not in admin.get(f"/cases/{cid}").text


def test_an_approval_by_an_account_the_same_admin_just_made_is_flagged(db: Path) -> None:
    """One operator creates two committee accounts on the server (``kvrules users add``,
    audited as theirs; through the web admin page such a pair is refused outright:
    test_web_four_eyes_admin_accounts), proposes with one and approves with the other:
    four-eyes passes, and the case page and the board report say who made the approver's
    account and when."""
    cid = case_id(db)
    with Store.open(db) as store:
        hashed = store.user("committee").password_hash  # type: ignore[union-attr]
        for name in ("mallory-a", "mallory-b"):
            store.add_user(name, "committee", hashed, actor="admin")
    first, second = app_for(db, four_eyes=True), app_for(db, four_eyes=True)
    login(first, "mallory-a")
    login(second, "mallory-b")
    assert "pending second approval" in _decide(first, cid).text
    with Store.open(db) as store:
        (d,) = store.decisions(cid)
        assert store.account_origins()["mallory-b"].created_by == "admin"
    assert "Decision approved" in _approve(second, cid, d.id).text
    with Store.open(db) as store:
        (said,) = store.approval_concerns().values()
    assert said.startswith("approver mallory-b's account was created by admin (")
    assert "who also created the proposer mallory-a's account" in said
    assert f"Look at this approval: {said}" in second.get(f"/cases/{cid}").text.replace(
        "&#39;", "'"
    )
    report = second.get("/report").text.replace("&#39;", "'")
    assert "approved by mallory-b" in report and f"Look at this approval: {said}" in report


def test_an_approver_created_long_before_or_by_someone_else_is_not_flagged() -> None:
    from datetime import UTC, datetime, timedelta

    from kvrules.store.account_origins import AccountOrigin, approval_concern

    day = datetime(2026, 6, 1, tzinfo=UTC)
    known = {
        "ann": AccountOrigin("ann", "root", day - timedelta(days=400)),
        "bob": AccountOrigin("bob", "root", day - timedelta(days=2)),
        "cy": AccountOrigin("cy", "ann", day - timedelta(days=2)),
        "dee": AccountOrigin("dee", "other-admin", day - timedelta(days=2)),
        "old": AccountOrigin("old", "root", day - timedelta(days=31)),
    }
    assert "created by root" in (approval_concern("ann", "bob", day, known) or "")
    assert "created by the proposer ann" in (approval_concern("ann", "cy", day, known) or "")
    assert approval_concern("ann", "dee", day, known) is None  # another admin's
    assert approval_concern("ann", "old", day, known) is None  # a month before
    assert approval_concern("ann", "unknown", day, known) is None
    assert approval_concern("ann", None, None, known) is None
