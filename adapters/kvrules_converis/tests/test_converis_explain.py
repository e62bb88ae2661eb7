"""`kvrules fetch --explain` for Converis, and the spec's record properties each read or left
alone on purpose (issue #15 item 6)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from converis_helpers import SECRET, adapter_for
from kvrules_converis import mapping
from kvrules_converis.simulator import start_simulator

from kvrules import FetchedRecord
from kvrules.cli.fetch import fetch

MULTI = "every attribute type, repeated and in two languages"
MEMBERS = "members on cards, a guest and a staff member"
# Properties of the records the adapter reads, from the Converis WS v2 OpenAPI document
# (api-evangelist/clarivate @ 3af81c70, openapi/_original/clarivate-converisreadapi-openapi_2.json).
SPEC_PROPERTIES = {
    "EntityData": (
        "id", "entityName", "status", "statusLabels", "public", "intern", "createdBy",
        "createdOn", "updatedBy", "updatedOn", "shortDescription", "attributes", "links",
    ),
    "LinkEntityData": (
        "id", "linkName", "leftEntity", "rightEntity", "leftSeq", "rightSeq", "createdBy",
        "createdOn", "updatedBy", "updatedOn", "attributes",
    ),
    "BasicData": ("id", "entityName", "status", "data", "shortDescription"),
}  # fmt: skip


def test_every_property_of_the_spec_is_read_or_left_alone_on_purpose() -> None:
    read = mapping.PROJECT_FIELDS | mapping.LINK_FIELDS | {"attributes"}
    for schema, properties in SPEC_PROPERTIES.items():
        loose = [p for p in properties if p not in read and p not in mapping.NOT_READ]
        assert loose == [], f"{schema}: neither read nor left alone on purpose"


def test_explain_names_the_fields_read_and_those_present_but_ignored() -> None:
    with start_simulator(projects=3, seed=5, password=SECRET, rate_limit=None, shapes=True) as sim:
        record = FetchedRecord(record_id=str(sim.store.shapes[MULTI]))
        with adapter_for(sim) as adapter:
            plain = adapter.explain(record)
            members = adapter.explain(FetchedRecord(record_id=str(sim.store.shapes[MEMBERS])))
            label = adapter.explain(FetchedRecord(record_id="Project[3]"))
        with adapter_for(sim, org_id_attrs={"scopusAffiliationId": "scopus"}) as adapter:
            with_ids = adapter.explain(record)
    assert plain is not None and with_ids is not None and label is None
    assert {
        "id",
        "updatedOn",
        "attributes[cfTitle]",
        "attributes[cfKeywords]",
        "attributes[cfStartDate]",
        "Organisation.attributes[cfName]",
        "Organisation.attributes[rorId]",
        "proj_has_eorg[].rightEntity",
    } <= set(plain.read)
    assert {
        "public",
        "shortDescription",
        "attributes[description]",
        "attributes[confidential]",
        "attributes[budget]",
        "attributes[project type]",
        "Organisation.attributes[scopusAffiliationId]",
        "proj_has_eorg[].leftSeq",
    } <= set(plain.ignored)
    assert not set(plain.read) & set(plain.ignored)
    assert members is not None
    assert {"proj_has_card[].rightEntity", "CARD_has_ORGA[].rightEntity"} <= set(members.read)
    assert "CARD_has_ORGA[].leftSeq" in members.ignored
    # Configured as an identifier, the Scopus id is read.
    assert "Organisation.attributes[scopusAffiliationId]" in with_ids.read


def test_fetch_explain_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with start_simulator(projects=4, seed=3, password=SECRET, rate_limit=None) as sim:
        monkeypatch.setenv("KVRULES_CONVERIS_BASE_URL", sim.base_url)
        monkeypatch.setenv("KVRULES_CONVERIS_USERNAME", sim.username)
        monkeypatch.setenv("KVRULES_CONVERIS_PASSWORD", SECRET)
        args = ["--source", "converis", "--limit", "2", "--explain", "--raw"]
        result = CliRunner().invoke(fetch, args)
    assert result.exit_code in (0, 2), result.output
    read = [line for line in result.stdout.splitlines() if line.startswith("  read:")]
    ignored = [line for line in result.stdout.splitlines() if line.startswith("  ignored:")]
    assert len(read) == len(ignored) == 2
    assert all("attributes[cfTitle]" in line for line in read)
    assert all("attributes[project type]" in line for line in ignored)
    assert SECRET not in result.output
