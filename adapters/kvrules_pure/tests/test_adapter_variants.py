"""Spec variants the simulator produces, scanned over real HTTP (issue #15)."""

from __future__ import annotations

from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for, scan


def test_projects_with_an_own_unit_as_funding_collaborator_map_without_it_as_partner() -> None:
    with start_simulator(projects=60, seed=3, api_key=SECRET) as sim:
        awards = sim.store.collection("awards").page(0, 1000)
        internal = {
            fc["collaborator"]["uuid"]: a["uuid"]
            for a in awards
            for f in a["fundings"]
            for fc in f.get("fundingCollaborators", [])
            if fc["typeDiscriminator"].startswith("AwardInternal")
        }
        assert internal  # the simulator produces the variant
        unit_names = {sim.store.get("organizations", u)["name"]["en_GB"] for u in internal}
        adapter = adapter_for(sim)
        try:
            records = scan(adapter)
        finally:
            adapter.close()
    assert not [r.error for r in records if r.error], "a valid variant was quarantined"
    partners = {p.name for r in records for e in r.events if e.project for p in e.project.partners}
    assert partners and not partners & unit_names


def test_an_own_unit_co_funding_a_project_is_one_of_its_units() -> None:
    """#15: the unit is added to project.units (funding shares are counted per unit), also
    when it is not the project's managing or other unit."""
    with start_simulator(projects=200, seed=3, api_key=SECRET) as sim:
        projects = {p["uuid"]: p for p in sim.store.collection("projects").page(0, 1000)}
        clusters = {
            c["project"]["uuid"]: c for c in sim.store.collection("award-clusters").page(0, 1000)
        }
        co_funding: dict[str, str] = {}  # project uuid -> a unit co-funding it, not its own
        for uuid, project in projects.items():
            own = {project["managingOrganization"]["uuid"]} | {
                o["uuid"] for o in project.get("organizations", [])
            }
            own |= {o["uuid"] for o in project.get("coManagingOrganizations", [])}
            for ref in (clusters.get(uuid) or {}).get("containedAwards", []):
                award = sim.store.get("awards", ref["uuid"])
                for f in award["fundings"]:
                    for fc in f.get("fundingCollaborators", []):
                        unit = fc["collaborator"]["uuid"]
                        if fc["typeDiscriminator"].startswith("AwardInternal") and unit not in own:
                            co_funding[uuid] = unit
        assert co_funding  # the simulator produces the variant
        names = {u: sim.store.get("organizations", u)["name"]["en_GB"] for u in co_funding.values()}
        adapter = adapter_for(sim)
        try:
            records = {r.record_id: r for r in scan(adapter)}
        finally:
            adapter.close()
    for uuid, unit in co_funding.items():
        (event,) = records[uuid].events
        assert event.project is not None and names[unit] in event.project.units, uuid
