"""Variants the Pure spec allows on the paths the mapping reads, and no silent loss (#15).

Each record is built in the shape the 5.35 spec gives the variant; the mapping is a pure
function over fetched JSON, so no server is needed here (the simulator produces the same
variants: test_simulator_variants).
"""

from __future__ import annotations

from typing import Any

import pytest
from kvrules_pure import mapping
from kvrules_pure.config import PureConfig
from kvrules_pure.mapping import MappingError, Related

CFG = PureConfig(base_url="https://pure.example.edu/ws/api", api_key="k")
FUNDER = "f0000000-0000-4000-8000-000000000001"
PARTNER = "e0000000-0000-4000-8000-000000000002"
OWN_UNIT = "a0000000-0000-4000-8000-000000000003"


def _ext(uuid: str) -> dict[str, str]:
    return {"systemName": "ExternalOrganization", "uuid": uuid}


def _unit(uuid: str) -> dict[str, str]:
    return {"systemName": "Organization", "uuid": uuid}


def _org(uuid: str, name: str) -> dict[str, Any]:
    return {"uuid": uuid, "version": "1", "name": {"en_GB": name}}


ORGS: dict[str, Any] = {FUNDER: _org(FUNDER, "Funder Council"), PARTNER: _org(PARTNER, "Partner U")}


def _project(**extra: Any) -> dict[str, Any]:
    return {"uuid": "p1", "version": "3", "title": {"en_GB": "A project"}, **extra}


def _award(*collaborators: dict[str, Any], **extra: Any) -> dict[str, Any]:
    funding = {
        "typeDiscriminator": "AwardFinancialFundingAssociation",
        "funder": _ext(FUNDER),
        "fundingCollaborators": list(collaborators),
    }
    return {"uuid": "aw1", "version": "2", "fundings": [funding], **extra}


def _partners(p: dict[str, Any], *awards: dict[str, Any]) -> list[str]:
    [event] = mapping.project_events(
        p, Related(awards=list(awards), orgs=ORGS), CFG, "project.created"
    )
    assert event.project is not None
    return [partner.name for partner in event.project.partners]


@pytest.mark.parametrize("financial", ["Financial", "NonFinancial"])
def test_own_unit_as_funding_collaborator_is_never_a_partner(financial: str) -> None:
    internal = {
        "typeDiscriminator": f"AwardInternal{financial}FundingCollaboratorAssociation",
        "collaborator": _unit(OWN_UNIT),
    }
    external = {
        "typeDiscriminator": f"AwardExternal{financial}FundingCollaboratorAssociation",
        "collaborator": _ext(PARTNER),
    }
    assert _partners(_project(), _award(internal, external)) == ["Partner U"]


def test_award_collaborators_and_award_holders_affiliations_are_partners() -> None:
    internal = {
        "typeDiscriminator": "InternalCollaboratorAssociation",
        "organization": _unit(OWN_UNIT),
    }
    external = {
        "typeDiscriminator": "ExternalCollaboratorAssociation",
        "externalOrganization": _ext(PARTNER),
    }
    assert _partners(_project(), _award(collaborators=[internal, external])) == ["Partner U"]
    holder = {
        "typeDiscriminator": "ExternalAwardHolderAssociation",
        "externalOrganizations": [_ext(PARTNER)],
    }
    assert _partners(_project(), _award(awardHolders=[holder])) == ["Partner U"]


def test_awards_without_clusters_and_projects_without_awards_map() -> None:
    assert _partners(_project(externalOrganizations=[_ext(PARTNER)])) == ["Partner U"]


def test_unknown_place_of_an_external_organisation_quarantines_with_its_path() -> None:
    p = _project(newKindOfLink=[{"partner": _ext(PARTNER)}])
    with pytest.raises(MappingError, match=r"mapping incomplete: newKindOfLink\[0\]\.partner"):
        _partners(p)


def test_output_reads_every_external_organisation_it_names() -> None:
    o = {
        "uuid": "o1",
        "version": "1",
        "title": {"value": "A thesis"},
        "commissioningBody": _ext(FUNDER),
        "fundingDetails": [{"fundingOrganizations": [{"externalOrganizationRef": _ext(PARTNER)}]}],
    }
    [event] = mapping.output_events(o, Related(orgs=ORGS), CFG)
    assert event.output is not None
    assert sorted(a.name for a in event.output.affiliations) == ["Funder Council", "Partner U"]


def test_visit_with_an_external_organisation_outside_the_visitors_is_quarantined() -> None:
    a = {
        "uuid": "v1",
        "version": "1",
        "typeDiscriminator": "HostVisitor",
        "persons": [{"externalOrganizations": [_ext(FUNDER)]}],
        "visitors": [{"externalOrganizations": [_ext(PARTNER)]}],
    }
    with pytest.raises(MappingError, match=r"mapping incomplete: persons\[0\]\.externalOrg"):
        mapping.visit_events(a, Related(orgs=ORGS), CFG)


@pytest.mark.parametrize("financial", ["Financial", "NonFinancial"])
def test_own_unit_as_funding_collaborator_is_one_of_the_projects_units(financial: str) -> None:
    """#15: an own unit co-funding the project (Award*Internal*FundingCollaborator
    Association) is one of the project's units (the funding shares are per unit), after the
    managing and other units; it is never a partner."""
    internal = {
        "typeDiscriminator": f"AwardInternal{financial}FundingCollaboratorAssociation",
        "collaborator": _unit(OWN_UNIT),
    }
    managing = "a0000000-0000-4000-8000-000000000009"
    units = {
        OWN_UNIT: {"uuid": OWN_UNIT, "version": "1", "name": {"en_GB": "Co-funding Institute"}},
        managing: {"uuid": managing, "version": "1", "name": {"en_GB": "Department of Physics"}},
    }
    p = _project(managingOrganization=_unit(managing))
    related = Related(awards=[_award(internal)], orgs=ORGS, units=units)
    [event] = mapping.project_events(p, related, CFG, "project.created")
    assert event.project is not None
    assert event.project.units == ["Department of Physics", "Co-funding Institute"]
    assert event.project.partners == []
