"""The mapping against REAL Pure responses, not only the simulator we wrote (issue #15).

Fixtures: ``fixtures/pure-umn-524`` — responses of the University of Minnesota's Pure, older
versioned API (``/ws/api/524``), from UMNLibraries/pureapi @ fdd0df42 (MIT; README there).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from kvrules_pure import mapping
from kvrules_pure.config import PureConfig
from kvrules_pure.mapping import Related
from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for, scan

from kvrules.records import describe

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
CFG = PureConfig(base_url="https://pure.example.edu/ws/api/524", api_key="k")


def _real(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def _named_external_orgs(rec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every external organisation the real record names, read straight from its JSON."""
    refs = list(rec["externalOrganisations"])
    refs += [o for pa in rec["personAssociations"] for o in pa.get("externalOrganisations", [])]
    return {o["uuid"]: o for o in refs}


def test_real_legacy_research_output_keeps_every_external_organisation() -> None:
    rec = _real("research-output-f145e583.json")
    named = _named_external_orgs(rec)
    assert len(named) == 25  # what the record says, before any mapping
    # The embedded references carry name and type: the same fields /external-organisations/{id}
    # answers with, so they stand in for the fetched records here.
    [event] = mapping.output_events(rec, Related(orgs=dict(named)), CFG)
    assert event.output is not None
    got = {a.name for a in event.output.affiliations}
    assert got == {mapping.text(o["name"], CFG.locales, "name") for o in named.values()}
    assert len(event.output.affiliations) == 25


def test_real_legacy_research_output_event_id_and_time_come_from_the_record() -> None:
    rec = _real("research-output-f145e583.json")
    [event] = mapping.output_events(rec, Related(orgs=dict(_named_external_orgs(rec))), CFG)
    assert "None" not in event.id
    # info.modifiedDate '2022-10-22T04:43:27.043-0500'
    assert event.occurred_at == datetime(2022, 10, 22, 9, 43, 27, 43000, tzinfo=UTC)
    assert event.output is not None and str(event.output.published_on) == "2016-12-02"


def test_real_legacy_external_organisation_keeps_its_other_id_and_country() -> None:
    org = _real("external-organisation-53c9eb4e.json")
    fields = mapping.organisation_fields(org, Related(), CFG)
    assert fields["name"] == "Rutherford Appleton Laboratory"
    assert fields["country"] == "GB"
    # its other id, and its typed ids (``ids``: three Scopus affiliation ids)
    assert [(i.scheme, i.value) for i in fields["identifiers"]] == [
        ("scival", "315053"),
        ("scopus_affiliation_id", "60001724"),
        ("scopus_affiliation_id", "60023254"),
        ("scopus_affiliation_id", "112199325"),
    ]


def test_a_ror_id_among_a_legacy_organisations_ids_is_read_as_the_current_apis_are() -> None:
    """The real record with one more entry of its ``ids``, typed ROR ID (the 524 schema's
    WSClassifiedValue shape, as its Scopus ids are; the type URI is the one ror_type_uris
    names): read as the ROR id the current API's ClassifiedId gives."""
    org = _real("external-organisation-53c9eb4e.json")
    ror_type = {"pureId": 2, "uri": CFG.ror_type_uris[0]}
    org["ids"].append({"pureId": 1, "value": {"formatted": False, "value": "03gq8fr08"},
                       "type": ror_type})  # fmt: skip
    fields = mapping.organisation_fields(org, Related(), CFG)
    current = {"uuid": org["uuid"], "version": "1", "name": {"en_GB": "Rutherford"},
               "identifiers": [{"typeDiscriminator": "ClassifiedId", "id": "03gq8fr08",
                                "type": ror_type}]}  # fmt: skip
    [ror] = [i for i in fields["identifiers"] if i.scheme == "ror"]
    assert ror == mapping.organisation_fields(current, Related(), CFG)["identifiers"][0]
    assert ror.value == "https://ror.org/03gq8fr08"


def test_a_legacy_id_of_the_wrong_shape_quarantines_naming_it() -> None:
    org = _real("external-organisation-53c9eb4e.json")
    org["ids"][0]["value"] = {"formatted": False, "value": 60001724}
    with pytest.raises(mapping.MappingError, match=r"identifiers\[1\]\.id: expected a string"):
        mapping.organisation_fields(org, Related(), CFG)


def test_real_legacy_api_scanned_over_http_keeps_every_organisation() -> None:
    """A base URL /ws/api/524 reads the older API end to end: listing, the external
    organisations under /external-organisations, the changes feed."""
    rec = _real("research-output-f145e583.json")
    with start_simulator(projects=3, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        adapter = adapter_for(sim, base_url=f"{sim.base_url}/524", research_outputs=True)
        try:
            records = scan(adapter)
        finally:
            adapter.close()
        org_gets = [r.path for r in sim.requests if "/524/external-organisations/" in r.path]
    [record] = records
    assert record.error is None and record.record_id == f"research-outputs/{rec['uuid']}"
    [event] = record.events
    assert event.output is not None and len(event.output.affiliations) == 25
    assert "None" not in event.id
    assert len(org_gets) == 25  # each fetched from the older API's collection


def test_real_legacy_embedded_organisation_reference_keeps_its_external_id() -> None:
    """The older API embeds each organisation as a reference carrying ``externalId`` and
    ``externalIdSource`` but no ``info`` block: that id is kept like a full record's."""
    rec = _real("research-output-f145e583.json")
    named = _named_external_orgs(rec)
    [event] = mapping.output_events(rec, Related(orgs=dict(named)), CFG)
    assert event.output is not None
    expected = {
        mapping.text(o["name"], CFG.locales, "name"): (
            [(o["externalIdSource"], o["externalId"])] if "externalId" in o else []
        )
        for o in named.values()
    }
    got = {a.name: [(i.scheme, i.value) for i in a.identifiers] for a in event.output.affiliations}
    assert got == expected
    kept = [pair for pairs in got.values() for pair in pairs]
    assert ("scival", "410006") in kept and len(kept) >= 20


def test_real_legacy_references_over_http_keep_their_external_id_once() -> None:
    """Read over HTTP, each organisation the output names is rewritten by the scan and again
    by the mapping: its external id is one identifier, not one per rewrite."""
    rec = _real("research-output-f145e583.json")
    expected = {
        mapping.text(o["name"], CFG.locales, "name"): (
            [(o["externalIdSource"], o["externalId"])] if "externalId" in o else []
        )
        for o in _named_external_orgs(rec).values()
    }
    with start_simulator(projects=3, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        adapter = adapter_for(sim, base_url=f"{sim.base_url}/524", research_outputs=True)
        try:
            [record] = scan(adapter)
        finally:
            adapter.close()
    [event] = record.events
    assert event.output is not None
    got = {a.name: [(i.scheme, i.value) for i in a.identifiers] for a in event.output.affiliations}
    assert got == expected


def test_a_quarantine_reason_names_the_field_as_the_524_api_does() -> None:
    """The real output with one external organisation's uuid taken away: the reason names
    ``externalOrganisations[3]`` (what the record has), not the rewritten
    ``externalOrganizations[3]``."""
    bad = _real("research-output-f145e583.json")
    bad["uuid"] = "f145e583-0000-4000-8000-0000000000a3"
    bad["externalOrganisations"][3] = {"name": bad["externalOrganisations"][3]["name"]}
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        sim.legacy["research-outputs"][bad["uuid"]] = bad
        adapter = adapter_for(sim, base_url=f"{sim.base_url}/524", research_outputs=True)
        try:
            errors = {r.record_id: r.error for r in scan(adapter) if r.error}
        finally:
            adapter.close()
    assert errors == {
        f"research-outputs/{bad['uuid']}": "externalOrganisations[3].uuid: expected a uuid "
        "string, got null"
    }


def test_source_names_turn_back_only_field_names() -> None:
    from kvrules_pure.legacy import source_names

    said = source_names(
        "award x: awardHolders[0].externalOrganizations: expected a list; contributors[2]."
        "role: expected an object; a role in the project; organizations[1].uuid: bad"
    )
    assert said == (
        "award x: awardholders[0].externalOrganisations: expected a list; personAssociations"
        "[2].personRole: expected an object; a role in the project; organisationalUnits[1]."
        "uuid: bad"
    )


EDITOR = (
    "https://pure.example.edu/admin/editor/dk/atira/pure/api/shared/model/project/editor/"
    "projecteditor.xhtml?id={id}"
)


def test_a_co_publication_case_links_the_outputs_own_portal_page() -> None:
    """One ris_url pattern (the template's: the project editor) and research_outputs on: the
    case about the real output linked the project editor with the output's id. It links the
    output's portalUrl (info.portalUrl in the 524 API), unless ris_url names an output pattern."""
    rec = _real("research-output-f145e583.json")
    [event] = mapping.output_events(rec, Related(orgs=dict(_named_external_orgs(rec))), CFG)
    body = event.model_dump(mode="json", exclude={"id", "source"}, exclude_none=True)
    rid = event.source.record_id
    portal = "https://experts.umn.edu/en/publications/f145e583-7d49-415e-aefb-381905b58ae7"
    assert describe(body, "pure", rid, {"pure": EDITOR}).url == portal
    per_kind = {"pure": {"project": EDITOR, "output": "https://pure.example.edu/o/{id}"}}
    assert describe(body, "pure", rid, per_kind).url == f"https://pure.example.edu/o/{rec['uuid']}"
    # a project (no address of its own) still links the one pattern
    assert describe({"project": {"title": "P"}}, "pure", "p-1", {"pure": EDITOR}).url == (
        EDITOR.format(id="p-1")
    )


def test_a_portal_url_that_is_no_web_address_is_not_linked() -> None:
    rec = _real("research-output-f145e583.json")
    rec["info"]["portalUrl"] = "javascript:alert(1)"
    [event] = mapping.output_events(rec, Related(orgs=dict(_named_external_orgs(rec))), CFG)
    assert event.output is not None and event.output.url is None
