"""A scan's memory does not grow with the records it reads (issue #20, item 4): the Pure
cursor's reverse index and versions are rows of the state database written with each page's
cursor (kvrules.AdapterState), not a string that grew with every page; the adapter's notes of
what it read are kept only for records the scan may write tags to."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from kvrules_pure.state import PREFIX, RECORDS

from kvrules import pack_cursor, unpack_cursor
from kvrules.assembly import build_scanner
from kvrules.config import load_config
from kvrules.pipeline import ScanReport
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import System, start_system

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

PROJECTS = 60


@pytest.fixture
def system(tmp_path: Path):
    running = start_system(tmp_path / "run", projects=PROJECTS, page_size=20)
    try:
        yield running
    finally:
        running.stop()


def _scan(
    system: System, reader: str = "process", *, full: bool = False
) -> tuple[ScanReport, object]:
    """One scan; its report and what the scan process's adapter still holds of its notes."""
    with Store.open(system.database) as store:
        scanner = build_scanner(load_config(system.config), "pure", store)
        try:
            report = scanner.scan(reader=reader, full=full)  # type: ignore[arg-type]
            return report, scanner.adapter.fetch_notes()
        finally:
            scanner.adapter.close()


def _due_writebacks(system: System) -> set[str]:
    with Store.open(system.database) as store:
        return {row.record_id for row in store.due_writebacks(source="pure", limit=10_000)}


@pytest.mark.parametrize("reader", ["process", "thread"])
def test_the_scan_keeps_notes_only_of_the_records_it_may_write_tags_to(
    system: System, reader: str
) -> None:
    # The adapter's notes (each project's risk tags as read, for the dry-run write-back) were
    # kept for every project read: about 200 bytes per project in the scan process.
    report, notes = _scan(system, reader)
    assert report.records == PROJECTS
    wishes = _due_writebacks(system)
    assert 0 < len(wishes) < PROJECTS  # some projects have nothing to write
    assert set(notes or {}) <= wishes
    # Another dry run reading everything: nothing changed, the earlier wishes are still due
    # and keep their notes.
    report, notes = _scan(system, reader, full=True)
    assert report.unchanged == PROJECTS
    assert set(notes or {}) == wishes


def _stored(system: System) -> tuple[str, int]:
    with Store.open(system.database) as store:
        cursor = store.get_cursor("pure") or ""
        rows = store._db.conn.execute(
            "SELECT count(*) FROM adapter_state WHERE source = 'pure' AND space = ?", (RECORDS,)
        ).fetchone()[0]
    return cursor, rows


def _partner(system: System) -> tuple[str, set[str]]:
    """An external organisation some projects use, and those projects."""
    users: dict[str, set[str]] = {}
    for p in system.sim.store.collection("projects").page(0, PROJECTS):
        refs = [c["externalOrganization"]["uuid"] for c in p.get("collaborators", [])]
        refs += [o["uuid"] for o in p.get("externalOrganizations", [])]
        for x in p["participants"]:
            refs += [o["uuid"] for o in x.get("externalOrganizations", [])]
        for ref in refs:
            users.setdefault(ref, set()).add(p["uuid"])
    org = max(users, key=lambda o: len(users[o]))
    return org, users[org]


def _rename(system: System, org: str) -> None:
    url = f"{system.sim.base_url}/external-organizations/{org}"
    current = requests.get(url, headers=system.sim.headers, timeout=10).json()
    changed = {"version": current["version"], "name": {"en_GB": "Renamed partner"}}
    r = requests.put(url, headers=system.sim.headers, json=changed, timeout=10)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("reader", ["process", "thread"])
def test_the_stored_cursor_stays_small_and_a_changed_partner_re_reads_its_users(
    system: System, reader: str
) -> None:
    _scan(system, reader)
    cursor, rows = _stored(system)
    # The cursor carried every project's index entry, ~130 bytes each, written whole at every
    # page; it is now the position alone, the index a row per record and ref beside it.
    assert cursor.startswith(PREFIX) and len(cursor) < 2000
    assert rows == PROJECTS
    org, users = _partner(system)
    _rename(system, org)
    # A new adapter (in a new reader process, or on a thread): the rows are all it has.
    report, _ = _scan(system, reader)
    assert report.records == len(users)


def test_a_cursor_of_the_earlier_format_in_an_existing_database_resumes(
    system: System,
) -> None:
    # A database from before this version: a pure2 cursor whose chunk holds the index, and no
    # rows. Its index becomes rows with the next cursor, and serves the scan that reads it.
    _scan(system)
    org, users = _partner(system)
    cursor, _ = _stored(system)
    older = pack_cursor("pure2:", unpack_cursor(PREFIX, cursor)) + "."
    older += pack_cursor("", {"r": sorted(users), "m": {org: list(range(len(users)))}})
    with Store.open(system.database) as store, store.transaction():
        store._db.conn.execute("DELETE FROM adapter_state")
        store.set_cursor("pure", older)
    _rename(system, org)
    report, _ = _scan(system)
    assert report.records == len(users)
    cursor, rows = _stored(system)
    assert cursor.startswith(PREFIX) and rows == len(users)


def _holding_ids(value: object, ids: set[str]) -> int:
    """How many entries of a set, dict (its keys), list or tuple name one of ``ids``."""
    if isinstance(value, dict):
        value = list(value)
    if not isinstance(value, set | frozenset | list | tuple):
        return 0
    return sum(
        1
        for entry in value
        if entry in ids or (isinstance(entry, tuple) and not ids.isdisjoint(entry))
    )


def test_the_scan_holds_nothing_per_record_in_python(system: System) -> None:
    # Until its end a scan remembered, per record read, its id (to mark the others gone) and
    # (system, id, kind) of each event whose awards it counted: sets that grew with the
    # portfolio (~0.4 KB a project). They are marks in SQLite now (kvrules.store.scanmarks).
    with Store.open(system.database) as store:
        scanner = build_scanner(load_config(system.config), "pure", store)
        try:
            report = scanner.scan(reader="thread")
        finally:
            scanner.adapter.close()
        ids = set(store.observed_records("pure"))
        assert report.records == len(ids) == PROJECTS
        assert report.awards_not_compared  # the awards were counted (each event once)
        held = {
            f"{type(owner).__name__}.{name}": _holding_ids(value, ids)
            for owner in (scanner, report)
            for name, value in vars(owner).items()
        }
    # A handful (the records whose tags are due) may be noted elsewhere; none per record.
    assert {name: n for name, n in held.items() if n >= PROJECTS // 2} == {}
