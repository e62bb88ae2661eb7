"""`kvrules scan` against the running system: Pure simulator over HTTP, SMTP, webhook, SQLite.

Everything is real and on 127.0.0.1; the scan is driven through the CLI with a config file
(the API key and the webhook secret come from files, never inline).
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.assembly import build_scanner
from kvrules.cli import cli
from kvrules.config import load_config
from kvrules.pipeline import ScanReport
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import RISK_GROUP, System, level_uri, start_system

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

SUMMARY_KEYS = set(ScanReport("x").as_dict())


def scan(system: System, *args: str, exit_code: int = 0) -> dict:
    """Run `kvrules scan --config FILE --json ARGS`; return the parsed one-line summary."""
    result = CliRunner().invoke(
        cli, ["scan", "--config", str(system.config), "--json", *args], catch_exceptions=False
    )
    assert result.exit_code == exit_code, result.output + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout  # one source, one JSON object, nothing else
    summary = json.loads(lines[0])
    assert set(summary) == SUMMARY_KEYS
    assert summary["source"] == "pure"
    return summary


def fingerprints(system: System) -> set[str]:
    with system.store() as store:
        return {
            f.finding.fingerprint for case in store.cases() for f in store.case_findings(case.id)
        }


def assert_audit_clean(system: System) -> None:
    with system.store() as store:
        assert store.verify_audit() == []


def test_first_scan_delivers_every_alert_once_and_writes_tags(system: System) -> None:
    summary = scan(system, "--apply")

    assert summary["records"] == 60 and summary["quarantined"] == 0
    assert summary["dry_run"] is False
    assert summary["findings"] > 0
    assert summary["findings"] == sum(summary["by_severity"].values())
    assert summary["cases_opened"] > 0
    assert summary["alerts_queued"] > 0
    assert summary["alerts_delivered"] == summary["alerts_queued"]
    assert summary["alerts_failed"] == 0 and summary["writeback_errors"] == 0
    assert summary["screened_against"]  # the report says which list editions were used
    assert "us_dod_1286@FY25 (partial)" in summary["screened_against"]  # and which are partial

    with system.store() as store:
        cases = store.cases()
        outbox = store.alerts()
        assert len(cases) == summary["cases_opened"]
        assert len(outbox) == summary["alerts_queued"]
        assert store.alerts("pending") == [] and store.alerts("dead") == []
        stored = sum(len(store.case_findings(c.id)) for c in cases)
        assert stored == summary["findings"]
        assert store.due_writebacks(source="pure") == []  # every wanted tag was written
    # Every queued alert reached its receiver exactly once, under its idempotency key.
    by_channel: dict[str, list[str]] = {}
    for row in outbox:
        by_channel.setdefault(row.channel, []).append(row.key)
    assert sorted(system.mail_keys()) == sorted(by_channel["mail"])
    assert sorted(system.hooks.keys) == sorted(by_channel["hook"])
    assert all(post.signed for post in system.hooks.posts)  # HMAC checked by the receiver
    message_ids = system.message_ids()
    assert all(len(ids) == 1 for ids in message_ids.values())
    assert len({next(iter(ids)) for ids in message_ids.values()}) == len(message_ids)

    # --apply: each case's project carries its risk level in Pure (read back over HTTP).
    assert summary["tags_planned"] == len(cases)
    assert 0 < summary["tags_written"] <= summary["tags_planned"]
    put_paths = Counter(system.puts())
    assert len(put_paths) == summary["tags_written"]
    assert set(put_paths.values()) == {1}
    for case in cases:
        project = system.get_project(case.record_id)
        groups = [g for g in project["keywordGroups"] if g.get("logicalName") == RISK_GROUP]
        assert [c["uri"] for g in groups for c in g["classifications"]] == [
            level_uri(case.severity.value)
        ]
    case_projects = {c.record_id for c in cases}
    assert {path.rsplit("/", 1)[1] for path in put_paths} <= case_projects
    untouched = set(system.project_uuids()) - case_projects
    assert not any(p.endswith(tuple(untouched)) for p in put_paths)

    with system.store() as store:
        actions = Counter(e.action for e in store.audit_entries())
    assert actions["case.opened"] == len(cases)
    assert actions["finding.recorded"] == summary["findings"]
    assert actions["alert.delivered"] == summary["alerts_queued"]
    assert actions["writeback.written"] == summary["tags_planned"]
    assert_audit_clean(system)


def test_rescanning_unchanged_data_sends_and_writes_nothing(system: System) -> None:
    first = scan(system, "--apply")
    assert first["findings"] > 0 and first["tags_written"] > 0
    known = fingerprints(system)
    tags = system.risk_uris()
    mails, posts = len(system.mail.mails), len(system.hooks.posts)
    with system.store() as store:
        outbox = len(store.alerts())
        cases = len(store.cases())

    for args in (["--apply"], ["--apply", "--full"], ["--full"], []):
        system.sim.clear_requests()
        again = scan(system, *args)
        assert again["findings"] == 0, args
        assert again["cases_opened"] == 0, args
        assert again["alerts_queued"] == 0 and again["alerts_delivered"] == 0, args
        assert again["tags_written"] == 0 and again["writeback_errors"] == 0, args
        assert system.puts() == [], args
        assert len(system.mail.mails) == mails and len(system.hooks.posts) == posts, args
        assert system.risk_uris() == tags, args
        if "--full" in args:
            # everything was read and evaluated again (a full scan is how the rules in force
            # are made to see the whole portfolio), and nothing was new
            assert again["records"] == 60 and again["events"] == 60, args
            assert again["unchanged"] == 0, args
        else:
            # Nothing was evaluated again: our own tag writes (which the changes feed reports,
            # read back as project.updated) are not a change of content.
            assert again["events"] == 0 and again["unchanged"] == again["records"], args
        with system.store() as store:
            assert len(store.alerts()) == outbox and len(store.cases()) == cases
            assert store.due_writebacks(source="pure") == []
    assert fingerprints(system) == known
    assert_audit_clean(system)


def test_dry_run_writes_nothing_but_audits_the_planned_tags(system: System) -> None:
    before = {u: system.sim.store.get("projects", u)["version"] for u in system.project_uuids()}

    summary = scan(system)  # no --apply, writeback.apply: false in the file

    assert summary["dry_run"] is True
    assert summary["findings"] > 0
    assert summary["tags_planned"] == summary["cases_opened"] > 0
    assert summary["tags_written"] == 0
    assert system.methods()["PUT"] == 0
    after = {u: system.sim.store.get("projects", u)["version"] for u in system.project_uuids()}
    assert after == before  # not one project changed in Pure
    assert summary["alerts_delivered"] == summary["alerts_queued"]  # dry run = write-back only

    with system.store() as store:
        cases = {c.record_id: c for c in store.cases()}
        planned = [e for e in store.audit_entries() if e.action == "writeback.dry-run"]
        pending = store.due_writebacks(source="pure")
    assert {e.subject for e in planned} == {f"record:pure/{r}" for r in cases}
    for entry in planned:
        case = cases[entry.subject.rsplit("/", 1)[1]]
        level = level_uri(case.severity.value).rsplit("/", 1)[1]
        assert entry.details["tags"] == [f"ks:{level}"]
    assert {row.record_id for row in pending} == set(cases)  # still wanted, not written
    assert_audit_clean(system)

    # A second dry run does not plan the same tags again (a reviewer's Converis round: 400
    # projects, "tags planned (dry run) 265" and 265 more audit rows at every scan).
    again = scan(system)
    assert again["tags_planned"] == 0 and again["tags_planned_earlier"] == len(cases)
    with system.store() as store:
        replanned = [e for e in store.audit_entries() if e.action == "writeback.dry-run"]
    assert len(replanned) == len(planned)

    # Applying later writes exactly what the dry run planned.
    applied = scan(system, "--apply")
    assert applied["findings"] == 0 and applied["alerts_queued"] == 0
    assert applied["tags_planned"] == len(cases)
    assert len(system.puts()) == applied["tags_written"] > 0
    for uuid, case in cases.items():
        assert system.risk_uris()[uuid] == [level_uri(case.severity.value)]


def test_malformed_record_is_quarantined_and_the_scan_goes_on(system: System) -> None:
    projects = system.sim.store.collection("projects")
    bad = system.project_uuids()[7]
    original = projects.get(bad)
    broken = copy.deepcopy(original)
    del broken["title"]
    projects.overrides[bad] = broken  # the simulator now serves it without a title

    summary = scan(system, "--apply", exit_code=2)  # as `fetch`: done, something quarantined

    assert summary["quarantined"] == 1
    assert summary["records"] == 60  # the scan went on past it
    assert summary["events"] == 59
    assert summary["findings"] > 0 and summary["alerts_delivered"] == summary["alerts_queued"]
    with system.store() as store:
        held = store.quarantined("pure")
        assert [(q.record_id, q.reason) for q in held] == [(bad, "project has no title")]
        assert store.case_for("pure", bad) is None
        entries = store.audit_entries(f"record:pure/{bad}")
    assert [(e.action, e.details) for e in entries] == [
        ("record.quarantined", {"reason": "project has no title"})
    ]
    assert bad not in {p.rsplit("/", 1)[1] for p in system.puts()}

    # Scanning again does not quarantine it twice; once fixed, it is released and evaluated.
    assert scan(system, "--apply", "--full", exit_code=2)["quarantined"] == 1
    projects.overrides.pop(bad)
    fixed = scan(system, "--apply", "--full")
    assert fixed["quarantined"] == 0
    with system.store() as store:
        assert store.quarantined("pure") == []
        actions = [e.action for e in store.audit_entries(f"record:pure/{bad}")]
    assert actions[:2] == ["record.quarantined", "record.released"]
    assert_audit_clean(system)


def test_records_are_committed_with_the_cursor_of_their_page_not_one_by_one(
    tmp_path: Path,
) -> None:
    system = start_system(tmp_path / "run", projects=60, page_size=20)
    try:
        with Store.open(system.database) as store:
            statements: list[str] = []
            store._db.conn.set_trace_callback(statements.append)
            commits_after_record: list[int] = []

            def progress(_record: object) -> None:
                commits_after_record.append(statements.count("COMMIT"))

            report = build_scanner(load_config(system.config), "pure", store).scan(
                progress=progress
            )
            store._db.conn.set_trace_callback(None)
    finally:
        system.stop()
    assert report.records == 60 <= len(commits_after_record)
    # Three pages: a commit at each page's last record (plus one a slow batch may add).
    assert commits_after_record[-1] - commits_after_record[0] <= 10
    assert commits_after_record[-1] > commits_after_record[0]


def test_scan_help_documents_its_exit_status() -> None:
    result = CliRunner().invoke(cli, ["scan", "--help"])
    text = " ".join(result.output.split())
    assert "Exit status: 0 done; 1 an error" in text
    assert "2 done with records quarantined" in text
