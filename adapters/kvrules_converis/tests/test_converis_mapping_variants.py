"""Shapes the Converis WS v2 documentation allows on what the mapping reads, mapped as pure
functions over fetched JSON (issue #15 item 6). The simulator produces the same shapes over real
HTTP: test_converis_variants.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from kvrules_converis import ConverisConfig
from kvrules_converis.mapping import MappingError, Related, project_events, text

CFG = ConverisConfig(
    base_url="https://cris.example.edu/converis-apis/ws/v2",
    username="kvrules",
    password="t",
    org_id_attrs={"scopusAffiliationId": "scopus"},
)
PROJECT, PARTNER, UNIT, FUNDER = 10, 20, 30, 40


def attr(name: str, value: Any, kind: str = "STRING", **extra: Any) -> dict[str, Any]:
    return {"attributeName": name, "attributeType": kind, "value": value, **extra}


def cgv(name: str, value: str | None, choice: str | None, labels: dict[str, str]) -> dict:
    data = {"choiceGroupName": name, "choiceGroupValue": choice}
    data["choiceGroupValueLabels"] = [{"language": k, "value": v} for k, v in labels.items()]
    return attr(name, value, "CGV", choiceGroupData=data)


def org(oid: int, name: str, *attrs: dict[str, Any]) -> dict[str, Any]:
    rec = {"id": oid, "entityName": "Organisation", "updatedOn": "2025-01-01T00:00:00Z"}
    return {**rec, "attributes": [attr("cfName", name, language="en_GB"), *attrs]}


def link(name: str, far: int, *attrs: dict[str, Any], entity: str = "Organisation") -> dict:
    return {
        "id": 1000 + far,
        "linkName": name,
        "leftEntity": {"id": PROJECT, "entityName": "Project"},
        "rightEntity": {"id": far, "entityName": entity},
        "updatedOn": "2025-01-01T00:00:00Z",
        "attributes": list(attrs),
    }


def project(*attrs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    title = attr("cfTitle", "A project", language="en_GB")
    base = {"id": PROJECT, "entityName": "Project", "updatedOn": "2025-02-01T08:30:00Z"}
    return {**base, "attributes": [title, *attrs], **extra}


INTERNAL = cgv("orgType", "17", "internal", {"en_GB": "Internal unit"})


def mapped(rec: dict[str, Any], links: dict[str, list[dict]], *orgs: dict[str, Any]):
    related = Related(links=links, orgs={o["id"]: o for o in orgs})
    [event] = project_events(rec, related, CFG, "project.created")
    assert event.project is not None
    return event


def test_an_own_unit_on_the_partner_link_is_a_unit_never_a_partner() -> None:
    links = {"proj_has_eorg": [link("proj_has_eorg", UNIT), link("proj_has_eorg", PARTNER)]}
    event = mapped(project(), links, org(UNIT, "Chair of Optics", INTERNAL), org(PARTNER, "P U"))
    assert [p.name for p in event.project.partners] == ["P U"]
    assert event.project.units == ["Chair of Optics"]


def test_an_own_unit_on_the_funding_link_is_not_a_funder() -> None:
    links = {"proj_has_fund": [link("proj_has_fund", UNIT, attr("amount", "100", "NUMBER"))]}
    event = mapped(project(), links, org(UNIT, "Faculty of Science", INTERNAL))
    assert event.project.funders == [] and event.project.units == ["Faculty of Science"]


@pytest.mark.parametrize(
    ("value", "choice", "labels"),
    [
        ("DE", None, {}),  # the value alone
        (None, "DE", {}),  # only the choice value
        ("4711", "DE", {"en_GB": "Germany"}),  # an internal id, the value and a label
        ("4711", None, {"en_GB": "Germany"}),  # an id and a localised label
        ("4711", "276", {"de_DE": "Deutschland", "en_US": "Germany"}),  # numeric, two labels
    ],
)
def test_country_in_every_choice_group_shape(value, choice, labels) -> None:
    country = cgv("country", value, choice, labels)
    links = {"proj_has_eorg": [link("proj_has_eorg", PARTNER)]}
    event = mapped(project(), links, org(PARTNER, "P U", country))
    assert event.project.partners[0].country == "DE"


def test_a_choice_group_role_reads_the_label_not_the_internal_id() -> None:
    role = cgv("role", "4711", "coord", {"de_DE": "Koordinator", "en_GB": "Coordinator"})
    links = {"proj_has_eorg": [link("proj_has_eorg", PARTNER, role)]}
    event = mapped(project(), links, org(PARTNER, "P U"))
    assert event.project.partners[0].role == "Coordinator"


def test_other_identifiers_of_organisations_reach_the_model() -> None:
    ids = (attr("rorId", "01xtthb56"), attr("scopusAffiliationId", "60012345"))
    links = {"proj_has_eorg": [link("proj_has_eorg", PARTNER)]}
    event = mapped(project(), links, org(PARTNER, "P U", *ids))
    got = {(i.scheme, i.value) for i in event.project.partners[0].identifiers}
    assert got == {("ror", "https://ror.org/01xtthb56"), ("scopus", "60012345")}


def test_an_unknown_attribute_type_is_mapping_incomplete() -> None:
    rec = project()
    rec["attributes"][0]["attributeType"] = "RICHTEXT"
    with pytest.raises(MappingError, match=r"mapping incomplete: attributes\[cfTitle\].*RICHTEXT"):
        mapped(rec, {})


def test_an_organisation_link_the_mapping_does_not_read_quarantines_the_project() -> None:
    links = {"PROJ_has_SPONSOR": [link("PROJ_has_SPONSOR", PARTNER)]}
    with pytest.raises(MappingError, match=r"mapping incomplete: PROJ_has_SPONSOR\[0\]"):
        mapped(project(), links, org(PARTNER, "P U"))


def test_a_link_to_another_kind_of_entity_is_mapping_incomplete() -> None:
    links = {"proj_has_eorg": [link("proj_has_eorg", PARTNER, entity="ExternalOrganisation")]}
    with pytest.raises(MappingError, match=r"proj_has_eorg\[0\]\.rightEntity.*Organisation"):
        mapped(project(), links, org(PARTNER, "P U"))


def test_the_project_may_be_on_either_side_of_a_link() -> None:
    reversed_ = link("proj_has_eorg", PARTNER)
    reversed_["leftEntity"], reversed_["rightEntity"] = (
        reversed_["rightEntity"],
        reversed_["leftEntity"],
    )
    event = mapped(project(), {"proj_has_eorg": [reversed_]}, org(PARTNER, "P U"))
    assert [p.name for p in event.project.partners] == ["P U"]


def test_dates_and_amounts_that_do_not_parse_are_mapping_incomplete() -> None:
    with pytest.raises(MappingError, match=r"mapping incomplete: attributes\[cfStartDate\]"):
        mapped(project(attr("cfStartDate", "next spring", "DATE")), {})
    amount = attr("amount", "a lot", "NUMBER")
    links = {"proj_has_fund": [link("proj_has_fund", FUNDER, amount)]}
    with pytest.raises(MappingError, match=r"proj_has_fund\[0\]\.attributes\[amount\]"):
        mapped(project(), links, org(FUNDER, "F"))


def test_german_dates_and_amounts_are_read() -> None:
    amount = attr("amount", "1.234.567,50", "NUMBER")
    links = {"proj_has_fund": [link("proj_has_fund", FUNDER, amount)]}
    event = mapped(project(attr("cfStartDate", "01.03.2021", "DATE")), links, org(FUNDER, "F"))
    assert str(event.project.start) == "2021-03-01"
    assert str(event.project.funders[0].amount) == "1234567.50"


def test_occurred_at_falls_back_to_the_creation_date_and_ids_never_say_none() -> None:
    rec = project()
    del rec["updatedOn"]
    rec["createdOn"] = "2024-01-10T10:00:00Z"
    event = mapped(rec, {})
    assert event.occurred_at.isoformat().startswith("2024-01-10T10:00:00")
    assert "None" not in event.id


def test_missing_and_multi_valued_attributes() -> None:
    bare = {"id": PROJECT, "entityName": "Project", "updatedOn": "2025-02-01T08:30:00Z"}
    with pytest.raises(MappingError, match="has no cfTitle"):  # BASIC only: no attributes
        mapped(bare, {})
    words = (
        attr("cfKeywords", "a; b", language="en_GB"),
        attr("cfKeywords", "c", language="de_DE"),
    )
    names = (attr("cfName", "Partner Uni", language="de_DE"), attr("acronym", "PU"))
    links = {"proj_has_eorg": [link("proj_has_eorg", PARTNER)]}
    event = mapped(project(*words), links, org(PARTNER, "Partner University", *names))
    assert event.project.keywords == ["a", "b", "c"]
    assert event.project.partners[0].aliases == ["Partner Uni", "PU"]


def _card_link(card: int, oid: int) -> dict[str, Any]:
    return {
        "id": 5000 + oid,
        "linkName": "CARD_has_ORGA",
        "leftEntity": {"id": card, "entityName": "Card"},
        "rightEntity": {"id": oid, "entityName": "Organisation"},
        "updatedOn": "2025-01-01T00:00:00Z",
    }


def test_a_members_external_affiliation_reaches_the_participants() -> None:
    card, staff = 70, 71
    links = {
        "proj_has_card": [
            link("proj_has_card", card, entity="Card"),
            link("proj_has_card", staff, entity="Card"),
        ]
    }
    related = Related(
        links=links,
        orgs={o["id"]: o for o in (org(PARTNER, "Visiting Institute"), org(UNIT, "Own", INTERNAL))},
        cards={card: [_card_link(card, PARTNER)], staff: [_card_link(staff, UNIT)]},
    )
    [event] = project_events(project(), related, CFG, "project.created")
    assert event.project is not None and event.project.partners == []
    affiliations = [[o.name for o in p.affiliations] for p in event.project.participants]
    assert affiliations == [["Visiting Institute"]]  # the own unit's staff card adds nobody


def test_the_risk_choice_is_read_as_its_value_not_its_internal_id() -> None:
    # Write-back compares what is in the risk attribute with the values kvrules writes.
    risk = cgv("knowledgeSecurityRisk", "4711", "high", {"de_DE": "hoch"})
    assert text(project(risk), "knowledgeSecurityRisk", []) == "high"


def _partner_country(country: dict[str, Any], cfg: ConverisConfig = CFG) -> str | None:
    links = {"proj_has_eorg": [link("proj_has_eorg", PARTNER)]}
    related = Related(links=links, orgs={PARTNER: org(PARTNER, "P U", country)})
    [event] = project_events(project(), related, cfg, "project.created")
    return event.project.partners[0].country


NUMERIC = CFG.model_copy(update={"country_numeric_ids": True})


def test_an_internal_id_that_is_also_an_iso_numeric_code_does_not_beat_the_labels() -> None:
    """Reviewer: value "156" with labels Germany/Deutschland was read as China (CN), a false
    high finding for a Fraunhofer institute."""
    country = cgv("country", "156", "Germany", {"en_GB": "Germany", "de_DE": "Deutschland"})
    assert _partner_country(country) == "DE"
    assert _partner_country(cgv("country", "156", None, {"de_DE": "Deutschland"})) == "DE"


def test_a_numeric_value_is_a_country_only_where_the_instance_says_so() -> None:
    only_id = cgv("country", "156", None, {})
    with pytest.raises(MappingError, match=r"attributes\[country\]: only an internal id '156'"):
        _partner_country(only_id)
    assert _partner_country(only_id, NUMERIC) == "CN"
    assert _partner_country(cgv("country", "276", None, {"en_GB": "Germany"}), NUMERIC) == "DE"


def test_a_value_and_a_label_naming_two_countries_quarantine_with_both() -> None:
    conflict = cgv("country", "156", None, {"en_GB": "Germany"})
    with pytest.raises(MappingError) as e:
        _partner_country(conflict, NUMERIC)
    assert "proj_has_eorg[0]: attributes[country]" in str(e.value)
    assert "'Germany' (DE)" in str(e.value) and "'156' (CN)" in str(e.value)
    with pytest.raises(MappingError, match=r"'Iran' \(IR\).*'CN' \(CN\)"):
        _partner_country(cgv("country", "CN", None, {"en_GB": "Iran"}))


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("China, Volksrepublik", "CN"),  # the reviewer's: only a German, inverted label
        ("Korea, Republik", "KR"),
        ("Volksrepublik China", "CN"),
        ("Российская Федерация", "RU"),
        ("中国", "CN"),
    ],
)
def test_a_country_given_only_as_a_label_in_another_language_is_read(label, code) -> None:
    assert _partner_country(cgv("country", "4711", None, {"de_DE": label})) == code


def test_a_country_nothing_reads_quarantines_with_its_forms_never_silently() -> None:
    with pytest.raises(MappingError, match=r"attributes\[country\]: no country in \['Atlantis'"):
        _partner_country(cgv("country", "4711", None, {"de_DE": "Atlantis"}))
