"""Hostile Converis records over real HTTP (issue #14, items 3, 4, 9): each is quarantined with
its id (its position when it has none), the field path and the reason; the scan goes on."""

from __future__ import annotations

from converis_helpers import SECRET, adapter_for, scan
from kvrules_converis.simulator import start_simulator


def test_hostile_records_are_quarantined_and_every_other_project_is_mapped() -> None:
    with start_simulator(projects=12, seed=2, password=SECRET, rate_limit=None) as sim:
        projects = sim.store.entities["Project"]
        junk_item, object_id, huge_title, many_links, bad_labels, *rest = sorted(projects)
        projects[bad_labels]["statusLabels"] = "running"
        projects[junk_item]["attributes"].append("junk")
        projects[object_id]["id"] = {"id": object_id}
        title = next(
            a for a in projects[huge_title]["attributes"] if a["attributeName"] == "cfTitle"
        )
        title["value"] = "T" * 50_000
        org = next(iter(sim.store.entities["Organisation"]))
        for _ in range(1_001):
            sim.store.link("proj_has_eorg", many_links, org)
        with adapter_for(sim) as adapter:
            records = scan(adapter)
    ids = [r.record_id for r in records]
    assert len(ids) == len(set(ids))  # nothing doubled
    errors = {r.record_id: r.error for r in records if r.error}
    assert (
        errors.pop(str(junk_item))
        == f"Project {junk_item}: attributes[4]: expected an object, got str"
    )
    assert [e for r, e in errors.items() if r.startswith("Project[")] == [
        "id: expected an integer, got an object"
    ]
    assert "project.title: title of length 50,000" in errors.pop(str(huge_title))
    assert "organisation references 1,0" in errors.pop(str(many_links))
    assert errors.pop(str(bad_labels)).endswith("statusLabels: expected a list of objects")
    mapped = {r.record_id for r in records if r.events}
    # The simulator plants a few unmappable projects of its own (no title, nameless orgs).
    assert {str(i) for i in rest} <= mapped | set(errors)
    assert all(
        "no cfTitle" in e or "has no name" in e for r, e in errors.items() if r in map(str, rest)
    )
