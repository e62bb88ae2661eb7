"""A project's own units (project.units) from /organizations — over real HTTP.

Names in order (managing, organisations, co-managing), a unit that is gone, a unit that
fails, one GET per unit per scan, and a renamed unit re-evaluating its projects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kvrules_pure import mapping
from kvrules_pure.client import PureError
from kvrules_pure.config import PureConfig
from kvrules_pure.mapping import MappingError, Related
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from kvrules_pure.state import State
from pure_helpers import SECRET, adapter_for, last_cursor, scan

from kvrules import EventKind, FetchedRecord, testing

N = 120
UNIT_GET = "/ws/api/organizations/"
GONE_UUID = "0badc0de-0000-4000-8000-000000000404"


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=N, seed=5, api_key=SECRET) as handle:
        yield handle


def _projects(sim: SimulatorHandle) -> list[dict[str, Any]]:
    return sim.store.collection("projects").page(0, N)


def _co_funding(sim: SimulatorHandle, p: dict[str, Any]) -> list[str]:
    """Own units among the funding collaborators of the project's awards (#15)."""
    clusters = sim.store.award_clusters(p)
    awards = [sim.store.get("awards", a["uuid"]) for c in clusters for a in c["containedAwards"]]
    return [
        fc["collaborator"]["uuid"]
        for a in awards
        for f in a["fundings"]
        for fc in f.get("fundingCollaborators", [])
        if fc["typeDiscriminator"].startswith("AwardInternal")
    ]


def _refs(p: dict[str, Any], sim: SimulatorHandle | None = None) -> list[str]:
    refs = [p["managingOrganization"], *p["organizations"], *p.get("coManagingOrganizations", [])]
    co_funding = _co_funding(sim, p) if sim is not None else []
    return list(dict.fromkeys([*(r["uuid"] for r in refs), *co_funding]))


def _expected(sim: SimulatorHandle, p: dict[str, Any]) -> list[str]:
    units = _refs(p, sim)
    names = [o["name"]["en_GB"] for u in units if (o := sim.store.get("organizations", u))]
    return list(dict.fromkeys(names))


def _put(sim: SimulatorHandle, coll: str, uuid: str, **changes: Any) -> None:
    url = f"{sim.base_url}/{coll}/{uuid}"
    current = requests.get(url, headers=sim.headers).json()
    r = requests.put(url, headers=sim.headers, json={"version": current["version"], **changes})
    assert r.status_code == 200, r.text


def _unit_gets(sim: SimulatorHandle) -> list[str]:
    return [r.path for r in sim.requests if r.method == "GET" and r.path.startswith(UNIT_GET)]


def _ref(uuid: str) -> dict[str, str]:
    return {"systemName": "Organization", "uuid": uuid}


# ---- full scan ------------------------------------------------------------------------------
def test_units_are_named_in_order_with_one_get_per_unit(sim: SimulatorHandle) -> None:
    sim.clear_requests()
    with adapter_for(sim, page_size=25) as adapter:
        records = scan(adapter)
    assert not [r for r in records if r.error] and len(records) == N
    got = {r.record_id: r.events[0].project.units for r in records}
    for p in _projects(sim):
        assert got[p["uuid"]] == _expected(sim, p)
        assert (
            got[p["uuid"]][0]
            == sim.store.get("organizations", p["managingOrganization"]["uuid"])["name"]["en_GB"]
        )
    assert any(len(units) > 1 for units in got.values())
    assert any(p.get("coManagingOrganizations") for p in _projects(sim))
    # Five pages share the units: each is fetched once per scan, none that is not referenced.
    referenced = {u for p in _projects(sim) for u in _refs(p, sim)}
    gets = _unit_gets(sim)
    assert len(gets) == len(set(gets)) == len(referenced)
    assert {g.rsplit("/", 1)[1] for g in gets} == referenced


def test_explicit_order_deduplication_and_locales(sim: SimulatorHandle) -> None:
    a, b, c, d = (o["uuid"] for o in sim.store.collection("organizations").page(2, 4))
    project = _projects(sim)[0]["uuid"]
    _put(sim, "projects", project, managingOrganization=_ref(b),
         organizations=[_ref(a), _ref(b), _ref(c)],
         coManagingOrganizations=[_ref(d), _ref(a)])  # fmt: skip
    _put(sim, "organizations", c, name={"nl_NL": "Natuurkunde", "en_US": "Physics (US)"})
    names = {u: sim.store.get("organizations", u)["name"] for u in (a, b, d)}
    with adapter_for(sim, locales=["en_US", "en_GB"]) as adapter:
        (rec,) = [r for r in scan(adapter) if r.record_id == project]
    assert rec.events[0].project.units == [
        names[b]["en_GB"],
        names[a]["en_GB"],
        "Physics (US)",
        names[d]["en_GB"],
    ]


def test_a_unit_that_is_gone_is_skipped_and_the_scan_goes_on(sim: SimulatorHandle) -> None:
    project = _projects(sim)[3]
    other = project["organizations"][0]
    _put(sim, "projects", project["uuid"], managingOrganization=_ref(GONE_UUID),
         organizations=[_ref(GONE_UUID), other])  # fmt: skip
    sim.clear_requests()
    with adapter_for(sim, page_size=40) as adapter:
        records = {r.record_id: r for r in scan(adapter)}
    assert len(records) == N and not [r for r in records.values() if r.error]
    name = sim.store.get("organizations", other["uuid"])["name"]["en_GB"]
    assert records[project["uuid"]].events[0].project.units == [name]
    gone = [r for r in sim.requests if r.path == UNIT_GET + GONE_UUID]
    assert [r.status for r in gone] == [404]  # asked once, not again on later pages


def test_a_unit_that_keeps_failing_stops_the_scan_and_quarantines_nothing(
    sim: SimulatorHandle,
) -> None:
    # A 503 after the retries is the source unable to serve, not a malformed record: the
    # scan stops with it (before: its projects were quarantined) and the next one reads them.
    unit = _projects(sim)[0]["managingOrganization"]["uuid"]
    sim.faults.script("GET", 1, "503", times=2, path=f"{UNIT_GET}{unit}$")
    with adapter_for(sim, retries=1, page_size=N) as adapter:
        with pytest.raises(PureError, match=rf"{unit}: 503"):
            scan(adapter)
        records = scan(adapter)  # the faults are used up: the source answers again
    assert len(records) == N and not [r for r in records if r.error]


def test_gone_and_failing_units_in_the_mapping() -> None:
    cfg = PureConfig(base_url="http://127.0.0.1:1/ws/api", api_key="k")
    p = {
        "uuid": "p",
        "title": {"en_GB": "T"},
        "managingOrganization": _ref("a"),
        "organizations": [_ref("b"), _ref("a")],
        "coManagingOrganizations": [_ref("c")],
    }
    units: dict[str, Any] = {
        "a": PureError("GET", "/organizations/a", 410, "Gone"),
        "b": {"uuid": "b", "name": {"en_GB": "B"}, "version": "1"},
        # "c" was not fetched: skipped too
    }
    (event,) = mapping.project_events(p, Related(units=units), cfg, "project.created")
    assert event.project.units == ["B"]
    units["a"] = PureError("GET", "/organizations/a", 503, "")
    with pytest.raises(MappingError, match=r"unit .*a.*503"):
        mapping.project_events(p, Related(units=units), cfg, "project.created")


# ---- incremental scans ------------------------------------------------------------------------
def _events(records: list[FetchedRecord]) -> dict[str, str]:
    return {r.record_id: r.events[0].id for r in records if r.events}


@pytest.mark.parametrize("feed", [True, False], ids=["changes-feed", "diff-fallback"])
def test_renamed_unit_re_evaluates_its_projects(sim: SimulatorHandle, feed: bool) -> None:
    with adapter_for(sim, changes_feed=feed, page_size=50) as adapter:
        records = testing.content(out := list(adapter.fetch(None)))
        cursor = testing.last_cursor(out)
        before = _events(records)
        assert scan(adapter, cursor) == []
        cursor = last_cursor(adapter, cursor)

        unit = _projects(sim)[0]["managingOrganization"]["uuid"]
        users = {p["uuid"] for p in _projects(sim) if unit in _refs(p)}
        assert 0 < len(users) < N
        _put(sim, "organizations", unit, name={"en_GB": "Department of Renamed Things"})
        sim.clear_requests()
        records = scan(adapter, cursor)
        assert {r.record_id for r in records} == users
        for r in records:
            (event,) = r.events
            assert event.kind is EventKind.PROJECT_UPDATED
            assert "Department of Renamed Things" in event.project.units
            assert event.id != before[r.record_id]  # same project version, new related digest
            assert event.id.rsplit(":", 1)[0] == before[r.record_id].rsplit(":", 1)[0]
        assert len(_unit_gets(sim)) == len(set(_unit_gets(sim)))
        cursor = last_cursor(adapter, cursor)
        assert scan(adapter, cursor) == []  # seen once, not again
        cursor = last_cursor(adapter, cursor)

        # A unit no project names (the university itself) changes: nothing to re-evaluate.
        root = sim.store.collection("organizations").page(0, 1)[0]["uuid"]
        assert not any(root in _refs(p) for p in _projects(sim))
        _put(sim, "organizations", root, name={"en_GB": "Kvarn University (renamed)"})
        sim.clear_requests()
        assert scan(adapter, cursor) == []
        if feed:  # and no listing of /projects to find out
            assert not [r for r in sim.requests if r.path.endswith("/projects")]
    # The cursor keeps one short hash per named unit, nothing per project.
    named = {u for p in _projects(sim) for u in _refs(p)}
    assert len(State.decode(cursor).unit_refs or ()) == len(named)


def test_cursor_from_before_unit_tracking_still_sees_a_renamed_unit(sim: SimulatorHandle) -> None:
    with adapter_for(sim, page_size=50) as adapter:
        state = State.decode(last_cursor(adapter))
        state.unit_refs = None  # as decoded from a cursor written before this feature
        unit = _projects(sim)[5]["managingOrganization"]["uuid"]
        users = {p["uuid"] for p in _projects(sim) if unit in _refs(p)}
        _put(sim, "organizations", unit, name={"en_GB": "Renamed"})
        out = list(adapter.fetch(state.encode()))
    assert {r.record_id for r in testing.content(out)} == users
    refs = State.decode(testing.last_cursor(out)).unit_refs
    assert refs is not None and len(refs) == len({u for p in _projects(sim) for u in _refs(p)})
