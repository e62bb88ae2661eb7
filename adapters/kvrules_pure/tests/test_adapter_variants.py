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
