from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kvrules.findings import Evidence, Finding, RulebookRef
from kvrules.history import sentence
from kvrules.rulebook.ir import Severity
from kvrules.store import Change, Store
from tests.store.store_helpers import FakeClock, make_finding


def test_record_finding_opens_case_and_queues_one_alert_per_channel(store: Store) -> None:
    result = store.record_finding(make_finding(), channels=["email", "teams"])
    assert result.new and result.case_event == "opened"
    case = store.case(result.case_id)
    assert case is not None and (case.status, case.severity) == ("open", Severity.HIGH)
    rows = store.alerts()
    assert [r.channel for r in rows] == ["email", "teams"]
    assert all(r.case_id == case.id and r.finding_id == result.finding_id for r in rows)
    assert rows[0].payload["items"][0]["finding"]["rule_id"] == "partner-on-1286"
    assert len({r.key for r in rows}) == 2
    actions = [e.action for e in store.audit_entries(f"case:{case.id}")]
    assert actions == ["case.opened", "finding.recorded"]


def test_same_finding_twice_gives_no_second_alert(store: Store, clock: FakeClock) -> None:
    first = store.record_finding(make_finding(), channels=["email"])
    clock.advance(days=1)
    again = store.record_finding(make_finding(), channels=["email"])
    assert not again.new and again.finding_id == first.finding_id and again.alert_ids == []
    assert len(store.alerts()) == 1
    (stored,) = store.case_findings(first.case_id)
    assert stored.last_seen == clock.now and stored.first_seen < clock.now


def test_rule_without_alert_queues_nothing(store: Store) -> None:
    store.record_finding(make_finding(alert=None), channels=["email"])
    assert store.alerts() == []


def test_finding_and_its_alerts_land_together_or_not_at_all(store: Store, db_path: Path) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.record_finding(make_finding(), channels=["email"])
        raise RuntimeError("crash before commit")
    conn = sqlite3.connect(db_path)
    for table in ("findings", "cases", "alert_outbox", "audit_log"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


def test_case_keeps_the_highest_severity(store: Store) -> None:
    a = store.record_finding(make_finding(rule_id="a", severity=Severity.MEDIUM))
    b = store.record_finding(make_finding(rule_id="b", severity=Severity.CRITICAL))
    c = store.record_finding(make_finding(rule_id="c", severity=Severity.LOW))
    assert a.case_id == b.case_id == c.case_id
    assert store.case(a.case_id).severity == Severity.CRITICAL  # type: ignore[union-attr]
    assert [f.finding.rule_id for f in store.case_findings(a.case_id)] == ["a", "b", "c"]


def test_new_finding_reopens_a_decided_case(store: Store) -> None:
    first = store.record_finding(make_finding())
    store.set_case_status(
        first.case_id, "decided", actor="committee", decision="approve-with-mitigations"
    )
    decided = store.case(first.case_id)
    assert decided is not None and decided.decided_at is not None
    again = store.record_finding(make_finding(partner="Beihang University"))
    assert again.case_event == "reopened"
    case = store.case(first.case_id)
    assert case is not None and case.status == "open"
    assert case.decision == "approve-with-mitigations"  # the history stays visible
    actions = [e.action for e in store.audit_entries(f"case:{case.id}")]
    assert actions == [
        "case.opened",
        "finding.recorded",
        "case.decided",
        "case.reopened",
        "finding.recorded",
    ]


def test_case_status_is_validated(store: Store) -> None:
    result = store.record_finding(make_finding())
    with pytest.raises(ValueError):
        store.set_case_status(result.case_id, "decided", actor="c", decision="maybe")
    with pytest.raises(ValueError):
        store.set_case_status(result.case_id, "pondering", actor="c")
    assert store.cases("open")[0].id == result.case_id


def test_cursor_round_trip(store: Store) -> None:
    assert store.get_cursor("pure") is None
    store.set_cursor("pure", "pure1:abc")
    store.set_cursor("pure", "pure1:def")
    assert store.get_cursor("pure") == "pure1:def"


def test_snapshot_tells_material_change_from_noise(store: Store) -> None:
    record = {"title": "Quantum sensors", "partners": ["HIT"]}
    assert store.observe_record("pure", "p1", record) is Change.NEW
    assert store.observe_record("pure", "p1", dict(reversed(record.items()))) is Change.UNCHANGED
    assert (
        store.observe_record("pure", "p1", {**record, "partners": ["HIT", "NUDT"]})
        is Change.CHANGED
    )
    assert store.observe_record("pure", "p2", record) is Change.NEW


def test_quarantine_counts_sightings_and_releases(store: Store, clock: FakeClock) -> None:
    assert store.quarantine("pure", "r1", "no uuid", '{"title": "x"}' * 1000)
    clock.advance(hours=1)
    assert not store.quarantine("pure", "r1", "no uuid")
    (held,) = store.quarantined("pure")
    assert (held.times_seen, held.last_seen) == (2, clock.now)
    assert store.release_quarantine("pure", "r1")
    assert store.quarantined() == []
    assert [e.action for e in store.audit_entries("record:pure/r1")] == [
        "record.quarantined",
        "record.released",
    ]


def test_quarantine_excerpt_is_bounded(store: Store) -> None:
    store.quarantine("pure", "r1", "bad", "x" * 10_000)
    assert len(store.quarantined()[0].excerpt or "") == 2000


def test_writeback_queue_newest_wish_wins(store: Store, clock: FakeClock) -> None:
    row_id = store.enqueue_writeback("pure", "p1", ["ks:review-required"])
    assert store.enqueue_writeback("pure", "p1", ["ks:red", "ks:review-required"]) == row_id
    (due,) = store.due_writebacks()
    assert due.tags == ["ks:red", "ks:review-required"]
    # A write of the older wish must not mark the newer one done.
    assert not store.mark_writeback_done(row_id, ["ks:review-required"])
    assert store.mark_writeback_done(row_id, due.tags)
    assert store.due_writebacks() == []


def test_the_same_tags_already_written_are_not_queued_or_audited_again(store: Store) -> None:
    row_id = store.enqueue_writeback("pure", "p1", ["ks:amber"])
    assert store.mark_writeback_done(row_id, ["ks:amber"])
    assert store.enqueue_writeback("pure", "p1", ["ks:amber"]) == row_id  # an unchanged rescan
    actions = [e.action for e in store.audit_entries("record:pure/p1")]
    assert actions == ["writeback.queued", "writeback.written"] and store.due_writebacks() == []
    store.enqueue_writeback("pure", "p1", ["ks:red"])  # a real change is news again
    assert [e.action for e in store.audit_entries("record:pure/p1")][-1] == "writeback.queued"


def test_writeback_dry_run_stays_pending(store: Store) -> None:
    row_id = store.enqueue_writeback("pure", "p1", ["ks:amber"])
    assert not store.mark_writeback_done(row_id, ["ks:amber"], dry_run=True)
    assert len(store.due_writebacks()) == 1
    assert store.audit_entries("record:pure/p1")[-1].action == "writeback.dry-run"


def test_writeback_failures_back_off(store: Store, clock: FakeClock) -> None:
    row_id = store.enqueue_writeback("pure", "p1", ["ks:amber"])
    row = store.mark_writeback_failed(row_id, "409 conflict")
    assert row is not None and row.attempts == 1 and row.status == "pending"
    assert store.due_writebacks() == []
    clock.advance(minutes=1)
    assert len(store.due_writebacks()) == 1


def test_writeback_remembers_what_kvrules_wrote_and_why_it_skipped(store: Store) -> None:
    row_id = store.enqueue_writeback("pure", "p1", ["ks:medium"])
    store.begin_writeback(row_id, ["ks:medium"])
    (row,) = store.due_writebacks()
    assert row.attempted == ["ks:medium"] and row.written is None  # begun, outcome unknown
    store.mark_writeback_done(row_id, ["ks:medium"], before=[], wrote=True)
    store.enqueue_writeback("pure", "p1", ["ks:low"])  # a new wish keeps what was written
    (row,) = store.due_writebacks()
    assert row.written == ["ks:medium"] and row.attempted is None
    reason = "holds ['ks:high'], set by someone else"
    store.mark_writeback_done(row_id, ["ks:low"], before=["ks:high"], wrote=False, skipped=reason)
    assert store.due_writebacks() == []  # done until the wish changes
    entries = store.audit_entries("record:pure/p1")
    assert [(e.action, e.details.get("before")) for e in entries[-3:]] == [
        ("writeback.written", []),
        ("writeback.queued", None),
        ("writeback.skipped", ["ks:high"]),
    ]
    assert entries[-1].details["reason"] == reason and entries[-1].details["tags"] == ["ks:low"]
    store.enqueue_writeback("pure", "p1", ["ks:none"])
    (row,) = store.due_writebacks()
    assert row.written == ["ks:medium"] and row.skipped is None  # asked again, on a new wish


def test_record_finding_alerts_every_target_of_the_finding(store: Store) -> None:
    """Reviewer, 2026-12-07: ``record_finding`` (the single-finding API) alerted
    ``finding.alert`` only, while ``record_findings`` alerted every target
    (``Finding.alert_targets``): a rule's ``alert: [committee, export-control]`` reached no
    export-control officer through it."""
    finding = replace(make_finding(record_id="a"), also_alert=["export-control"])
    routed = store.record_finding(
        finding, channels={"committee": ["mail"], "export-control": ["xc", "mail"]}
    )
    rows = [r for r in store.alerts() if r.case_id == routed.case_id]
    assert sorted((r.route, r.channel) for r in rows) == [
        ("committee", "mail"),
        ("export-control", "mail"),
        ("export-control", "xc"),
    ]
    assert sorted(routed.alert_ids) == sorted(r.id for r in rows)
    assert {r.payload["route"] for r in rows} == {"committee", "export-control"}
    # the route's alert keeps its key (fingerprint.channel); another target's names it
    keys = {r.key for r in rows}
    fp = finding.fingerprint
    assert keys == {f"{fp}.mail", f"{fp}.export-control.xc", f"{fp}.export-control.mail"}

    # one list of channels, the form before: every target on them
    other = replace(make_finding(record_id="b"), also_alert=["export-control"])
    listed = store.record_finding(other, channels=["mail"])
    rows = [r for r in store.alerts() if r.case_id == listed.case_id]
    assert sorted((r.route, r.channel) for r in rows) == [
        ("committee", "mail"),
        ("export-control", "mail"),
    ]
    # a target the mapping does not name alerts nowhere, as in record_findings
    third = replace(make_finding(record_id="c"), also_alert=["export-control"])
    only = store.record_finding(third, channels={"committee": ["mail"]})
    assert [r.route for r in store.alerts() if r.case_id == only.case_id] == ["committee"]


def test_a_rule_edit_is_said_once_per_case_however_many_of_its_findings_rest_on_it(
    store: Store,
) -> None:
    """Review: two partners' findings of one rule, after an edit that found nothing new,
    wrote "noted that a finding of the case now rests on …" twice, word for word."""

    def on_list(partner: str, index: int, test: str, version: str) -> Finding:
        found = make_finding(partner=partner)
        book = RulebookRef(id=found.rulebook.id, version=version, sha256="cd" * 32)
        evidence = [Evidence(f"partners[{index}].lists", test, [partner])]
        return replace(found, rulebook=book, evidence=evidence)

    partners = ("Harbin Institute of Technology", "Beihang University")
    store.record_findings(
        [on_list(p, i, 'contains "us-dod-1286"', "2026.1") for i, p in enumerate(partners)], {}
    )
    edited = [on_list(p, i, 'contains "us-dod-1286" (edited)', "2026.2") for i, p in
              enumerate(partners)]  # fmt: skip
    results = store.record_findings(edited, {})
    assert [r.new for r in results] == [False, False]  # the same findings, updated in place
    said = [sentence(e) for e in store.audit_entries() if e.action == "finding.updated"]
    assert said == [
        "noted that 2 findings of the case now rest on us-dod-1286@2026.2/partner-on-1286 "
        "(edited since us-dod-1286@2026.1/partner-on-1286): the same rule, record and "
        "evidence, so no new finding"
    ]


def test_a_list_value_re_ordered_or_re_cased_is_no_evidence_added_or_gone(store: Store) -> None:
    """Review: a value re-ordered or re-worded by the RIS, not changed, read "evidence added:
    X; evidence no longer seen: X"; a piece that did change is still said, once each way."""
    from kvrules.store.cases import what_changed

    def seen(title: str, *keywords: str) -> Finding:
        found = make_finding()
        return replace(
            found,
            evidence=[
                Evidence("project.keywords", 'contains "hypersonic"', list(keywords)),
                Evidence("project.title", 'matches ".*[Hh]ypersonic.*"', title),
            ],
        )

    first = seen("Hypersonic flight", "hypersonic", "Quantum sensing")
    store.record_finding(first)
    reordered = store.record_finding(seen("hypersonic  FLIGHT", "quantum sensing", "hypersonic"))
    assert reordered.changed
    [stored] = store.case_findings(reordered.case_id)
    assert what_changed(stored.changes[-1]) == "the evidence was read again"
    retitled = seen("Hypersonic flight control", "quantum sensing", "hypersonic")
    store.record_finding(retitled)
    [stored] = store.case_findings(reordered.case_id)
    assert (stored.changes[-1]["evidence_added"], stored.changes[-1]["evidence_removed"]) == (
        [retitled.evidence[1].plain],
        [seen("hypersonic  FLIGHT").evidence[1].plain],
    )


def test_a_case_is_updated_when_one_of_its_findings_is_updated_in_place(
    store: Store, clock: FakeClock
) -> None:
    """Review: the case page's "updated" time stayed at the first scan although a later scan
    updated a finding of the case in place (no escalation, so the case row was not written);
    a rule edited under a finding too."""
    first = store.record_finding(make_finding())
    opened = store.case(first.case_id).changed_at
    clock.advance(days=1)
    found = make_finding()
    other = Evidence("project.title", 'matches ".*"', "Neutron detection")
    changed = store.record_finding(replace(found, evidence=[*found.evidence, other]))
    assert changed.changed and not changed.alert_ids  # in place, alerting no one
    assert store.case(first.case_id).changed_at == opened + timedelta(days=1)
    clock.advance(days=1)
    edited = Evidence("project.title", 'matches ".*(edited)"', "Neutron detection")
    book = replace(found.rulebook, version="2026.2")
    store.record_finding(replace(found, rulebook=book, evidence=[*found.evidence, edited]))
    assert store.case(first.case_id).changed_at == opened + timedelta(days=2)
    # the case's own updated time is the committee's (retention reads it): a scan is not that
    assert store.case(first.case_id).updated_at == opened


def test_a_record_without_findings_writes_nothing_and_opens_no_savepoint(store: Store) -> None:
    """A scan stores most records' findings as none: no savepoint was needed for them (two
    statements a record inside the scan's batch transaction), and nothing is written."""
    said: list[str] = []
    with store.transaction():
        store._db.conn.set_trace_callback(said.append)
        try:
            assert store.record_findings([], {"default": ["email"]}, scan="a scan") == []
        finally:
            store._db.conn.set_trace_callback(None)
    assert said == []
    assert store.alerts() == [] and store.cases() == []


def test_a_new_rulebook_version_with_the_same_tests_reaches_the_stored_finding(
    store: Store, clock: FakeClock
) -> None:
    """Reviewer, 0.4.0 → 0.5.0: us-dod-1286 2026.11 corrected only a rationale; its tests read
    the same, so its findings had the fingerprint of 2026.10's (which leaves the version out)
    and were only touched: ``show finding:N --technical`` still said v2026.10, with the old
    "why", after the re-screen and ``scan --full``. Found again by the new version, a finding
    rests on it, audited once per case and edit, alerting nobody."""

    def of_version(version: str, rationale: str, record_id: str = "proj-1") -> Finding:
        found = make_finding(record_id=record_id, rationale=rationale)
        return replace(found, rulebook=replace(found.rulebook, version=version))

    old = "the partner was named from the start, not added later"
    new = "the partner is on the list, however it came to the project"
    first = [store.record_finding(of_version("2026.10", old, r), channels=["email"])
             for r in ("proj-1", "proj-2")]  # fmt: skip
    alerts = len(store.alerts())
    clock.advance(days=1)
    again = store.record_findings(
        [of_version("2026.11", new, r) for r in ("proj-1", "proj-2")], {"committee": ["email"]}
    )
    assert [(r.new, r.changed, r.alert_ids) for r in again] == [(False, False, [])] * 2
    assert [r.finding_id for r in again] == [r.finding_id for r in first]
    assert len(store.alerts()) == alerts
    for result in again:
        (stored,) = store.case_findings(result.case_id)
        assert (stored.finding.rulebook.version, stored.finding.rationale) == ("2026.11", new)
        assert stored.changes == []  # nothing it found changed: no history line
        updated = [e for e in store.audit_entries(f"case:{result.case_id}")
                   if e.action == "finding.updated"]  # fmt: skip
        assert [e.details["rested_on"] for e in updated] == ["us-dod-1286@2026.10/partner-on-1286"]
    # found again by the same version: nothing more is said
    store.record_findings([of_version("2026.11", new)], {"committee": ["email"]})
    assert len([e for e in store.audit_entries() if e.action == "finding.updated"]) == 2
