"""Four-eyes decisions (``four_eyes: true``): a committee member's decision stays pending
until a different member approves it; audited; nobody approves their own or approves twice."""

from __future__ import annotations

import re
from pathlib import Path

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
    login(second, "admin")
    assert "Approve this decision" in second.get(f"/cases/{cid}").text
    assert "Decision approved: reject (proposed by committee)" in _approve(second, cid, d.id).text
    twice = _approve(second, cid, d.id)  # posted again: said, not recorded twice
    assert twice.status_code == 200 and "Already approved by you" in twice.text
    with Store.open(db) as store:
        case, (d,) = store.case(cid), store.decisions(cid)
        actions = [(a.action, a.actor) for a in store.audit_entries(f"case:{cid}")]
    assert case.status == "decided" and case.decision == "reject"
    assert (d.approval, d.approved_by) == ("approved", "admin")
    assert ("decision.proposed", "committee") in actions
    assert actions.count(("decision.approved", "admin")) == 1
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
    login(other, "admin")
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
        store.approve_decision(pending.id, actor="admin")
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
    login(second, "admin")
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
    login(second, "admin")
    fresh = _approve(second, cid, proposed.id)  # a page opened after the finding
    assert fresh.status_code == 409
    assert "a finding was recorded after this decision was proposed" in fresh.text
    with Store.open(db) as store:
        assert store.decisions(cid)[0].approval == "pending"
        assert "decision.approved" not in [e.action for e in store.audit_entries(f"case:{cid}")]
        again = store.propose_decision(
            cid, "approve", "Reviewed the new finding.", actor="committee"
        )
        assert store.approve_decision(again.id, actor="admin").approval == "approved"
