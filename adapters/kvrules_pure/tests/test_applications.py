"""Funding applications (#19): the simulator serves them as the 5.35 spec defines them, the
adapter reads them fully and incrementally over real HTTP, and tags them like projects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import adapter_for, last_cursor, scan

from kvrules import EventKind, testing


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    """A small university of its own: tests here award applications (new records)."""
    handle = start_simulator(projects=60, seed=3, api_key="app-key", portfolio="stress")
    try:
        yield handle
    finally:
        handle.stop()


def get(sim: SimulatorHandle, path: str, **params: Any) -> Any:
    r = requests.get(sim.base_url + path, headers=sim.headers, params=params, timeout=10)
    r.raise_for_status()
    return r.json()


def applications(sim: SimulatorHandle) -> list[dict[str, Any]]:
    return get(sim, "/applications", size=1000)["items"]


def test_applications_validate_against_the_spec(sim: SimulatorHandle, spec_validate: Any) -> None:
    page = get(sim, "/applications", size=1000)
    spec_validate(page, "ApplicationListResult")
    awarded = [a for a in page["items"] if a.get("awards")]
    pending = [a for a in page["items"] if not a.get("awards")]
    assert awarded and pending
    for a in page["items"][:25]:
        spec_validate(get(sim, f"/applications/{a['uuid']}"), "Application")
    # The links onward: the cluster names the project, the award names the application.
    a = awarded[0]
    cluster = get(sim, f"/applications/{a['uuid']}/cluster")
    spec_validate(cluster, "ApplicationCluster")
    project = get(sim, f"/projects/{cluster['project']['uuid']}")
    award = get(sim, f"/awards/{a['awards'][0]['uuid']}")
    spec_validate(award, "Award")
    assert {r["uuid"] for r in award["applications"]} == {a["uuid"]}
    assert a["title"] == project["title"]
    # Workflow step, fundings with funder, amount and currency, applicants with units.
    assert a["workflow"]["step"]
    funding = a["fundings"][0]
    assert funding["funder"]["uuid"] and funding["appliedAmountInAppliedCurrency"]["currency"]
    assert a["applicants"][0]["organizations"]


def test_full_scan_maps_every_application(sim: SimulatorHandle) -> None:
    listed = {a["uuid"]: a for a in applications(sim)}
    records = scan(adapter_for(sim, applications=True))
    apps = {r.record_id: r for r in records if r.record_id.startswith("applications/")}
    assert set(apps) == {f"applications/{u}" for u in listed}
    assert not [r for r in apps.values() if r.error]
    for rid, record in apps.items():
        (event,) = record.events
        raw = listed[rid.split("/", 1)[1]]
        assert event.kind is EventKind.APPLICATION_SUBMITTED
        assert event.project is not None and event.application is not None
        assert event.project.units, rid  # the applicants' unit
        assert len(event.project.funders) == len(raw["fundings"])
        assert all(f.amount is not None and f.currency for f in event.project.funders)
        assert len(event.project.partners) == len(raw.get("collaborators") or [])
        assert event.application.awards == [r["uuid"] for r in raw.get("awards") or []]
        assert event.application.status in ("awarded", "submitted", "rejected")
    # A funded project names the application it came from (through its award).
    linked = {
        a
        for r in records
        if not r.error
        for e in r.events
        if e.project
        for a in e.project.applications
    }
    assert linked and linked <= set(apps)


def test_applications_are_off_unless_asked_for(sim: SimulatorHandle) -> None:
    records = scan(adapter_for(sim))
    assert records and not [r for r in records if r.record_id.startswith("applications/")]


def test_changed_application_arrives_through_the_changes_feed(sim: SimulatorHandle) -> None:
    adapter = adapter_for(sim, applications=True)
    cursor = last_cursor(adapter)
    target = next(a for a in applications(sim) if not a.get("awards"))
    body = {"version": target["version"], "title": {"en_GB": "A changed proposal"}}
    r = requests.put(
        f"{sim.base_url}/applications/{target['uuid']}", json=body, headers=sim.headers, timeout=10
    )
    r.raise_for_status()
    changed = scan(adapter, cursor)
    (record,) = [r for r in changed if r.record_id == f"applications/{target['uuid']}"]
    (event,) = record.events
    assert event.kind is EventKind.APPLICATION_CHANGED
    assert event.project is not None and event.project.title == "A changed proposal"


def test_awarding_an_application_brings_the_project_that_names_it(sim: SimulatorHandle) -> None:
    adapter = adapter_for(sim, applications=True)
    cursor = last_cursor(adapter)
    target = next(a for a in applications(sim) if not a.get("awards"))
    made = sim.store.award_application(target["uuid"])
    records = {r.record_id: r for r in scan(adapter, cursor)}
    project = records[made["projects"]["uuid"]]
    assert project.events[0].kind is EventKind.PROJECT_CREATED
    assert project.events[0].project.applications == [f"applications/{target['uuid']}"]
    application = records[f"applications/{target['uuid']}"].events[0]
    assert application.application.status == "awarded"
    assert application.application.awards == [made["awards"]["uuid"]]
    assert (
        get(sim, f"/applications/{target['uuid']}/cluster")["project"]["uuid"]
        == (made["projects"]["uuid"])
    )


def test_risk_tag_is_written_to_the_application(sim: SimulatorHandle) -> None:
    adapter = adapter_for(sim, applications=True)
    target = next(a for a in applications(sim) if not a.get("awards"))
    rid = f"applications/{target['uuid']}"
    assert adapter.taggable(rid)
    planned = adapter.write_tags(rid, ["ks:high"])  # dry run by default: nothing written
    assert planned.changed and not planned.written
    assert get(sim, f"/applications/{target['uuid']}")["version"] == target["version"]
    done = adapter.write_tags(rid, ["ks:high"], dry_run=False)
    assert done.written and done.record_id == rid
    groups = get(sim, f"/applications/{target['uuid']}")["keywordGroups"]
    ours = [g for g in groups if g["logicalName"] == "knowledgeSecurityRisk"]
    assert [c["uri"] for c in ours[0]["classifications"]] == [
        "/dk/atira/pure/keywords/knowledgesecurity/high"
    ]
    # Others' keyword groups are sent back as read.
    assert [g for g in groups if g["logicalName"] != "knowledgeSecurityRisk"] == [
        g for g in target.get("keywordGroups") or [] if g["logicalName"] != "knowledgeSecurityRisk"
    ]


def test_a_risk_value_someone_else_set_on_an_application_is_left_alone(
    sim: SimulatorHandle,
) -> None:
    adapter = adapter_for(sim, applications=True)
    target = [a for a in applications(sim) if not a.get("awards")][-1]
    uri = "/dk/atira/pure/keywords/knowledgesecurity/low"
    mine = {
        "typeDiscriminator": "ClassificationsKeywordGroup",
        "logicalName": "knowledgeSecurityRisk",
        "classifications": [{"uri": uri}],
    }
    groups = [*(target.get("keywordGroups") or []), mine]
    body = {"version": target["version"], "keywordGroups": groups}
    url = f"{sim.base_url}/applications/{target['uuid']}"
    requests.put(url, json=body, headers=sim.headers, timeout=10).raise_for_status()
    result = adapter.write_tags(f"applications/{target['uuid']}", ["ks:high"], dry_run=False)
    assert result.skipped and not result.written
    now = get(sim, f"/applications/{target['uuid']}")["keywordGroups"]
    assert mine in now


def test_application_events_pass_the_conformance_rules(sim: SimulatorHandle) -> None:
    records = [r for r in scan(adapter_for(sim, applications=True)) if r.events]
    ids = [e.id for r in records for e in r.events]
    assert len(ids) == len(set(ids))
    assert not any("None" in i for i in ids)
    assert testing.content(iter(records)) == records


def test_fetch_explain_names_what_the_application_mapping_read_and_ignored(
    sim: SimulatorHandle,
) -> None:
    adapter = adapter_for(sim, applications=True)
    record = next(r for r in scan(adapter) if r.record_id.startswith("applications/"))
    explained = adapter.explain(record)
    assert explained is not None and explained.record_id == record.record_id
    assert {"title", "fundings[].funder", "managingOrganization", "workflow.step"} <= set(
        explained.read
    )
    assert "applicants[].person" in explained.ignored  # people are not screening subjects
