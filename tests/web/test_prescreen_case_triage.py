"""A pre-screen's colour goes with it into the committee's case (review: a proposal RED at
pre-screen, sent to the committee, opened a case that read "not yet triaged", and nowhere on
it that, nor why, the proposal was red). The colour and its reason are carried, in kvrules'
name, as the case's first triage; the findings that set it are the case's findings already,
so nothing is counted twice, and an adviser's own triage is never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kvrules.model import CollaborationEvent
from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_prescreen import BEIHANG, prescreen_id, submit
from tests.web.web_helpers import app_for, login, token


def _sent(client: TestClient, fields: dict[str, str]) -> int:
    pid = prescreen_id(submit(client, fields))
    t = token(client.get(f"/prescreen/{pid}").text)
    client.post(f"/prescreen/{pid}/send", data={"csrf_token": t})
    return pid


def test_a_red_pre_screen_sent_to_the_committee_is_a_red_case_saying_why(
    db: Path, screener: Screener
) -> None:
    officer = app_for(db, screener=screener)
    assert login(officer, "grant-officer").status_code in (200, 303)
    pid = _sent(officer, BEIHANG)
    with Store.open(db) as store:
        screened = store.prescreen(pid)
        case_id = screened.case_id
        reason = screened.result["triage"]["reason"]
        findings = [s.finding.rule_id for s in store.case_findings(case_id)]
        assert screened.triage == "red" and store.triage_colours()[case_id] == "red"
        assert store.case(case_id).status == "open"  # for an adviser to triage
        [carried] = [
            e for e in store.audit_entries(f"case:{case_id}") if e.action == "case.triaged"
        ]
        assert carried.actor == "kvrules" and carried.details["prescreen"] == pid
    # the findings as the pre-screen sent them: no finding added for its colour
    assert findings.count("triage-red") == 1 and "triage-amber" not in findings

    assert login(officer, "adviser").status_code in (200, 303)
    page = " ".join(officer.get(f"/cases/{case_id}").text.split())
    assert 'class="tri tri-red">red</span>' in page
    # the store holds the shipped lists only: the pre-screen says it is not complete, and so
    # does the colour it carries
    assert (
        "took the pre-screen's colour as the case's first triage: red — “pre-screen "
        f"{pid} was RED, NOT COMPLETE: {reason}”; an adviser triages the case"
    ) in page.replace("&#34;", '"').replace("&#39;", "'")
    # not complete, said so in the history too (never by its colour alone)
    assert f"sent pre-screen {pid} to the committee (red, not complete at pre-screen)" in page

    # an adviser's colour stands when another pre-screen of the same proposal is sent
    with Store.open(db) as store:
        store.set_triage(case_id, "amber", actor="adviser", note="partner vetted")
    again = _sent(officer, BEIHANG)
    with Store.open(db) as store:
        assert store.prescreen(again).case_id == case_id
        assert store.triage_colours()[case_id] == "amber"


@pytest.mark.parametrize(
    ("triage", "carried"),
    [
        (
            {"colour": "amber", "headline": "AMBER", "reason": "Amber: … (the Leidraad triage)"},
            "amber",
        ),
        (
            {"colour": "green", "headline": "GREEN", "reason": "no rule found a risk signal"},
            "green",
        ),
        # names went unscreened on a country: no verdict on the proposal, so no colour
        ({"colour": "green", "headline": "NOT COMPLETE", "complete": False, "reason": "…"}, None),
    ],
)
def test_which_pre_screen_colours_a_case_takes(
    db: Path, triage: dict[str, object], carried: str | None
) -> None:
    proposal = {
        "id": "prescreen:ps-1:project.created",
        "kind": "project.created",
        "source": {"system": "prescreen", "record_id": "ps-1"},
        "occurred_at": "2026-12-01T10:00:00Z",
        "project": {"id": "ps-1", "title": "Bronze Age trade"},
    }
    with Store.open(db) as store:
        pid = store.record_prescreen(
            proposal={"title": "Bronze Age trade"},
            result={"reference": "ps-1", "triage": triage, "findings": [], "screened_against": []},
            events=[CollaborationEvent.model_validate(proposal)],
            actor="grant-officer",
            via="web",
        )
        case_id = store.send_prescreen(pid, actor="grant-officer")
        assert store.triage_colours().get(case_id) == carried
