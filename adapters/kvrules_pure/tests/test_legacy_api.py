"""Projects of the older versioned API (/ws/api/524) over HTTP: awards named by the project
(relatedAwards, no award clusters there) and plain-number amounts.

No real 524 project is public, so these two records are built field by field from that API's
schema (WSUPMProject, WSAward, WSAwardFundingAssociation in UMNLibraries/pureapi @ fdd0df42,
pureapi/schemas/524/swagger.json, MIT); the research output and organisations are real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kvrules_pure import explain
from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for, scan

from kvrules.records import lead_participant, role_as_given

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
RAL = "53c9eb4e-01cf-48b2-86cd-58581aa8a7ab"  # the real external organisation in the fixtures


def _ref(collection: str, uuid: str) -> dict[str, Any]:
    href = f"https://experts.umn.edu/ws/api/524/{collection}/{uuid}"
    return {"uuid": uuid, "link": {"ref": "content", "href": href}}


INFO = {
    "createdDate": "2019-01-02T10:00:00.000-0500",
    "modifiedDate": "2021-03-04T05:06:07.000-0500",
}
PROJECT = {
    "pureId": 1,
    "uuid": "0c0c0c0c-0000-4000-8000-000000000001",
    "title": {"formatted": False, "text": [{"locale": "en_US", "value": "Neutron sources"}]},
    "period": {"startDate": "2019-01-01", "endDate": "2022-12-31"},
    "relatedAwards": [_ref("awards", "0a0a0a0a-0000-4000-8000-000000000002")],
    "info": INFO,
}
AWARD = {
    "pureId": 2,
    "uuid": "0a0a0a0a-0000-4000-8000-000000000002",
    "fundings": [{"funder": _ref("external-organisations", RAL), "awardedAmount": 125000.0}],
    "info": INFO,
}


def test_legacy_project_reads_the_awards_it_names_and_their_funders() -> None:
    with start_simulator(projects=2, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        sim.legacy["projects"][PROJECT["uuid"]] = json.loads(json.dumps(PROJECT))
        sim.legacy["awards"][AWARD["uuid"]] = json.loads(json.dumps(AWARD))
        adapter = adapter_for(sim, base_url=f"{sim.base_url}/524")
        try:
            records = scan(adapter)
        finally:
            adapter.close()
        cluster_gets = [r.path for r in sim.requests if "award-clusters" in r.path]
    [record] = records
    assert record.error is None, record.error
    [event] = record.events
    assert event.project is not None
    [funder] = event.project.funders
    assert funder.name == "Rutherford Appleton Laboratory" and funder.amount == 125000
    assert "None" not in event.id and event.occurred_at.year == 2021
    assert not cluster_gets  # the older API has none


def test_a_modified_time_that_is_not_one_quarantines_the_record_and_the_scan_goes_on() -> None:
    """'yesterday-ish' would become the record's version (the id's ``v…``) and the event's
    time would silently be the created one: the record is set aside, naming the field."""
    odd = json.loads(json.dumps(PROJECT))
    odd["uuid"] = "0c0c0c0c-0000-4000-8000-000000000003"
    odd["info"] = {**INFO, "modifiedDate": "yesterday-ish"}
    with start_simulator(projects=2, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        for project in (PROJECT, odd):
            sim.legacy["projects"][project["uuid"]] = json.loads(json.dumps(project))
        sim.legacy["awards"][AWARD["uuid"]] = json.loads(json.dumps(AWARD))
        adapter = adapter_for(sim, base_url=f"{sim.base_url}/524")
        try:
            records = {r.record_id: r for r in scan(adapter)}
        finally:
            adapter.close()
    assert records[odd["uuid"]].error == "info.modifiedDate: not a date-time: 'yesterday-ish'"
    assert not records[odd["uuid"]].events
    assert records[PROJECT["uuid"]].error is None and records[PROJECT["uuid"]].events


def _scan_524(projects: list[dict[str, Any]], awards: list[dict[str, Any]]) -> dict[str, Any]:
    """Records by id of one scan of the 524 API serving these projects and awards."""
    with start_simulator(projects=2, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        for project in projects:
            sim.legacy["projects"][project["uuid"]] = json.loads(json.dumps(project))
        for award in awards:
            sim.legacy["awards"][award["uuid"]] = json.loads(json.dumps(award))
        adapter = adapter_for(sim, base_url=f"{sim.base_url}/524")
        try:
            return {r.record_id: r for r in scan(adapter)}
        finally:
            adapter.close()


def _currency(code: str) -> dict[str, Any]:
    """WSClassification of the 524 schema, as awardedCurrency holds it."""
    term = {"formatted": False, "text": [{"locale": "en_US", "value": code.upper()}]}
    return {"pureId": 5, "uri": f"/dk/atira/pure/core/currencies/{code}", "term": term}


def test_the_awarded_currency_of_a_524_award_is_read_with_its_amount() -> None:
    """WSAwardFundingAssociation: awardedAmountInAwardedCurrency is a plain number and the
    currency a classification (awardedCurrency): without it every amount had no currency, and
    the foreign-funding rules could weigh none of them."""
    award = {
        **AWARD,
        "fundings": [
            {
                "funder": _ref("external-organisations", RAL),
                "financial": True,
                "awardedAmountInAwardedCurrency": 1500000.0,
                "awardedCurrency": _currency("usd"),
                "awardedAmount": 1400000.0,
            }
        ],
    }
    record = _scan_524([PROJECT], [award])[PROJECT["uuid"]]
    assert record.error is None, record.error
    [funder] = record.events[0].project.funders
    assert (funder.amount, funder.currency) == (1500000, "USD")


def test_a_currency_uri_without_a_code_leaves_the_amount_without_a_currency() -> None:
    award = {
        **AWARD,
        "fundings": [
            {
                "funder": _ref("external-organisations", RAL),
                "awardedAmountInAwardedCurrency": 2000.0,
                "awardedCurrency": {"uri": "/dk/atira/pure/core/currencies/"},
            }
        ],
    }
    record = _scan_524([PROJECT], [award])[PROJECT["uuid"]]
    [funder] = record.events[0].project.funders
    assert (funder.amount, funder.currency) == (2000, None)


def _role(kind: str, label: str) -> dict[str, Any]:
    """A 524 personRole (WSClassification) of a project participant."""
    term = {"formatted": False, "text": [{"locale": "en_US", "value": label}]}
    return {"pureId": 8, "uri": f"/dk/atira/pure/upmproject/roles/upmproject/{kind}", "term": term}


def test_participant_roles_of_a_524_project_are_read() -> None:
    """WSClassifiedParticipantAssociation names the role ``personRole``: read as ``role``, so the
    principal investigator leads the case, not the external co-investigator listed with them."""
    project = {
        **PROJECT,
        "participants": [
            {
                "externalPerson": _ref("external-persons", "f6aa0ce4-66b4-4e42-b355-709a7d7bfa48"),
                "name": {"firstName": "Ext", "lastName": "Researcher"},
                "personRole": _role("coi", "Co-Investigator"),
                "externalOrganisations": [_ref("external-organisations", RAL)],
            },
            {
                "person": _ref("persons", "01edf3d8-7e44-4dfa-bec4-8e3472965e1f"),
                "name": {"firstName": "Jan", "lastName": "Fransen"},
                "personRole": _role("pi", "Principal Investigator"),
            },
        ],
    }
    record = _scan_524([project], [AWARD])[PROJECT["uuid"]]
    assert record.error is None, record.error
    people = [p.model_dump() for p in record.events[0].project.participants]
    assert [role_as_given(p) for p in people] == ["Co-Investigator", "Principal Investigator"]
    assert (lead_participant(people) or {}).get("display_name") == "Jan Fransen"
    explained = explain.explain("project", project["uuid"], project)
    assert "participants[].personRole" in explained.read  # as the 524 API names it
    assert not [f for f in explained.ignored if "Role" in f or "role" in f]
