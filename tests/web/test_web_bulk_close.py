"""Closing cases (reviewer, one year in): an adviser's bulk "close" ended any case, critical
included, with no decision and no second approval. Only what needs no decision (info or low,
no organisation on a reference list) closes without one; the rest stays open, named, with why;
the store refuses it whatever the route (web, Python API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from kvrules.store.closing import NotClosable
from tests.web.web_helpers import app_for, case_id, event, finding, login, token


def _bulk(client, change: str, cases: list[int], **extra):
    t = token(client.get("/cases").text)
    data = {"csrf_token": t, "change": change, "case": [str(c) for c in cases], **extra}
    return client.post("/cases/bulk", data=data)


def _low_unlisted(db: Path) -> int:
    """p-3's partner is on no list: a low finding on it needs no decision."""
    with Store.open(db) as store:
        store.record_findings([finding("p-3", Severity.LOW)], {})
    return case_id(db, "p-3")


def test_adviser_bulk_close_leaves_cases_needing_a_decision_open(db: Path) -> None:
    high, medium, low = case_id(db, "p-1"), case_id(db, "p-2"), _low_unlisted(db)
    client = app_for(db)
    login(client, "adviser")
    assert (
        "close (those decided, or info/low with no listed organisation)"
        in client.get("/cases").text
    )  # what the menu offers says what it will close
    page = _bulk(client, "status:closed", [high, medium, low]).text
    assert "1 case closed; 2 cases not closed" in page
    assert "a committee decision must be in effect" in page and "high" in page
    with Store.open(db) as store:
        assert [store.case(i).status for i in (high, medium, low)] == ["open", "open", "closed"]
        closed = [e for e in store.audit_entries(f"case:{low}") if e.action == "case.closed"]
        assert closed[0].actor == "adviser" and "no decision needed" in closed[0].details["basis"]
        assert not [e for e in store.audit_entries(f"case:{high}") if e.action == "case.closed"]


def test_every_matching_case_closes_only_what_needs_no_decision(db: Path) -> None:
    client = app_for(db)
    login(client, "adviser")
    page = _bulk(client, "status:closed", [], scope="matching", f_severity="high").text
    assert "0 cases closed; 1 case not closed" in page
    with Store.open(db) as store:
        assert store.case(case_id(db, "p-1")).status == "open"


def test_a_possibly_listed_partner_needs_a_decision_even_at_low(db: Path) -> None:
    with Store.open(db) as store:
        store.record_subject(event("p-4", "Beihang Univ.", "CN", with_match=True))
        store.record_findings([finding("p-4", Severity.LOW)], {})
    low_listed = case_id(db, "p-4")
    with Store.open(db) as store:
        with pytest.raises(NotClosable, match="rests on a reference-list entry"):
            store.set_case_status(low_listed, "closed", actor="adviser")
        assert store.case(low_listed).status == "open"


def test_four_eyes_close_waits_for_the_second_approval(db: Path) -> None:
    high = case_id(db, "p-1")
    with Store.open(db) as store:
        d = store.propose_decision(high, "reject", "Military end user.", actor="committee")
        with pytest.raises(NotClosable, match="second approval"):
            store.set_cases_status([high], "closed", actor="committee")
        with pytest.raises(NotClosable, match="second approval"):
            store.set_case_status(high, "closed", actor="committee")
        store.approve_decision(d.id, actor="chair")
        assert store.set_cases_status([high], "closed", actor="adviser") == 1
        closed = [e for e in store.audit_entries(f"case:{high}") if e.action == "case.closed"]
        assert closed[0].details["basis"] == "decision in effect: reject"


def test_the_board_report_shows_every_closure_and_who_closed_it(db: Path) -> None:
    high, low = case_id(db, "p-1"), _low_unlisted(db)
    with Store.open(db) as store:
        store.decide(high, "reject", "Military end user.", actor="committee")
        store.set_case_status(high, "closed", actor="committee")
        store.set_cases_status([low], "closed", actor="adviser")
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/report").text
    closed = page.split('id="h-closed"', 1)[1].split("</section>", 1)[0]
    rows = closed.split("<tr>")[2:]
    assert len(rows) == 2
    assert f"<td>{high}</td>" in rows[0] and "committee" in rows[0]
    assert "decision in effect: reject" in rows[0]
    assert f"<td>{low}</td>" in rows[1] and "<td>adviser</td>" in rows[1]
    assert "no decision needed (low" in rows[1]
