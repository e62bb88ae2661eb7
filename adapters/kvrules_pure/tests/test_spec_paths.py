"""Two specs (issue #15): every field path the mapping reads, and every field the simulator
sends, exists in the Pure 5.35 spec and in a real instance's published OpenAPI document
(experts.umn.edu, 2023). Where they differ, adapters/kvrules_pure/README.md lists it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kvrules_pure import mapping
from kvrules_pure.explain import leaf_paths
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from spec_paths import SPEC_535, SPEC_UMN, exists, schemas

SCHEMA = {
    "project": "Project",
    "output": "ResearchOutput",
    "activity": "Activity",
    "award": "Award",
    "external_organisation": "ExternalOrganization",
    "unit": "Organization",
    "award_cluster": "AwardCluster",
    "application": "Application",
}
COLLECTIONS = {
    "projects": "Project",
    "awards": "Award",
    "research-outputs": "ResearchOutput",
    "activities": "Activity",
    "external-organizations": "ExternalOrganization",
    "organizations": "Organization",
    "applications": "Application",
}
# Listed in the README: experts.umn.edu (2023) published no Activity schema.
NOT_IN_UMN = {"Activity"}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=200, seed=1) as handle:
        yield handle


@pytest.mark.parametrize("spec", [SPEC_535, SPEC_UMN])
@pytest.mark.parametrize("family", sorted(mapping.READS))
def test_every_path_the_mapping_reads_is_in_the_spec(spec: str, family: str) -> None:
    root = SCHEMA[family]
    if spec == SPEC_UMN and root in NOT_IN_UMN:
        assert root not in schemas(spec)  # still absent, else test it
        return
    missing = [p for p in mapping.READS[family] if not exists(spec, root, p)]
    assert not missing, f"{root} in {spec}: {missing}"


@pytest.mark.parametrize("spec", [SPEC_535, SPEC_UMN])
@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_every_field_the_simulator_sends_is_in_the_spec(
    sim: SimulatorHandle, spec: str, collection: str
) -> None:
    root = COLLECTIONS[collection]
    if spec == SPEC_UMN and root in NOT_IN_UMN:
        return
    records = sim.store.collection(collection).page(0, 2000)
    assert records
    sent = set().union(*(leaf_paths(r) for r in records))
    missing = sorted(p for p in sent if not exists(spec, root, p))
    assert not missing, f"{collection} fields not in {spec}: {missing}"
