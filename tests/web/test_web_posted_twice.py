"""The other state-changing endpoints: the case page's forms and the bulk changes of the case
list (triage, reopen/close, assign) posted twice, and a bulk change from a list drawn before
a colleague changed one of its cases.

Reproduced on the old code: each double post recorded its change twice (two case.triaged,
case.closed, case.assigned, match.adjudicated or mitigation.updated entries for one click;
two mitigation items for one), and bulk 'triage green' from a list drawn before alice
triaged the case red overwrote her red without a word.
"""

from __future__ import annotations

import re
from pathlib import Path

from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_form, case_id, finding, login, token


def _actions(db: Path, cid: int) -> list[str]:
    with Store.open(db) as store:
        return [e.action for e in store.audit_entries(f"case:{cid}")]


def _list_form(client) -> dict[str, str]:
    page = client.get("/cases").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the case list's bulk form carries no version"
    return {"csrf_token": token(page), "version": version.group(1)}


def _list_drawn_before_a_red_triage(db: Path, cid: int):
    """bob (admin) draws the case list; then alice (committee) triages case ``cid`` red: bob's
    client, and the bulk form of the list he drew (stale now)."""
    alice, bob = app_for(db), app_for(db)
    login(alice, "committee")
    login(bob, "admin")
    bob_form = _list_form(bob)
    page = alice.get(f"/cases/{cid}").text
    alice.post(f"/cases/{cid}/triage", data={"csrf_token": token(page), "colour": "red"})
    return bob, bob_form


def _flash(page: str) -> str:
    m = re.search(r'role="status"[^>]*>([^<]*)<', page)
    assert m, "no message on the page"
    return m.group(1).strip()


def test_a_triage_posted_twice_is_recorded_once(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    form = {**case_form(client, cid), "colour": "amber", "note": "unclear"}
    first = client.post(f"/cases/{cid}/triage", data=form)
    again = client.post(f"/cases/{cid}/triage", data=form)
    assert first.status_code == again.status_code == 200
    assert f"Case {cid} triaged amber." in again.text
    assert _actions(db, cid).count("case.triaged") == 1
    # a new note, or the same colour again after someone else's change, is news
    client.post(f"/cases/{cid}/triage", data={**form, "note": "partner confirmed"})
    assert _actions(db, cid).count("case.triaged") == 2


def test_each_bulk_change_posted_twice_is_recorded_once(db: Path) -> None:
    with Store.open(db) as store:  # a low case on an unlisted partner: it closes in bulk
        store.record_findings([finding("p-3", Severity.LOW)], {})
    cid = case_id(db, "p-3")
    client = app_for(db)
    login(client, "committee")
    for change, action, said in (
        ("triage:red", "case.triaged", "triaged red"),
        ("status:closed", "case.closed", "closed"),
        ("assign:adviser", "case.assigned", "assigned to adviser"),
        ("status:open", "case.open", "reopened"),
    ):
        form = {**_list_form(client), "change": change, "case": [str(cid)]}
        first = client.post("/cases/bulk", data=form)
        again = client.post("/cases/bulk", data=form)
        assert _flash(first.text) == f"1 case {said}."
        assert _flash(again.text) == f"0 cases {said}; 1 already was."
        assert _actions(db, cid).count(action) == 1, (change, _actions(db, cid))


def test_a_bulk_change_from_a_stale_list_is_refused_with_what_changed(db: Path) -> None:
    one, two = case_id(db, "p-1"), case_id(db, "p-2")
    bob, bob_form = _list_drawn_before_a_red_triage(db, two)
    stale = {**bob_form, "change": "triage:green", "case": [str(one), str(two)]}
    refused = bob.post("/cases/bulk", data=stale)
    assert refused.status_code == 409
    assert re.search(
        rf"committee changed case #{two} at [^(]+\(triaged [^)]*red[^)]*\) since this list was "
        r"drawn; nothing was changed: review the list and apply again\.",
        refused.text,
    ), refused.text
    # what bob ticked and chose is kept
    assert f'value="{one}" id="sel-{one}" checked' in refused.text
    assert f'value="{two}" id="sel-{two}" checked' in refused.text
    assert 'value="triage:green" selected' in refused.text
    with Store.open(db) as store:
        assert store.triage_colours() == {two: "red"}  # nothing of the bulk change written
    # from the list as it is now, the change is applied
    again = bob.post("/cases/bulk", data={**stale, **_list_form(bob)})
    assert _flash(again.text) == "2 cases triaged green."
    # the member's own changes since the list was drawn are no news to them
    own = _list_form(bob)
    bob.post("/cases/bulk", data={**own, "change": "status:closed", "case": [str(one)]})
    after = bob.post("/cases/bulk", data={**own, "change": "assign:adviser", "case": [str(one)]})
    assert _flash(after.text) == "1 case assigned to adviser."


def test_a_bulk_change_of_every_matching_case_is_checked_too(db: Path) -> None:
    cid = case_id(db, "p-1")  # the one case in CN
    bob, bob_form = _list_drawn_before_a_red_triage(db, cid)
    stale = {**bob_form, "change": "status:closed", "scope": "matching", "f_country": "CN"}
    refused = bob.post("/cases/bulk", data=stale)
    assert refused.status_code == 409 and 'value="matching" checked' in refused.text
    with Store.open(db) as store:
        assert store.case(cid).status == "triaged"


def test_the_case_pages_other_forms_posted_twice_are_recorded_once(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "committee")
    opened = case_form(client, cid)
    added = {**opened, "action": "Export-control review", "owner": "PI", "due_on": "2097-01-31"}
    for _ in range(2):
        assert _flash(client.post(f"/cases/{cid}/mitigations", data=added).text) == (
            "Mitigation added."
        )
    with Store.open(db) as store:
        (item,) = store.mitigations(cid)
    for _ in range(2):
        done = client.post(f"/mitigations/{item.id}/status", data={**opened, "status": "done"})
        assert _flash(done.text) == f"Mitigation {item.id} is now done."
    verdict = {
        **opened,
        "list": "us_dod_1286",
        "entry": "1286-042",
        "organisation": "Najing Univ. of Aeronautics & Astronautics",
        "country": "CN",
        "verdict": "same",
        "reason": "Same ROR id as the entry.",
    }
    for _ in range(2):
        client.post(f"/cases/{cid}/adjudicate", data=verdict)
    actions = _actions(db, cid)
    assert actions.count("mitigation.added") == 1
    assert actions.count("mitigation.updated") == 1
    assert actions.count("match.adjudicated") == 1
    # the same item again after another change is a second item, not a repeat
    client.post(f"/cases/{cid}/mitigations", data=added)
    with Store.open(db) as store:
        assert len(store.mitigations(cid)) == 2
        (adj,) = store.adjudications(cid)
    assert (adj.verdict, adj.reason) == ("same", "Same ROR id as the entry.")
