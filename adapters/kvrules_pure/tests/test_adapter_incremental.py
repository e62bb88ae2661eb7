"""Incremental scans: legacy changes feed with reverse index, and the diffed full-scan fallback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for, last_cursor, scan

from kvrules import EventKind


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=120, seed=7, api_key=SECRET) as handle:
        yield handle


def _put(sim: SimulatorHandle, coll: str, uuid: str, **changes: Any) -> None:
    url = f"{sim.base_url}/{coll}/{uuid}"
    current = requests.get(url, headers=sim.headers).json()
    r = requests.put(url, headers=sim.headers, json={"version": current["version"], **changes})
    assert r.status_code == 200, r.text


def _project_with_partner(sim: SimulatorHandle) -> tuple[str, str]:
    for p in sim.store.collection("projects").page(0, 120):
        for c in p.get("collaborators", []):
            return p["uuid"], c["externalOrganization"]["uuid"]
    raise AssertionError("no project with a collaborator")


def _users_of(sim: SimulatorHandle, org: str) -> set[str]:
    out = set()
    for p in sim.store.collection("projects").page(0, 120):
        refs = [c["externalOrganization"]["uuid"] for c in p.get("collaborators", [])]
        refs += [o["uuid"] for o in p.get("externalOrganizations", [])]
        refs += [o["uuid"] for x in p["participants"] for o in x.get("externalOrganizations", [])]
        if org in refs:
            out.add(p["uuid"])
    return out


@pytest.mark.parametrize("feed", [True, False], ids=["changes-feed", "diff-fallback"])
def test_incremental_sees_project_org_and_award_changes(sim: SimulatorHandle, feed: bool) -> None:
    with adapter_for(sim, changes_feed=feed, page_size=50) as adapter:
        cursor = last_cursor(adapter)
        assert scan(adapter, cursor) == []  # nothing changed yet
        cursor = last_cursor(adapter, cursor)

        project, org = _project_with_partner(sim)
        _put(sim, "projects", project, title={"en_GB": "Renamed project"})
        records = scan(adapter, cursor)
        assert [r.record_id for r in records] == [project]
        (event,) = records[0].events
        assert event.kind is EventKind.PROJECT_UPDATED and event.project.title == "Renamed project"
        cursor = last_cursor(adapter, cursor)

        # A partner's country changes: every project using it is re-evaluated (reverse index).
        _put(sim, "external-organizations", org,
             address={"country": {"uri": "/dk/atira/pure/core/countries/ir"}})  # fmt: skip
        records = scan(adapter, cursor)
        assert {r.record_id for r in records} == _users_of(sim, org)
        for r in records:
            assert any(p.country == "IR" for p in r.events[0].project.partners)
        cursor = last_cursor(adapter, cursor)

        # An award's funding changes: its project is re-evaluated although the project is not.
        funded = next(
            p for p in sim.store.collection("projects").page(0, 120) if p.get("awardClusters")
        )
        clusters = requests.get(
            f"{sim.base_url}/projects/{funded['uuid']}/award-clusters", headers=sim.headers
        ).json()
        award_uuid = clusters["items"][0]["containedAwards"][0]["uuid"]
        award = requests.get(f"{sim.base_url}/awards/{award_uuid}", headers=sim.headers).json()
        award["fundings"][0]["fundingProjectScheme"] = "Changed programme"
        _put(sim, "awards", award_uuid, fundings=award["fundings"])
        records = scan(adapter, cursor)
        assert [r.record_id for r in records] == [funded["uuid"]]
        assert "Changed programme" in [f.programme for f in records[0].events[0].project.funders]


def test_changes_feed_quirks_are_survived(sim: SimulatorHandle) -> None:
    """From an old token the feed has zero-count pages, uuid-less items and duplicates."""
    from kvrules_pure.state import State

    with adapter_for(sim) as adapter:
        state = State(mode="changes", token="2000-01-01")
        records = scan(adapter, state.encode())
    ids = [r.record_id for r in records]
    assert not [r for r in records if r.error]
    assert len(ids) == len(set(ids)) == 120  # every project once, deduplicated
    assert all(e.kind is EventKind.PROJECT_CREATED for r in records for e in r.events)
