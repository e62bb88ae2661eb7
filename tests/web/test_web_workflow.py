"""Triage → adjudication (remembered, suppresses next time) → decision → mitigations → re-review;
every step in the audit log with who did it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, finding, login, token


def _post(client, path: str, data: dict):
    page = client.get("/cases").text
    return client.post(path, data={**data, "csrf_token": token(page)})


def test_triage_decision_and_mitigations_are_audited(db: Path) -> None:
    cid = case_id(db)
    adviser, committee = app_for(db), app_for(db)
    login(adviser, "adviser")
    login(committee, "committee")
    r = _post(adviser, f"/cases/{cid}/triage", {"colour": "amber", "note": "two factors"})
    assert r.status_code == 200 and "triaged amber" in r.text
    r = _post(
        committee,
        f"/cases/{cid}/decide",
        {
            "decision": "approve-with-mitigations",
            "rationale": "Proceed with an exit clause.",
            "review_due": "2097-01-31",
            "m0_action": "Add exit-on-breach clause",
            "m0_owner": "legal",
            "m0_due": "2096-04-01",
        },
    )
    assert r.status_code == 200 and "Decision recorded" in r.text
    assert "Add exit-on-breach clause" in r.text
    with Store.open(db) as store:
        case = store.case(cid)
        assert case.status == "decided" and case.decision == "approve-with-mitigations"
        entries = store.audit_entries(f"case:{cid}")
        decided = [e for e in entries if e.action == "case.decided"][-1]
        assert decided.actor == "committee" and decided.at
        assert decided.details["rationale"] == "Proceed with an exit clause."
        assert decided.details["review_due"] == "2097-01-31"
        assert [e.actor for e in entries if e.action == "case.triaged"] == ["adviser"]
        (m,) = store.mitigations(cid)
        assert (m.owner, m.due_on) == ("legal", date(2096, 4, 1))
        assert not store.verify_audit()
    r = _post(adviser, f"/mitigations/{m.id}/status", {"status": "done"})
    assert r.status_code == 200
    audit = committee.get(f"/audit?subject=case:{cid}&verify=1").text
    assert (
        "case.decided" in audit and "mitigation.updated" in audit and "Hash chain intact" in audit
    )


def test_decision_needs_rationale_and_mitigations_when_conditional(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    r = _post(client, f"/cases/{cid}/decide", {"decision": "approve", "rationale": " "})
    assert r.status_code == 400
    r = _post(
        client,
        f"/cases/{cid}/decide",
        {"decision": "approve-with-mitigations", "rationale": "needs clauses"},
    )
    assert r.status_code == 400 and "mitigation" in r.text
    with Store.open(db) as store:
        assert store.case(cid).status == "open"


def test_not_the_same_organisation_is_remembered_and_suppresses_the_match(db: Path) -> None:
    cid = case_id(db)
    client = app_for(db)
    login(client, "adviser")
    r = _post(
        client,
        f"/cases/{cid}/adjudicate",
        {
            "list": "us_dod_1286",
            "entry": "1286-042",
            "organisation": "Najing Univ. of Aeronautics & Astronautics",
            "country": "CN",
            "verdict": "not-same",
            "reason": "Different institute: a private college in Najing",
        },
    )
    assert r.status_code == 200 and "not the same organisation" in r.text
    assert "a private college in Najing" in client.get("/adjudications").text
    with Store.open(db) as store:
        # keyed on the normalised name: spelling and case variants are the same question
        assert store.match_suppressed(
            "us_dod_1286", "1286-042", "NAJING UNIV OF AERONAUTICS AND ASTRONAUTICS", "cn"
        )
        assert not store.match_suppressed(
            "us_dod_1286", "1286-042", "Najing Univ. of Aeronautics & Astronautics", "TW"
        )
        assert not store.match_suppressed(
            "us_dod_1286", "1286-999", "Najing Univ. of Aeronautics & Astronautics", "CN"
        )
        (entry,) = [
            e for e in store.audit_entries(f"case:{cid}") if e.action == "match.adjudicated"
        ]
        assert entry.actor == "adviser" and entry.details["verdict"] == "not-same"


def test_a_new_finding_reopens_a_decided_case(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.decide(cid, "approve", "fine", actor="committee")
        changed = finding("p-1")
        changed.evidence[0].actual.append("other_list")  # new evidence: a new fingerprint
        store.record_findings([changed], {})
        assert store.case(cid).status == "open"


def test_a_review_date_reopens_a_decided_case(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.decide(cid, "approve", "fine", actor="committee", review_due=date(2026, 6, 1))
        assert store.reopen_due_reviews(date(2026, 5, 31), actor="kvrules") == []
        assert store.reopen_due_reviews(date(2026, 6, 1), actor="kvrules") == [cid]
        assert store.case(cid).status == "open"
        assert store.audit_entries(f"case:{cid}")[-1].action == "case.review-due"
