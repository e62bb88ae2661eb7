"""A decision posted twice is recorded once (reviewer's defect: two identical POSTs to
/cases/1/decide with the same CSRF token 50 ms apart made two decisions rows, two
case.decided audit entries, and the history showed the decision twice).

The same decision by the same member on a case whose state already reflects it records
nothing and says so, in the web app and in the store's API every caller uses; a different
decision, rationale or member, or the same one after the case was reopened, is news."""

from __future__ import annotations

import threading
from pathlib import Path

from kvrules.store import Store
from tests.store.store_helpers import make_finding
from tests.web.web_helpers import app_for, case_form, case_id, login, token

FORM = {"decision": "reject", "rationale": "Partner on the 1286 list; no waiver."}


def _actions(db: Path, cid: int) -> list[str]:
    with Store.open(db) as store:
        return [e.action for e in store.audit_entries(f"case:{cid}")]


def test_the_same_form_posted_twice_records_one_decision_and_says_so(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    form = {**FORM, "csrf_token": token(client.get(f"/cases/{cid}").text)}
    first = client.post(f"/cases/{cid}/decide", data=form)
    again = client.post(f"/cases/{cid}/decide", data=form)  # the same token, the same form
    assert first.status_code == again.status_code == 200
    assert "Decision recorded: reject" in first.text
    assert "Already recorded: your decision (reject) of " in again.text
    assert "nothing was recorded twice" in again.text
    with Store.open(db) as store:
        assert len(store.decisions(cid)) == 1
    assert _actions(db, cid).count("case.decided") == 1


def test_a_double_click_on_the_page_is_recorded_once_not_refused_as_stale(db: Path) -> None:
    """The page's form carries the case's version: the second post of the same form is the
    member's own change since the page opened, not someone else's, so it is not refused as
    stale (409) but recorded once, as a script's double post is."""
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    form = {**FORM, **case_form(client, cid)}
    first = client.post(f"/cases/{cid}/decide", data=form)
    again = client.post(f"/cases/{cid}/decide", data=form)
    assert first.status_code == again.status_code == 200, again.text
    assert "Already recorded: your decision (reject) of " in again.text
    assert _actions(db, cid).count("case.decided") == 1


def test_two_posts_at_once_record_one_decision(db: Path) -> None:
    """Two requests racing (each its own connection, as two web workers): the write lock
    serialises them and the second finds the first's decision."""
    cid = case_id(db)
    start = threading.Barrier(2)
    made = []

    def decide() -> None:
        with Store.open(db) as store:
            start.wait()
            made.append(store.decide(cid, FORM["decision"], FORM["rationale"], actor="committee"))

    workers = [threading.Thread(target=decide) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(d.repeat for d in made) == [False, True]
    assert _actions(db, cid).count("case.decided") == 1


def test_a_different_decision_member_or_a_reopened_case_is_recorded(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.decide(cid, "reject", "first look", actor="committee")
        assert not store.decide(
            cid, "reject", "first look, partner confirmed", actor="committee"
        ).repeat
        assert not store.decide(
            cid, "reject", "first look, partner confirmed", actor="chair"
        ).repeat
        assert store.decide(cid, "reject", "first look, partner confirmed", actor="chair").repeat
        case = store.case(cid)
        # a new finding reopens the case: the same decision again is the committee's answer
        finding = make_finding(case.record_id, rule_id="another-rule")
        store.record_finding(finding, channels=[])
        assert store.case(cid).status != "decided"
        assert not store.decide(
            cid, "reject", "first look, partner confirmed", actor="chair"
        ).repeat
        assert len(store.decisions(cid)) == 4


def test_a_four_eyes_proposal_posted_twice_is_one_proposal(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db, four_eyes=True)
    login(client, "committee")
    form = {**FORM, "csrf_token": token(client.get(f"/cases/{cid}").text)}
    client.post(f"/cases/{cid}/decide", data=form)
    again = client.post(f"/cases/{cid}/decide", data=form)
    assert "Already recorded" in again.text
    with Store.open(db) as store:
        (pending,) = store.decisions(cid)
        assert pending.approval == "pending"
    assert _actions(db, cid).count("decision.proposed") == 1
    assert "decision.superseded" not in _actions(db, cid)
