"""Incremental passes by `Updated on` watermark: changes come back, nothing else does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from converis_helpers import SECRET, adapter_for, last_cursor, scan
from kvrules_converis.simulator import SimulatorHandle, start_simulator


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=40, seed=4, password=SECRET, rate_limit=None) as handle:
        yield handle


def _ids(sim: SimulatorHandle) -> list[int]:
    return sorted(sim.store.entities["Project"])


def test_nothing_changed_yields_nothing_but_a_cursor(sim: SimulatorHandle) -> None:
    with adapter_for(sim) as adapter:
        cursor = last_cursor(adapter)
        records = list(adapter.fetch(cursor))
        assert [r for r in records if r.events or r.error] == []
        assert records[-1].cursor


def test_an_edited_project_comes_back_as_updated(sim: SimulatorHandle) -> None:
    with adapter_for(sim) as adapter:
        cursor = last_cursor(adapter)
        pid = _ids(sim)[5]
        sim.store.set_attribute(pid, "cfKeywords", "hypersonic propulsion", "en_GB")
        sim.store.touch(pid)
        got = scan(adapter, cursor)
        assert [r.record_id for r in got] == [str(pid)]
        event = got[0].events[0]
        assert event.kind == "project.updated" and event.project
        assert event.project.keywords == ["hypersonic propulsion"]


def test_equal_timestamps_inside_the_overlap_window(sim: SimulatorHandle) -> None:
    """Converis stamps to the second: a record saved in the watermark's own second after the
    pass read it must still be found, and the ones already handled must not repeat."""
    first, second, third = _ids(sim)[:3]
    with adapter_for(sim) as adapter:
        sim.store.clock = lambda: datetime.fromisoformat("2030-01-01T12:00:00+00:00")
        sim.store.touch(first)
        cursor = last_cursor(adapter)  # the watermark is 12:00:00, `first` handled
        assert scan(adapter, cursor) == []
        sim.store.touch(second)  # same second as the watermark
        got = scan(adapter, cursor)
        assert [r.record_id for r in got] == [str(second)]
        cursor = last_cursor(adapter, cursor)
        sim.store.clock = lambda: datetime.fromisoformat("2030-01-01T11:59:58+00:00")
        sim.store.touch(third)  # a late commit, stamped just below the watermark
        assert [r.record_id for r in scan(adapter, cursor)] == [str(third)]


def test_a_partner_added_without_touching_the_project(sim: SimulatorHandle) -> None:
    pid = _ids(sim)[7]
    hit = next(
        o["id"]
        for o in sim.store.entities["Organisation"].values()
        if any(a.get("value") == "Harbin Institute of Technology" for a in o["attributes"])
    )
    with adapter_for(sim) as adapter:
        before = {r.record_id: r for r in scan(adapter)}[str(pid)]
        cursor = last_cursor(adapter)
        sim.store.link("proj_has_eorg", pid, hit)
        got = scan(adapter, cursor)
        assert [r.record_id for r in got] == [str(pid)]
        event = got[0].events[0]
        assert event.project and "Harbin Institute of Technology" in [
            p.name for p in event.project.partners
        ]
        assert event.id != before.events[0].id if before.events else True


def test_an_edited_organisation_re_screens_its_projects(sim: SimulatorHandle) -> None:
    link = next(iter(sim.store.links["proj_has_eorg"].values()))
    users = {
        ln["left"]
        for ln in sim.store.links["proj_has_eorg"].values()
        if ln["right"] == link["right"]
    }
    with adapter_for(sim) as adapter:
        cursor = last_cursor(adapter)
        sim.store.set_attribute(link["right"], "country", "IR")
        sim.store.touch(link["right"])
        got = scan(adapter, cursor)
        assert {r.record_id for r in got} == {str(p) for p in users}
        assert all(e.kind == "project.updated" for r in got for e in r.events)


def test_a_new_project_comes_as_created_and_resume_mid_pass(sim: SimulatorHandle) -> None:
    old = _ids(sim)[0]
    with adapter_for(sim) as adapter:
        cursor = last_cursor(adapter)
        new = dict(sim.store.get("Project", old) or {}, id=sim.store.next_id())
        new["createdOn"] = new["updatedOn"] = sim.store.now()
        sim.store.add_entity(new)
        for pid in _ids(sim)[1:4]:
            sim.store.touch(pid)
        got = scan(adapter, cursor)
        kinds = {r.record_id: r.events[0].kind for r in got if r.events}
        assert kinds[str(new["id"])] == "project.created"
        assert sorted(kinds.values()).count("project.updated") == 3
        # Interrupted after the first record: resuming loses nothing.
        partial = adapter.fetch(cursor)
        resume = next(r.cursor for r in partial if r.cursor)
        rest = {r.record_id for r in scan(adapter, resume)}
        assert set(kinds) <= rest | {r.record_id for r in got[:1]}
