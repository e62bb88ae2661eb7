"""`db upgrade` from 0.3.0 says what 0.4.0's retention clock makes due at once (reviewer: the
first `purge` after the upgrade removed 425 records: 0.3.0 said "0 row(s) due", 0.4.0 "425
row(s) due", all `subjects_without_case`, oldest 2018-01-01, because retention now counts a
record's content from its project's end; a site running nightly `purge --apply` lost them the
first night, warned by one clause of the CHANGELOG).

The 0.3.0 store is this release's store taken back to schema 17 the way the migrations 18-19
came (18 changed no table; 19 added ``cases.findings_changed_at``), as
test_finding_changed_in_place builds its schema-16 store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kvrules.cli import cli
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.web.web_helpers import event


def _ended(record_id: str, end: str) -> CollaborationEvent:
    body = event(record_id, "Delft University of Technology", "NL", with_match=False)
    body = body.model_dump(mode="json")
    body["project"]["start"], body["project"]["end"] = "2015-01-01", end
    return CollaborationEvent.model_validate(body)


def _store_of_0_3_0(path: Path) -> Path:
    with Store.open(path, create=True) as store:
        store.record_subject(_ended("p-old", "2018-01-01"))  # read by last night's scan
        store.record_subject(_ended("p-running", "2030-12-31"))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("ALTER TABLE cases DROP COLUMN findings_changed_at")
        conn.execute("DELETE FROM schema_version WHERE version > 17")
    conn.close()
    return path


def test_db_upgrade_from_0_3_0_says_the_rows_due_at_once(runner, tmp_path: Path) -> None:
    path = _store_of_0_3_0(tmp_path / "kvrules.db")
    upgraded = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.splitlines()[1:] == [
        "retention now counts a record's content from its project's end: 1 row(s) are due "
        "(subjects_without_case 1, oldest 2018-01-01); run `kvrules purge` (a dry run) and "
        "read them before the next `purge --apply`, which removes them"
    ]
    # what it counted is what the dry run lists
    purge = runner.invoke(cli, ["purge", "--db", str(path)])
    assert "(1 row(s) due)" in purge.stdout


def test_nothing_due_is_not_said(runner, tmp_path: Path) -> None:
    path = tmp_path / "kvrules.db"
    with Store.open(path, create=True) as store:
        store.record_subject(_ended("p-running", "2030-12-31"))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("ALTER TABLE cases DROP COLUMN findings_changed_at")
        conn.execute("DELETE FROM schema_version WHERE version > 17")
    conn.close()
    upgraded = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgraded.exit_code == 0, upgraded.output
    assert len(upgraded.stdout.splitlines()) == 1
