"""Every record shape the Converis WS v2 document allows on what the adapter reads, produced by
the simulator and scanned over real HTTP (issue #15 item 6).

The shapes are the simulator's catalogue (``simulator/shapes.py``); this module checks that the
catalogue covers every aspect the spec leaves open — each ``attributeType``, each part of a
choice group that may stand alone, missing and repeated attributes, own units where partners
are expected, links with and without attributes, the project on either end of a link, a link
type the adapter is not configured for — and that each shape is mapped as it says, in a full
and in an incremental scan (whose per-project reads meet empty pages without ``data``).

Spec: the Converis Web Services 2.0 OpenAPI document Clarivate publishes, harvested in
api-evangelist/clarivate @ 3af81c70, openapi/_original/clarivate-converisreadapi-openapi_2.json.
"""

from __future__ import annotations

from typing import Any

import pytest
from converis_helpers import SECRET, adapter_for, scan
from kvrules_converis import mapping
from kvrules_converis.simulator import start_simulator
from kvrules_converis.simulator.shapes import SHAPES, Shape

from kvrules import FetchedRecord, testing

# What the spec leaves open on the schemas the adapter reads.
SPEC_ATTRIBUTE_TYPES = ("STRING", "TEXT", "CGV", "NUMBER", "DATE", "BOOLEAN")  # AttributeData
# A choice group's value may come as AttributeData.value, ChoiceGroupData.choiceGroupValue or
# only as ChoiceGroupData.choiceGroupValueLabels (none is required), or all at once.
SPEC_CHOICE_GROUP_PARTS = ("value", "choiceGroupValue", "choiceGroupValueLabels")
ASPECTS = {
    *(f"attributeType:{t}" for t in SPEC_ATTRIBUTE_TYPES),
    *(f"choiceGroup:{part}" for part in SPEC_CHOICE_GROUP_PARTS),
    "choiceGroup:id+value+labels",
    "attributes:absent",  # EntityData.attributes is optional (BASIC answers have none)
    "attributes:multi-valued",  # an attributeName may repeat
    "attributes:multilingual",  # AttributeData.language, "empty if not translatable"
    "organisation:own unit as partner",  # internal/external is instance data (cris-apis.md 2.4)
    "organisation:own unit as funder",
    "organisation:external with ids",
    "link:with attributes",  # LinkEntityData.attributes is optional
    "link:without attributes",
    "link:project on the right",  # LinkEntityData.leftEntity / rightEntity
    "link:type not configured",  # link types are instance configuration
    "person:external affiliation",  # a member's card (Card) linked to an organisation
    "person:own unit",
}
SETTINGS = {"org_id_attrs": {"scopusAffiliationId": "scopus"}}


@pytest.fixture(scope="module")
def shaped() -> Any:
    """A simulator with the shapes planted: the full scan, then an incremental one after every
    shape project was edited."""
    with start_simulator(projects=15, seed=5, password=SECRET, rate_limit=None, shapes=True) as sim:
        with adapter_for(sim, **SETTINGS) as adapter:
            first = list(adapter.fetch(None))
            for project_id in sim.store.shapes.values():
                sim.store.touch(project_id)
            incremental = scan(adapter, testing.last_cursor(first))
        yield sim, _by_id(testing.content(first)), _by_id(incremental)


def _by_id(records: list[FetchedRecord]) -> dict[str, FetchedRecord]:
    return {r.record_id: r for r in records}


def test_the_shapes_cover_every_aspect_the_spec_leaves_open() -> None:
    covered = {aspect for shape in SHAPES for aspect in shape.aspects}
    assert ASPECTS - covered == set(), "a shape the spec allows has no simulator record"
    assert covered - ASPECTS == set(), "a shape names an aspect this test does not know"
    assert set(SPEC_ATTRIBUTE_TYPES) == mapping.ATTRIBUTE_TYPES


def _check(shape: Shape, record: FetchedRecord, unit: str) -> None:
    want = shape.expect
    if want.quarantined:
        assert record.error is not None and want.quarantined in record.error, record.error
        assert not record.events
        return
    assert record.error is None, f"{shape.name}: quarantined: {record.error}"
    [event] = record.events
    project = event.project
    assert project is not None
    for got, expected in ((project.partners, want.partners), (project.funders, want.funders)):
        assert {o.name for o in got} == set(expected), shape.name
        for org in got:
            dumped = org.model_dump(mode="json")
            assert {k: dumped[k] for k in expected[org.name]} == expected[org.name], org.name
    if want.own_unit:
        assert unit in project.units
        assert unit not in {o.name for o in (*project.partners, *project.funders)}
    affiliations = [o.name for person in project.participants for o in person.affiliations]
    assert affiliations == list(want.participants), shape.name
    if want.keywords:
        assert project.keywords == list(want.keywords)
    if want.title:
        assert project.title == want.title


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_every_shape_is_mapped_deliberately(shape: Shape, shaped: Any) -> None:
    sim, full, incremental = shaped
    unit = sim.store.find(sim.store.shape_unit)["attributes"][0]["value"]
    record_id = str(sim.store.shapes[shape.name])
    _check(shape, full[record_id], unit)
    _check(shape, incremental[record_id], unit)
    if full[record_id].events:  # the same project, read per project instead of in bulk
        assert incremental[record_id].events[0].project == full[record_id].events[0].project


def test_the_rest_of_the_portfolio_is_unaffected_by_the_shapes(shaped: Any) -> None:
    sim, full, _ = shaped
    shaped_ids = {str(i) for i in sim.store.shapes.values()}
    others = [r for rid, r in full.items() if rid not in shaped_ids]
    assert len(others) == 15 and sum(1 for r in others if r.events) >= 13


def test_a_partner_link_defined_from_the_organisation_side_maps_the_same() -> None:
    common = {"projects": 12, "seed": 4, "password": SECRET, "rate_limit": None}
    with start_simulator(**common) as plain, adapter_for(plain) as adapter:
        expected = scan(adapter)
    with start_simulator(**common, reversed_links=("proj_has_eorg",)) as sim:
        assert sim.store.model.links["proj_has_eorg"].left == "Organisation"
        with adapter_for(sim) as adapter:
            got = scan(adapter)
    partners = [p for r in got for e in r.events if e.project for p in e.project.partners]
    assert partners

    # The same projects (event ids and the order of links differ: links have their own
    # updatedOn, and the bulk read is sorted by it).
    def projects(records: list[FetchedRecord]) -> list[Any]:
        return [
            (r.record_id, r.error, [sorted(map(str, e.project.partners)) for e in r.events])
            for r in records
        ]

    assert projects(got) == projects(expected)


def test_an_affiliation_added_to_a_members_card_reaches_the_next_incremental_scan() -> None:
    sim = start_simulator(projects=10, seed=6, password=SECRET, rate_limit=None)
    with sim, adapter_for(sim) as adapter:
        first = list(adapter.fetch(None))
        project = next(r for r in testing.content(first) if r.events)
        [card_link, *_] = sim.store.links_of("proj_has_card", "Project", int(project.record_id))
        partner = next(
            o
            for o in sim.store.entities["Organisation"].values()
            if any(x.get("value") == "university" for x in o["attributes"])
        )
        sim.store.link("CARD_has_ORGA", card_link["right"], partner["id"])
        again = _by_id(scan(adapter, testing.last_cursor(first)))
    [event] = again[project.record_id].events
    assert event.project is not None
    names = [o.name for person in event.project.participants for o in person.affiliations]
    assert names == [partner["attributes"][0]["value"]]
