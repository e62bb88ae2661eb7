"""`db upgrade` from 0.3.0 says what 0.4.0's retention clock makes due at once (reviewer: the
first `purge` after the upgrade removed 425 records: 0.3.0 said "0 row(s) due", 0.4.0 "425
row(s) due", all `subjects_without_case`, oldest 2018-01-01, because retention now counts a
record's content from its project's end; a site running nightly `purge --apply` lost them the
first night, warned by one clause of the CHANGELOG).

The 0.3.0 store is this release's store taken back to schema 17 the way the migrations 18-19
came (18 changed no table; 19 added ``cases.findings_changed_at``), as
test_finding_changed_in_place builds its schema-16 store. Every store here, the commands' too,
reads a fixed clock (2026-03-02): under ``faketime '2033-06-01'`` the project running to
2030 had ended and was due as well (code review 2 of 0.4.0)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.store import api as store_api
from tests.store.store_helpers import FakeClock
from tests.web.web_helpers import event


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock every store opened without one reads, the CLI's included."""
    clock = FakeClock()
    monkeypatch.setattr(store_api, "utcnow", clock)
    return clock


def _ended(record_id: str, end: str) -> CollaborationEvent:
    body = event(record_id, "Delft University of Technology", "NL", with_match=False)
    body = body.model_dump(mode="json")
    body["project"]["start"], body["project"]["end"] = "2015-01-01", end
    return CollaborationEvent.model_validate(body)


def _store_of_0_3_0(path: Path, *ends: str) -> Path:
    """A store as 0.3.0 left it (schema 17), holding a project ending at each of ``ends``."""
    with Store.open(path, create=True) as store:
        for n, end in enumerate(ends):
            store.record_subject(_ended(f"p-{n}", end))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("ALTER TABLE cases DROP COLUMN findings_changed_at")
        conn.execute("DELETE FROM schema_version WHERE version > 17")
    conn.close()
    return path


def test_db_upgrade_from_0_3_0_says_the_rows_due_at_once(runner, tmp_path: Path) -> None:
    # one read by last night's scan that ended long ago, one still running
    path = _store_of_0_3_0(tmp_path / "kvrules.db", "2018-01-01", "2030-12-31")
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
    path = _store_of_0_3_0(tmp_path / "kvrules.db", "2030-12-31")
    upgraded = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgraded.exit_code == 0, upgraded.output
    assert len(upgraded.stdout.splitlines()) == 1


def test_the_clock_decides_what_is_due(runner, tmp_path: Path, fixed_clock: FakeClock) -> None:
    """The fixed clock is the one read: ten years on, the running project has ended too."""
    fixed_clock.advance(days=3650)
    path = _store_of_0_3_0(tmp_path / "kvrules.db", "2018-01-01", "2030-12-31")
    upgraded = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert "2 row(s) are due" in upgraded.stdout, upgraded.output
