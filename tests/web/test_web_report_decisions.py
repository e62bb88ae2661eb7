"""The board report's decisions (reviewer, one year in): a four-eyes proposal that was never
approved, and one a newer proposal superseded, were listed as "Decisions taken", by the
proposer alone, dated the proposal. Only decisions in effect are taken: proposer and
approver named, dated when the approval put it into effect; pending proposals apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kvrules.report import critical_cases, decisions_since, pending_proposals
from kvrules.store import Store
from tests.store.store_helpers import FakeClock
from tests.web.web_helpers import app_for, case_id, login

PROPOSED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
APPROVED = PROPOSED + timedelta(days=12)
SINCE = PROPOSED - timedelta(days=1)


def _section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def _rows(section: str) -> list[str]:
    return section.split("<tr>")[2:]  # past the header row


def test_pending_and_superseded_proposals_are_not_decisions_taken(db: Path) -> None:
    case = case_id(db, "p-1")
    clock = FakeClock(PROPOSED)
    with Store.open(db, clock=clock) as store:
        store.propose_decision(case, "reject", "Dual use.", actor="committee")
        clock.advance(hours=2)
        store.propose_decision(case, "approve", "Civil only.", actor="chair")  # supersedes
        assert decisions_since(store, SINCE) == []
        assert [(r.decision, r.decided_by) for r in pending_proposals(store)] == [
            ("approve", "chair")
        ]
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/report").text
    assert "No decision taken in the period." in _section(page, "h-decided")
    (pending,) = _rows(_section(page, "h-pending"))
    assert "approve" in pending and "chair" in pending and "Dual use." not in page
    overview = _section(page, "h-overview")
    assert "none yet" in overview.split("<dt>Decisions</dt>", 1)[1].split("</dd>", 1)[0]
    assert "1 (not counted as decisions)" in overview


def test_a_decision_takes_effect_on_approval_named_with_both_members(db: Path) -> None:
    case = case_id(db, "p-1")
    clock = FakeClock(PROPOSED)
    with Store.open(db, clock=clock) as store:
        proposed = store.propose_decision(case, "reject", "Dual use.", actor="chair")
        clock.now = APPROVED
        store.approve_decision(proposed.id, actor="committee")
        (row,) = decisions_since(store, SINCE)
        assert (row.decided_by, row.approved_by) == ("chair", "committee")
        assert (row.proposed_at, row.decided_at) == (PROPOSED, APPROVED)
        assert decisions_since(store, APPROVED + timedelta(seconds=1)) == []
        assert pending_proposals(store) == []
    client = app_for(db, time_zone=ZoneInfo("UTC"))
    login(client, "viewer")
    (taken,) = _rows(_section(client.get("/report").text, "h-decided"))
    assert taken.startswith(f"<td>{APPROVED:%Y-%m-%d}</td>")
    assert f"proposed by chair ({PROPOSED:%Y-%m-%d}), approved by committee" in taken


def test_critical_cases_show_the_decision_in_effect_not_a_proposal(db: Path) -> None:
    from kvrules.rulebook.ir import Severity
    from tests.web.web_helpers import finding

    with Store.open(db) as store:
        store.record_findings([finding("p-3", Severity.CRITICAL)], {})
        case = case_id(db, "p-3")
        store.propose_decision(case, "approve", "Fine.", actor="chair")
        (row,) = critical_cases(store, SINCE)
        assert row.decision is None
