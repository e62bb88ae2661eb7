"""A project that ended long ago (GDPR/ethics review of 0.3.0, 2026-12-07, item 8): the
reviewer's "Old drone swarm project" (ended 2018-12-31, finished, a partner in China on a
designation list) opened a high case and queued mails naming its lead, as a running project
would. Now it is screened and its findings listed in the scan's report, but opens no case and
sends no alert (``ended_projects_quiet_after``, default 1y), unless a restricted-party hit;
retention counts its content from the project's end. The record is the reviewer's, made up."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from kvrules.ended import ended_before, opens_a_case
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.scan_helpers import file_export_config, json_report, project_event, scanned
from tests.web.web_helpers import finding

OLD = project_event(
    "p-3",
    title="Old drone swarm project",
    keywords=["swarm robotics", "UAV"],
    partners=[{"name": "National University of Defense Technology", "country": "CN"}],
    participants=[{"display_name": "Ольга Смирнова", "role": "project leader"}],
    start="2015-01-01",
    end="2018-12-31",
    status="finished",
)
MAIL = (
    "alerts: {channels: {mail: {plugin: email, settings: {host: 127.0.0.1, port: 1,"
    " security: none, sender: k@example.edu, to: [s@example.edu]}}},"
    " routes: {committee: [mail], adviser: [mail], export-control: [mail],"
    " grant-office: [mail]}}\n"
)


def _scan(folder: Path, extra: str = "") -> tuple[dict, Path]:
    folder.mkdir()
    config = file_export_config(folder, OLD, home="NL")
    with config.open("a", encoding="utf-8") as f:
        f.write(MAIL + extra)
    report = json_report(scanned(config, "--json"))
    return report, folder / "kvrules.db"


def test_a_long_ended_project_is_listed_but_opens_no_case_and_sends_no_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    report, db = _scan(tmp_path / "quiet")
    assert report["cases_opened"] == 0 and report["alerts_queued"] == 0
    listed = report["ended_not_opened"]["p-3"]
    assert listed["ended"] == "2018-12-31" and "project-partner-on-1286" in listed["rules"]
    with Store.open(db) as store:
        assert store.case_for("file", "p-3") is None
        assert store.subject("file", "p-3") is not None  # screened, remembered
    # the setting off: screened as a running project, as before
    before, _ = _scan(tmp_path / "loud", "ended_projects_quiet_after: null\n")
    assert before["cases_opened"] == 1 and before["alerts_queued"] >= 1
    assert before["ended_not_opened"] == {}


def test_text_report_lists_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    config = file_export_config(tmp_path, OLD, home="NL")
    said = " ".join(scanned(config).stdout.split())
    assert "1 project that ended longer ago than ended_projects_quiet_after" in said, said
    assert "Old drone swarm project (record p-3, ended 2018-12-31: " in said
    assert said.count("(record p-3,") == 1


def test_which_projects_count_as_long_ended() -> None:
    now = datetime.fromisoformat("2026-12-07T12:00:00+00:00")
    event = CollaborationEvent.model_validate(OLD)
    assert str(ended_before([event], "1y", now)) == "2018-12-31"
    recent = json.loads(json.dumps(OLD))
    recent["project"]["end"] = "2026-06-30"
    assert ended_before([CollaborationEvent.model_validate(recent)], "1y", now) is None
    del recent["project"]["end"]  # no end date: running, as far as anyone can tell
    assert ended_before([CollaborationEvent.model_validate(recent)], "1y", now) is None


def test_a_restricted_party_hit_still_opens_a_case() -> None:
    plain = finding("p-3")
    assert not opens_a_case([plain])
    assert opens_a_case([plain, replace(plain, tags=["ks:restricted-party"])])


def test_retention_counts_from_the_projects_end_however_often_it_is_read(
    tmp_path: Path,
) -> None:
    from kvrules.config import retention_cutoff
    from kvrules.store import retention as r

    running = json.loads(json.dumps(OLD))
    running["source"]["record_id"] = running["project"]["id"] = "p-4"
    running["project"]["end"] = "2030-12-31"
    with Store.open(tmp_path / "kvrules.db") as store:
        for body in (OLD, running):
            store.record_subject(CollaborationEvent.model_validate(body))
            store.touch_subject("file", body["source"]["record_id"])  # a scan read it today
        now = store.clock()
        store.purge_expired([r.Cutoff(r.SUBJECTS_WITHOUT_CASE, "2y", retention_cutoff("2y", now))])
        assert store.subject("file", "p-3") is None  # ended 2018: two years are long past
        assert store.subject("file", "p-4") is not None


def test_the_report_keeps_ten_in_memory_and_json_lists_every_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of the privacy change, item 6: the report held every long-ended project (549 B
    each, 54.9 MB at 100,000); now a count and the newest ten, the rest streamed into --json
    from the scan's store."""
    from kvrules.pipeline import ENDED_KEPT, ScanReport

    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    old = [
        {
            **OLD,
            "id": f"p-{i:02d}:v1",
            "source": {"system": "file", "record_id": f"p-{i:02d}"},
            "project": {**OLD["project"], "id": f"p-{i:02d}", "end": f"2018-01-{i + 1:02d}"},
        }
        for i in range(ENDED_KEPT + 3)
    ]
    config = file_export_config(tmp_path, *old, home="NL")
    report = json_report(scanned(config, "--json"))
    assert report["ended_not_opened_count"] == len(old)
    assert sorted(report["ended_not_opened"]) == [f"p-{i:02d}" for i in range(len(old))]
    assert report["ended_not_opened"]["p-00"]["ended"] == "2018-01-01"
    said = " ".join(scanned(config, "--full").stdout.split())
    assert f"{len(old)} projects that ended longer ago" in said and "and 3 more" in said
    kept = ScanReport(source="file")
    for i in range(len(old)):
        kept.note_ended(f"p-{i:02d}", {"ended": f"2018-01-{i + 1:02d}", "rules": [], "title": None})
    assert [e["record_id"] for e in kept.ended_not_opened_newest] == [
        f"p-{i:02d}" for i in reversed(range(3, len(old)))
    ]
