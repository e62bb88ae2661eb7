"""Retention (`kvrules purge`): expired personal data leaves the tables and the file bytes; open
cases, pending reviews, decisions and the audit chain survive; a dry run changes nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.alerting import Alert
from kvrules.cli import cli
from kvrules.config import TEMPLATE, Config, parse_duration, parse_retention, retention_cutoff
from kvrules.findings import Evidence, Finding
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.store import retention as r
from tests.store.store_helpers import T0, FakeClock, make_finding

PARTNER = "Zephyrine Institute of Retention Testing"  # in subjects, evidence and alert bodies
UNIT = "Quietly Personal Research Unit"  # only in remembered subjects
EXCERPT = "visitor Jorinde Quarantainestraat 12"  # only in a quarantined record's excerpt
POLICY = {
    r.SUBJECTS_AFTER_CLOSE: "2y",
    r.SUBJECTS_WITHOUT_CASE: "2y",
    r.QUARANTINE: "90d",
    r.DELIVERED_ALERTS: "1y",
    r.FINDINGS_EVIDENCE: "5y",
    r.PRESCREENS: "1y",
}


def cutoffs(now: datetime, **overrides: str | None) -> list[r.Cutoff]:
    policy = POLICY | overrides
    return [
        r.Cutoff(cat, keep, retention_cutoff(keep, now))
        for cat, keep in policy.items()
        if keep is not None
    ]


def by_category(results: list[r.CategoryResult]) -> dict[str, r.CategoryResult]:
    return {x.category: x for x in results}


def event(
    record_id: str,
    *,
    end: str | None = None,
    visit: bool = False,
    partner: str = PARTNER,
    unit: str = UNIT,
) -> CollaborationEvent:
    org = {"name": partner, "country": "CN"}
    if visit:
        body = {
            "kind": "visit.requested",
            "visit": {
                "id": record_id,
                "visitor": {"role": "guest researcher", "affiliations": [org]},
                "host_unit": unit,
                "end": end,
            },
        }
    else:
        body = {
            "kind": "project.created",
            "project": {
                "id": record_id,
                "title": f"Project {record_id}",
                "end": end,
                "units": [unit],
                "partners": [org | {"role": "partner"}],
                "participants": [{"role": "pi", "affiliations": [org]}],
            },
        }
    return CollaborationEvent.model_validate(
        {
            "id": f"ev-{record_id}",
            "source": {"system": "pure", "record_id": record_id},
            "occurred_at": "2026-01-05T10:00:00Z",
            **body,
        }
    )


def screened(store: Store, record_id: str, *, finding: bool = True, **kw) -> Finding | None:
    """What a scan leaves behind for one record: its subject, and a finding with an alert."""
    store.record_subject(event(record_id, **kw))
    if not finding:
        return None
    f = make_finding(record_id=record_id, partner=kw.get("partner", PARTNER))
    store.record_findings([f], {"committee": ["mail"]})
    return f


def close(store: Store, record_id: str, **kw) -> int:
    case = store.case_for("pure", record_id)
    assert case is not None
    store.decide(case.id, "approve", "No concern after review.", actor="chair", **kw)
    store.set_case_status(case.id, "closed", actor="chair")
    return case.id


def row_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        counts["findings-body"] = hash(
            tuple(conn.execute("SELECT body FROM findings ORDER BY id").fetchall())
        )
        counts["outbox-payload"] = hash(
            tuple(conn.execute("SELECT payload FROM alert_outbox ORDER BY id").fetchall())
        )
        return counts
    finally:
        conn.close()


def file_bytes(path: Path) -> bytes:
    """The database and its -wal/-shm companions, as someone copying the files would see."""
    return b"".join(f.read_bytes() for f in sorted(path.parent.glob(path.name + "*")))


# -- the policy ------------------------------------------------------------------------------


def test_retention_periods_use_calendar_months_and_years() -> None:
    now = datetime(2026, 8, 31, 9, 30, tzinfo=UTC)
    assert retention_cutoff("18m", now) == datetime(2025, 2, 28, 9, 30, tzinfo=UTC)
    assert retention_cutoff("2y", datetime(2028, 2, 29, tzinfo=UTC)).date() == date(2026, 2, 28)
    assert retention_cutoff("90d", now) == now - timedelta(days=90)
    assert retention_cutoff("6w", now) == now - timedelta(weeks=6)
    assert parse_retention(" 18 m ") == (18, "m")
    for bad in ("15h", "30s", "two years", "", "-1y", "1.5y"):
        with pytest.raises(ValueError, match="not a retention period"):
            parse_retention(bad)
    assert parse_duration("15m") == timedelta(minutes=15)  # `interval` keeps its minutes


def test_retention_config_defaults_null_and_template() -> None:
    default = Config().retention.periods()
    assert default == POLICY
    custom = Config.model_validate({"retention": {"quarantine": None, "delivered_alerts": "6m"}})
    assert custom.retention.quarantine is None and custom.retention.delivered_alerts == "6m"
    with pytest.raises(ValueError, match="not a retention period"):
        Config.model_validate({"retention": {"quarantine": "90 days"}})
    with pytest.raises(ValueError, match=r"unknown|Extra"):
        Config.model_validate({"retention": {"audit_log": "1y"}})
    assert Config.model_validate(yaml.safe_load(TEMPLATE)).retention.periods() == POLICY


# -- subjects ----------------------------------------------------------------------------------


def test_closed_case_subject_goes_open_case_subject_stays(store: Store, clock: FakeClock) -> None:
    screened(store, "p-closed")
    screened(store, "p-open")
    close(store, "p-closed")
    clock.advance(days=365 * 2 - 5)
    assert by_category(store.retention_survey(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE].count == 0

    clock.advance(days=10)
    survey = by_category(store.retention_survey(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE]
    assert (survey.count, survey.protected) == (1, 1)  # the open one is old, but open
    assert survey.oldest == survey.newest == T0  # the decision, the case's last activity
    done = by_category(store.purge_expired(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE]
    assert (done.count, done.applied) == (1, True)
    assert store.subject("pure", "p-closed") is None
    assert store.subject("pure", "p-open") is not None
    # The case, its findings and its decision are the committee's: untouched.
    closed = store.case_for("pure", "p-closed")
    assert closed is not None and closed.status == "closed"
    assert store.case_findings(closed.id) and store.decisions(closed.id)
    again = by_category(store.purge_expired(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE]
    assert again.count == 0


def test_pending_review_open_mitigation_and_running_project_protect(
    store: Store, clock: FakeClock
) -> None:
    for rid in ("p-review", "p-overdue-review", "p-mitigated", "p-running", "p-visit"):
        screened(store, rid, end="2031-12-31" if rid == "p-running" else None)
    screened(store, "v-1", visit=True, end="2030-06-30")
    close(store, "v-1")
    case = store.case_for("pure", "p-review")
    assert case is not None
    store.decide(case.id, "approve", "Fine for now.", actor="chair", review_due=date(2029, 1, 1))
    overdue = store.case_for("pure", "p-overdue-review")
    assert overdue is not None  # review date passed, but nobody reopened the case yet
    store.decide(overdue.id, "approve", "Fine.", actor="chair", review_due=date(2026, 6, 1))
    mitigated = store.case_for("pure", "p-mitigated")
    assert mitigated is not None
    store.decide(
        mitigated.id,
        "approve-with-mitigations",
        "With an export-control check.",
        actor="chair",
        mitigations=[("export-control check", "research office", None)],
    )
    close(store, "p-running")
    close(store, "p-visit")
    clock.advance(days=365 * 3)

    result = by_category(store.purge_expired(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE]
    assert (result.count, result.protected) == (1, 3)
    assert store.subject("pure", "p-visit") is None
    for kept in ("p-review", "p-overdue-review", "p-mitigated", "p-running", "v-1"):
        assert store.subject("pure", kept) is not None, kept

    # Once the mitigation is done and the project and visit have long ended, they go too.
    (item,) = store.mitigations(mitigated.id)
    store.set_mitigation_status(item.id, "done", actor="research office")
    clock.now = datetime(2034, 1, 2, tzinfo=UTC)
    store.purge_expired(cutoffs(clock()))
    assert store.subject("pure", "p-mitigated") is None
    assert store.subject("pure", "p-running") is None
    assert store.subject("pure", "v-1") is None
    assert store.subject("pure", "p-review") is not None  # review on 2029-01-01 still pending


def test_subjects_without_case_follow_their_own_period(store: Store, clock: FakeClock) -> None:
    screened(store, "p-clean", finding=False)
    screened(store, "p-clean-running", finding=False, end="2030-01-01")
    clock.advance(days=365 * 2 + 3)
    survey = by_category(store.retention_survey(cutoffs(clock())))[r.SUBJECTS_WITHOUT_CASE]
    assert survey.count == 1
    never = by_category(store.purge_expired(cutoffs(clock(), subjects_without_case=None)))
    assert r.SUBJECTS_WITHOUT_CASE not in never  # null: kept forever
    assert store.subject("pure", "p-clean") is not None
    store.purge_expired(cutoffs(clock()))
    assert store.subject("pure", "p-clean") is None
    assert store.subject("pure", "p-clean-running") is not None


# -- alert bodies ------------------------------------------------------------------------------


def test_delivered_alert_bodies_blanked_keys_kept_and_still_deduplicated(
    store: Store, clock: FakeClock
) -> None:
    first = screened(store, "p-1")
    screened(store, "p-2")
    screened(store, "p-3")
    delivered, dead, pending = store.alerts()
    assert PARTNER in json.dumps(delivered.payload)
    store.mark_delivered(delivered.id)
    store.mark_failed(dead.id, "550 mailbox unavailable", permanent=True)
    clock.advance(days=366)

    result = by_category(store.purge_expired(cutoffs(clock())))[r.DELIVERED_ALERTS]
    assert (result.count, result.oldest, result.newest) == (2, T0, T0)
    after = {a.id: a for a in store.alerts()}
    for before in (delivered, dead):
        row = after[before.id]
        assert (row.key, row.channel, row.route, row.case_id) == (
            before.key,
            before.channel,
            before.route,
            before.case_id,
        )
        assert r.alert_purged(row.payload) and PARTNER not in json.dumps(row.payload)
        assert row.payload["title"] == before.payload["title"]  # the rule's title, no content
    assert after[delivered.id].status == "delivered" and after[dead.id].status == "dead"
    assert after[pending.id].payload == pending.payload  # not yet sent: never blanked

    # Re-delivery attempts are still deduplicated by the key: no second message, no new row.
    again = Alert.model_validate(pending.payload).model_copy(update={"key": delivered.key})
    assert store.enqueue_alert(again, "mail") == delivered.id
    assert first is not None
    assert store.record_findings([first], {"committee": ["mail"]})[0].new is False
    assert [a.id for a in store.due_alerts(clock())] == [pending.id]
    assert len(store.alerts()) == 3
    assert not store.mark_delivered(delivered.id)  # already delivered: nothing changes
    with pytest.raises(ValueError, match="purged"):
        store.requeue_alert(dead.id, actor="admin")  # an empty body is never sent
    assert store.alert(dead.id).status == "dead"


# -- quarantine --------------------------------------------------------------------------------


def test_quarantine_rows_older_than_the_period_go(store: Store, clock: FakeClock) -> None:
    store.quarantine("pure", "q-old", "project without title", EXCERPT)
    store.quarantine("pure", "q-again", "project without title", EXCERPT)
    store.quarantine("pure", "q-released", "bad country", EXCERPT)
    clock.advance(days=60)
    store.quarantine("pure", "q-again", "project without title", EXCERPT)  # seen again
    store.release_quarantine("pure", "q-released")  # mapped at last, 60 days in
    clock.advance(days=31)
    result = by_category(store.purge_expired(cutoffs(clock())))[r.QUARANTINE]
    assert (result.count, result.oldest) == (1, T0)
    assert [q.record_id for q in store.quarantined()] == ["q-again"]
    clock.advance(days=60)
    store.purge_expired(cutoffs(clock()))
    assert store.quarantined() == []
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0] == 0
    conn.close()


# -- pre-screens -------------------------------------------------------------------------------


def prescreened(store: Store, reference: str) -> int:
    """A grant officer's pre-screen of a proposal naming PARTNER (kept with its answer)."""
    proposal = {"title": "Proposed consortium", "partners": [{"name": PARTNER, "country": "CN"}]}
    result = {
        "reference": reference,
        "triage": {"colour": "amber"},
        "findings": [],
        "screened_against": ["us_dod_1286@FY25"],
        "proposal": proposal,
    }
    return store.record_prescreen(
        proposal=proposal, result=result, events=[], actor="grant-officer", via="web"
    )


def prescreen_rows(store: Store) -> list[str]:
    return [p.reference for p in store.prescreens()]


def test_prescreens_go_after_their_period_sent_ones_with_their_case(
    store: Store, clock: FakeClock
) -> None:
    prescreened(store, "ps-old")
    sent = prescreened(store, "ps-sent")
    case_id = store.send_prescreen(sent, actor="grant-officer")  # an open case keeps it
    clock.advance(days=200)
    prescreened(store, "ps-recent")
    clock.advance(days=200)
    result = by_category(store.purge_expired(cutoffs(clock())))[r.PRESCREENS]
    assert (result.count, result.oldest, result.protected) == (1, T0, 1)
    assert sorted(prescreen_rows(store)) == ["ps-recent", "ps-sent"]
    store.decide(case_id, "approve", "No concern.", actor="chair")
    store.set_case_status(case_id, "closed", actor="chair")
    clock.advance(days=400)
    store.purge_expired(cutoffs(clock()))
    assert prescreen_rows(store) == []
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT COUNT(*) FROM prescreens").fetchone()[0] == 0
    conn.close()
    assert store.case(case_id) is not None  # the case itself is never purged


# -- findings evidence -------------------------------------------------------------------------


def test_evidence_redacted_after_close_rule_severity_fingerprint_kept(
    store: Store, clock: FakeClock
) -> None:
    f = screened(store, "p-old")
    screened(store, "p-open")
    assert f is not None
    case_id = close(store, "p-old")
    (before,) = store.case_findings(case_id)
    clock.advance(days=365 * 5 + 2)

    result = by_category(store.purge_expired(cutoffs(clock())))[r.FINDINGS_EVIDENCE]
    assert (result.count, result.protected) == (1, 1)
    (after,) = store.case_findings(case_id)
    assert [e.actual for e in after.finding.evidence] == [r.PURGED]
    assert [e.path for e in after.finding.evidence] == [e.path for e in before.finding.evidence]
    for same in ("rule_id", "rule_title", "severity", "rulebook", "citation", "rationale"):
        assert getattr(after.finding, same) == getattr(before.finding, same), same
    assert (after.first_seen, after.last_seen) == (before.first_seen, before.last_seen)
    conn = sqlite3.connect(store.path)
    stored_fp = conn.execute("SELECT fingerprint FROM findings WHERE id = ?", (after.id,))
    assert stored_fp.fetchone()[0] == f.fingerprint
    conn.close()
    # The same finding seen again is still recognised: no new finding, no reopened case.
    clock.advance(days=1)
    assert store.record_findings([f], {"committee": ["mail"]})[0].new is False
    assert store.case(case_id).status == "closed"
    assert store.case_findings(case_id)[0].finding.evidence[0].actual == r.PURGED
    (open_finding,) = store.case_findings(store.case_for("pure", "p-open").id)
    assert open_finding.finding.evidence[0].actual == [PARTNER]


def test_evidence_redaction_keeps_the_other_fields() -> None:
    body = make_finding().to_dict()
    body["evidence"].append(
        {"path": "project.partners[1].name", "test": "x", "actual": "y", "subject": "Org (CN)"}
    )
    red = r.redact_evidence(body)
    assert [e["actual"] for e in red["evidence"]] == [r.PURGED, r.PURGED]
    assert [e["subject"] for e in red["evidence"]] == [None, None]
    assert {k: v for k, v in red.items() if k != "evidence"} == {
        k: v for k, v in body.items() if k != "evidence"
    }
    assert Finding.from_dict(red).evidence[0] == Evidence(
        path="partners[0].lists", test='contains "us-dod-1286"', actual=r.PURGED
    )


# -- dry run, audit, the file ------------------------------------------------------------------


def _everything_expired(store: Store, clock: FakeClock) -> None:
    screened(store, "p-1")
    screened(store, "p-2", partner="Open Case Partner", unit="Open Case Unit")  # stays open
    screened(store, "p-clean", finding=False)
    store.quarantine("pure", "q-1", "project without title", EXCERPT)
    prescreened(store, "ps-1")
    for alert in store.alerts():
        store.mark_delivered(alert.id)
    close(store, "p-1")
    clock.advance(days=365 * 6)


def test_dry_run_changes_nothing(store: Store, clock: FakeClock, db_path: Path) -> None:
    _everything_expired(store, clock)
    before = row_counts(db_path)
    survey = by_category(store.retention_survey(cutoffs(clock())))
    assert {c: s.count for c, s in survey.items()} == {
        r.SUBJECTS_AFTER_CLOSE: 1,
        r.SUBJECTS_WITHOUT_CASE: 1,
        r.QUARANTINE: 1,
        r.DELIVERED_ALERTS: 2,
        r.FINDINGS_EVIDENCE: 1,
        r.PRESCREENS: 1,
    }
    assert not any(s.applied for s in survey.values())
    assert row_counts(db_path) == before


def test_audit_chain_verifies_and_has_one_entry_per_category(
    store: Store, clock: FakeClock
) -> None:
    _everything_expired(store, clock)
    head = store.audit_head()
    store.purge_expired(cutoffs(clock()))
    assert store.verify_audit(expected_head=head) == []  # appended to, nothing rewritten
    entries = [e for e in store.audit_entries() if e.action == r.ACTION]
    assert [e.subject for e in entries] == [f"retention:{c}" for c in r.CATEGORIES]
    assert all(e.actor == "kvrules" for e in entries)
    subjects = entries[0].details
    assert subjects["count"] == 1 and subjects["keep"] == "2y"
    assert subjects["cutoff"].startswith("2030-0") and subjects["oldest"].startswith("2026")
    text = json.dumps([e.details for e in entries])
    for content in (PARTNER, UNIT, EXCERPT, "p-1"):
        assert content not in text  # counts and dates, never what went
    # Nothing left: a second purge writes no entry.
    n = len(store.audit_entries())
    store.purge_expired(cutoffs(clock()))
    assert len(store.audit_entries()) == n


def _write_config(tmp: Path, database: Path, **retention: str | None) -> Path:
    config = tmp / "kvrules.yaml"
    data = {"database": str(database), "retention": POLICY | retention}
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    return config


def test_purge_cli_dry_run_then_apply_removes_the_bytes(tmp_path: Path) -> None:
    db = tmp_path / "state" / "kvrules.db"
    now = datetime.now(UTC)
    clock = FakeClock(now - timedelta(days=365 * 6))
    with Store.open(db, clock=clock, create=True) as store:
        _everything_expired(store, clock)
        head = store.audit_head()
    config = _write_config(tmp_path, db)
    for secret in (PARTNER, UNIT, EXCERPT):
        assert secret.encode() in file_bytes(db), secret  # or the check below proves nothing
    runner = CliRunner()

    before = row_counts(db)
    dry = runner.invoke(cli, ["purge", "--config", str(config), "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert report["applied"] is False and report["compacted"] is None
    assert {c["category"]: c["count"] for c in report["categories"]} == {
        r.SUBJECTS_AFTER_CLOSE: 1,
        r.SUBJECTS_WITHOUT_CASE: 1,
        r.QUARANTINE: 1,
        r.DELIVERED_ALERTS: 2,
        r.FINDINGS_EVIDENCE: 1,
        r.PRESCREENS: 1,
    }
    assert row_counts(db) == before
    text = runner.invoke(cli, ["purge", "--config", str(config)])
    assert text.exit_code == 0 and "dry run: nothing was changed" in text.output
    assert row_counts(db) == before

    applied = runner.invoke(cli, ["purge", "--config", str(config), "--apply", "--json"])
    assert applied.exit_code == 0, applied.output
    report = json.loads(applied.stdout)
    assert report["applied"] and report["compacted"]["checkpoint_complete"]
    assert sum(c["count"] for c in report["categories"]) == 7
    blob = file_bytes(db)
    for secret in (PARTNER, UNIT, EXCERPT):
        assert secret.encode() not in blob, secret
        assert secret.encode("utf-16-le") not in blob, secret
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated

    verify = runner.invoke(
        cli, ["audit", "verify", "--db", str(db), "--head", f"{head[0]}:{head[1]}"]
    )
    assert verify.exit_code == 0, verify.output
    with Store.open(db) as store:
        actions = [e.action for e in store.audit_entries()]
        assert actions.count(r.ACTION) == len(r.CATEGORIES)
        open_case = store.case_for("pure", "p-2")
        assert open_case is not None and store.subject("pure", "p-2") is not None
    again = runner.invoke(cli, ["purge", "--db", str(db), "--config", str(config), "--json"])
    assert sum(c["count"] for c in json.loads(again.stdout)["categories"]) == 0


def test_compact_alone_clears_the_bytes_where_secure_delete_is_off(
    store: Store, clock: FakeClock, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many SQLite builds leave deleted content in free pages; VACUUM must cope without help."""

    @contextmanager
    def off(conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("PRAGMA secure_delete = OFF")
        yield

    monkeypatch.setattr(r, "secure_delete", off)
    _everything_expired(store, clock)
    store.purge_expired(cutoffs(clock()))
    store._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    left = [s for s in (PARTNER, UNIT, EXCERPT) if s.encode() in file_bytes(db_path)]
    assert left, "deleted rows stayed in the free pages: the control for the check below"
    assert store.compact()["checkpoint_complete"]
    assert [s for s in (PARTNER, UNIT, EXCERPT) if s.encode() in file_bytes(db_path)] == []


def test_purge_cli_says_when_a_reader_kept_old_pages_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(r, "COMPACT_WAIT", 0.05)  # the reader below never finishes by itself
    db = tmp_path / "kvrules.db"
    clock = FakeClock(datetime.now(UTC) - timedelta(days=365 * 6))
    with Store.open(db, clock=clock) as store:
        _everything_expired(store, clock)
    config = _write_config(tmp_path, db)
    runner = CliRunner()
    reader = sqlite3.connect(db, isolation_level=None)  # e.g. the web app, mid-request
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM cases").fetchone()
    busy = runner.invoke(cli, ["purge", "--config", str(config), "--apply", "--json"])
    reader.execute("COMMIT")
    reader.close()
    assert busy.exit_code == 1
    assert json.loads(busy.stdout)["compacted"]["checkpoint_complete"] is False
    assert "another process was reading" in busy.stderr
    rerun = runner.invoke(cli, ["purge", "--config", str(config), "--apply", "--json"])
    assert rerun.exit_code == 0, rerun.output
    report = json.loads(rerun.stdout)
    assert report["compacted"]["checkpoint_complete"]
    assert sum(c["count"] for c in report["categories"]) == 0  # already purged the first time
    for secret in (PARTNER, UNIT, EXCERPT):
        assert secret.encode() not in file_bytes(db), secret


def test_purge_cli_null_keeps_forever_and_needs_a_database(tmp_path: Path) -> None:
    db = tmp_path / "kvrules.db"
    config = _write_config(tmp_path, db, quarantine=None)
    runner = CliRunner()
    missing = runner.invoke(cli, ["purge", "--config", str(config)])
    assert missing.exit_code != 0 and "no kvrules database" in missing.output
    assert not db.exists()  # a purge never creates a database
    clock = FakeClock(datetime.now(UTC) - timedelta(days=400))
    with Store.open(db, clock=clock) as store:
        store.quarantine("pure", "q-1", "project without title", EXCERPT)
    out = runner.invoke(cli, ["purge", "--config", str(config), "--apply", "--json"])
    assert out.exit_code == 0, out.output
    quarantine = next(
        c for c in json.loads(out.stdout)["categories"] if c["category"] == "quarantine"
    )
    assert quarantine["keep"] is None and quarantine["count"] == 0
    with Store.open(db) as store:
        assert [q.record_id for q in store.quarantined()] == ["q-1"]
    table = runner.invoke(cli, ["purge", "--config", str(config)])
    assert "forever" in table.output


# -- the web case page after a purge -----------------------------------------------------------


def test_case_page_renders_after_its_subject_and_evidence_were_purged(tmp_path: Path) -> None:
    from tests.web.web_helpers import app_for, build_db, case_id, login

    db = build_db(tmp_path / "kvrules.db")
    purged, kept = case_id(db, "p-1"), case_id(db, "p-2")
    with Store.open(db) as store:
        store.decide(purged, "approve", "No concern.", actor="committee")
        store.set_case_status(purged, "closed", actor="committee")
    later = FakeClock(datetime.now(UTC) + timedelta(days=365 * 6))
    with Store.open(db, clock=later) as store:
        done = by_category(store.purge_expired(cutoffs(later())))
        assert done[r.SUBJECTS_AFTER_CLOSE].count == 1 and done[r.FINDINGS_EVIDENCE].count == 1
        assert store.subject("pure", "p-1") is None and store.subject("pure", "p-2") is not None

    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{purged}")
    assert page.status_code == 200
    assert "the retention policy removed it" in page.text  # the empty state says why
    assert r.PURGED in page.text
    assert "Najing Univ." not in page.text and "Quantum sensing" not in page.text
    assert "decided: approve — “No concern.”" in page.text  # the committee's history is all there
    other = client.get(f"/cases/{kept}")
    assert other.status_code == 200 and "Technische Universität Beispiel" in other.text
    for path in ("/cases", "/report", "/audit", "/adjudications", "/mitigations"):
        shown = client.get(path)
        assert shown.status_code == 200, path
    assert "retention.purged" in client.get("/audit").text


# -- records still in the source -----------------------------------------------------------------


def test_a_record_still_read_unchanged_keeps_its_content(tmp_path: Path, write_rulebook) -> None:
    """A scan stores a record's content only when it changes; one read unchanged for two years
    is still in the RIS and still counts (its unit's funding share, re-screening on a new list
    edition). Purging it would also never be undone: an unchanged record is not stored again.
    Only a record the scans no longer see is due."""
    from kvrules import Evaluator, load_rulebook
    from kvrules.pipeline import Scanner
    from kvrules.plugins import get_adapters
    from tests.conftest import rule_yaml

    exports = tmp_path / "exports"
    exports.mkdir()

    def export(*record_ids: str) -> None:
        lines = [
            json.dumps(
                {
                    "id": f"{rid}:v1",
                    "kind": "project.created",
                    "occurred_at": "2026-01-01T00:00:00Z",
                    "source": {"system": "file", "record_id": rid},
                    "project": {"id": rid, "title": rid, "units": ["Physics"]},
                }
            )
            for rid in record_ids
        ]
        (exports / "p.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    export("P-live", "P-gone")
    book = load_rulebook(write_rulebook(rule_yaml("never", 'partner.country == "AQ"')))
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    clock = FakeClock()
    with Store.open(tmp_path / "s.db", clock=clock) as store, Evaluator([book]) as ev:
        Scanner(store, "file", adapter, ev, None).scan()
        export("P-live")  # P-gone was deleted in the RIS
        for _ in range(5):  # a full read every half year finds P-live unchanged
            clock.advance(days=180)
            Scanner(store, "file", adapter, ev, None).scan(full=True)
        survey = by_category(store.retention_survey(cutoffs(clock())))
        assert survey[r.SUBJECTS_WITHOUT_CASE].count == 1
        store.purge_expired(cutoffs(clock()))
        assert store.subject("file", "P-gone") is None
        assert store.subject("file", "P-live") is not None


def test_purge_cli_while_a_scan_holds_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan re-screening the portfolio holds one write transaction for minutes; the purge
    waits (busy timeout), then says so and exits 1, instead of a traceback."""
    import kvrules.store.db as db_module

    db = tmp_path / "kvrules.db"
    clock = FakeClock(datetime.now(UTC) - timedelta(days=365 * 6))
    with Store.open(db, clock=clock) as store:
        _everything_expired(store, clock)
    config = _write_config(tmp_path, db)
    scan = sqlite3.connect(db, isolation_level=None)
    scan.execute("BEGIN IMMEDIATE")  # the scan's write lock
    real_connect = sqlite3.connect
    monkeypatch.setattr(  # wait 0.1 s, not 30
        db_module.sqlite3, "connect", lambda *a, **kw: real_connect(*a, **{**kw, "timeout": 0.1})
    )
    try:
        busy = CliRunner().invoke(cli, ["purge", "--config", str(config), "--apply"])
    finally:
        scan.execute("ROLLBACK")
        scan.close()
    assert busy.exit_code == 1 and not isinstance(busy.exception, sqlite3.Error), busy.output
    assert "is busy" in busy.output and "try again when it has finished" in busy.output
    monkeypatch.undo()
    again = CliRunner().invoke(cli, ["purge", "--config", str(config), "--apply", "--json"])
    assert again.exit_code == 0, again.output
    assert sum(c["count"] for c in json.loads(again.stdout)["categories"]) == 7


def test_redaction_also_drops_the_list_entries_a_finding_kept(store: Store, clock: FakeClock):
    # a finding keeps the list matches it rests on (kvrules.plain.entries_behind): they hold
    # the RIS's spelling of the partner ("part", "explanation"), as its evidence values do
    screened(store, "p-old")
    case_id = close(store, "p-old")
    kept = {"evidence": 0, "list": "us_dod_1286", "name": "Harbin", "part": PARTNER}
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute("UPDATE findings SET listed = ?", (json.dumps([kept]),))
    conn.close()
    assert store.case_findings(case_id)[0].listed == [kept]
    clock.advance(days=365 * 5 + 2)
    store.purge_expired(cutoffs(clock()))
    (after,) = store.case_findings(case_id)
    assert after.listed is None and after.lapsed is None


def test_a_closed_case_re_screened_under_an_edited_rule_still_ages_out(
    store: Store, clock: FakeClock
) -> None:
    """Review: a scan that updated a closed case's finding in place (a rule's test re-worded,
    same substance) moved the case's ``updated_at``, which retention reads as committee
    activity: the record's content was never due again. Re-screening is not activity; the
    case page still says the finding changed (``changed_at``)."""
    found = screened(store, "p-1")
    assert found is not None
    case_id = close(store, "p-1")
    clock.advance(days=3 * 365)
    due = by_category(store.retention_survey(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE]
    assert due.count == 1
    reworded = [replace(e, test=e.test + " (re-worded)") for e in found.evidence]
    edited = replace(found, evidence=reworded)
    assert edited.fingerprint != found.fingerprint and edited.substance == found.substance
    store.record_findings([edited], {"committee": ["mail"]})
    due = by_category(store.retention_survey(cutoffs(clock())))[r.SUBJECTS_AFTER_CLOSE]
    assert due.count == 1  # old code: 0, and never again while scans re-read the record
    case = store.case(case_id)
    assert case is not None and case.status == "closed"
    # the finding was updated in place (it rests on the edited rule): the case page says so
    assert case.changed_at == clock() and case.updated_at < clock() - timedelta(days=365)
