"""One project per record shape the Converis WS v2 document allows on what an adapter reads
(issue #15): attribute types, the forms of a choice group, missing and repeated attributes,
own units where partners are expected, links with and without attributes, link types defined
either way round or not known to the adapter. Planted when ``SimulatorConfig.shapes`` is set.

Each shape says which aspect of the spec it exercises (``aspects``) and what a faithful mapping
makes of it (``expect``); tests/test_converis_variants.py scans them over HTTP and checks both,
and that every aspect the spec allows has a shape.

Spec: api-evangelist/clarivate @ 3af81c70,
openapi/_original/clarivate-converisreadapi-openapi_2.json: the Converis Web Services 2.0
document Clarivate publishes (AttributeData, ChoiceGroupData, EntityData, LinkEntityData,
BasicData, EntityDataList).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import SPONSOR_LINK

if TYPE_CHECKING:
    from .synthetic import Builder

Json = dict[str, Any]


@dataclass(frozen=True)
class Expect:
    """What the event of a shape's project carries (names -> fields that must match), or the
    words its quarantine reason must contain."""

    partners: dict[str, Json] = field(default_factory=dict)
    funders: dict[str, Json] = field(default_factory=dict)
    own_unit: bool = False  # the own unit on a partner or funding link is listed as a unit
    participants: tuple[str, ...] = ()  # names of the members' external affiliations
    keywords: tuple[str, ...] = ()
    title: str | None = None
    quarantined: str | None = None


@dataclass(frozen=True)
class Shape:
    name: str
    aspects: tuple[str, ...]
    build: Callable[[Builder, Json], Json]  # (builder, an own unit) -> the project it planted
    expect: Expect


def a(name: str, value: str, kind: str = "STRING", lang: str | None = None) -> Json:
    out: Json = {"attributeName": name, "attributeType": kind}
    if lang:
        out["language"] = lang
    out["value"] = value
    return out


def cgv(name: str, value: str | None, choice: str | None, labels: dict[str, str]) -> Json:
    """A choice-group value in any of the forms the spec allows: each part may be missing."""
    out: Json = {"attributeName": name, "attributeType": "CGV"}
    if value is not None:
        out["value"] = value
    data: Json = {"choiceGroupName": name}
    if choice is not None:
        data["choiceGroupValue"] = choice
    if labels:
        data["choiceGroupValueLabels"] = [{"language": k, "value": v} for k, v in labels.items()]
    if choice is not None or labels:
        out["choiceGroupData"] = data
    return out


def _title(name: str) -> Json:
    return a("cfTitle", f"Shape: {name}", lang="en_GB")


def _project(b: Builder, name: str, *attrs: Json) -> Json:
    return b.entity(b.cfg.project, [_title(name), *attrs], f"Shape: {name}")


def _org(b: Builder, name: str, *attrs: Json) -> Json:
    return b.entity(b.cfg.organisation, [a("cfName", name, lang="en_GB"), *attrs], name)


def _partner(country: Json | None = None, *extra: Json, role: Json | None = None):
    """A builder of a project with one partner carrying ``country`` and ``extra``."""

    def build(b: Builder, unit: Json, name: str) -> Json:
        p = _project(b, name)
        org = _org(b, f"{name} partner", *(x for x in (country, *extra) if x))
        b.link(b.cfg.partner_link, p, org, 1, [role] if role else [])
        b.link(b.cfg.unit_link, p, unit, 1, [])
        return p

    return build


def _shape(name: str, aspects: tuple[str, ...], build: Callable, expect: Expect) -> Shape:
    return Shape(name, aspects, lambda b, unit: build(b, unit, name), expect)


def _country_shape(name: str, aspect: str, attr: Json, country: str) -> Shape:
    return _shape(
        name,
        (aspect, "attributeType:CGV"),
        _partner(attr),
        Expect(partners={f"{name} partner": {"country": country}}),
    )


def _multi(b: Builder, unit: Json, name: str) -> Json:
    p = _project(
        b,
        name,
        a("cfTitle", f"Form: {name}", lang="de_DE"),
        a("cfKeywords", "lidar; radar", lang="en_GB"),
        a("cfKeywords", "Lidar, Sonar", lang="de_DE"),
        a("description", "A long text.", "TEXT", "en_GB"),
        a("confidential", "true", "BOOLEAN"),
        a("budget", "125000.50", "NUMBER"),
        a("cfStartDate", "2024-03-01", "DATE"),
        cgv("project type", "311", "Third-party funded", {"de_DE": "Drittmittel"}),
    )
    org = _org(
        b,
        f"{name} partner",
        a("cfName", f"{name} Partnerin", lang="de_DE"),
        a("acronym", "SMV"),
        a("rorId", "https://ror.org/05a28rw58"),
        a("scopusAffiliationId", "60025858"),
        a("scopusAffiliationId", "60112233"),
    )
    b.link(b.cfg.partner_link, p, org, 1, [])
    b.link(b.cfg.unit_link, p, unit, 1, [])
    return p


def _bare(b: Builder, unit: Json, name: str) -> Json:
    p = _project(b, name)
    b.link(b.cfg.partner_link, p, _org(b, f"{name} partner"), 1, [])
    return p


def _own_unit_as_partner(b: Builder, unit: Json, name: str) -> Json:
    p = _project(b, name)
    b.link(b.cfg.partner_link, p, unit, 1, [cgv("role", "9", "partner", {"en_GB": "Partner"})])
    b.link(b.cfg.partner_link, p, _org(b, f"{name} partner"), 2, [])
    return p


def _own_unit_as_funder(b: Builder, unit: Json, name: str) -> Json:
    p = _project(b, name)
    money = [a("amount", "50000", "NUMBER"), cgv("currency", "1", "EUR", {"en_GB": "Euro"})]
    b.link(b.cfg.funder_link, p, unit, 1, money)
    return p


def _funding_forms(b: Builder, unit: Json, name: str) -> Json:
    p = _project(b, name)
    funder = _org(b, f"{name} funder", cgv("country", "276", None, {"en_GB": "Germany"}))
    money = [
        a("amount", "1.250.000,00", "NUMBER"),
        cgv("currency", "978", "EUR", {"de_DE": "Euro"}),
        a("programme", "Horizon Europe", lang="en_GB"),
    ]
    b.link(b.cfg.funder_link, p, funder, 1, money)
    b.link(b.cfg.unit_link, p, unit, 1, [])
    return p


def _twice(b: Builder, unit: Json, name: str) -> Json:
    p = _project(b, name)
    org = _org(b, f"{name} partner")
    b.link(b.cfg.partner_link, p, org, 1, [cgv("role", "2", "coordinator", {})])
    b.link(b.cfg.partner_link, p, org, 2, [])
    return p


def _sponsor(b: Builder, unit: Json, name: str) -> Json:
    p = _project(b, name)
    b.link(SPONSOR_LINK, _org(b, f"{name} sponsor"), p, 1, [])
    return p


def _members(b: Builder, unit: Json, name: str) -> Json:
    """A guest researcher whose card names a partner institute, and a staff member's card."""
    p = _project(b, name)
    guest = b.entity(b.cfg.card, [a("position", "Guest researcher")], "card")
    staff = b.entity(b.cfg.card, [a("position", "Professor")], "card")
    b.link(
        "CARD_has_ORGA", guest, _org(b, f"{name} institute", cgv("country", "BY", None, {})), 1, []
    )
    b.link("CARD_has_ORGA", staff, unit, 1, [])
    b.link(b.cfg.leader_link, p, guest, 1, [])
    b.link(b.cfg.leader_link, p, staff, 2, [])
    b.link(b.cfg.unit_link, p, unit, 1, [])
    return p


SHAPES: tuple[Shape, ...] = (
    _country_shape("country as value", "choiceGroup:value", cgv("country", "CN", None, {}), "CN"),
    _country_shape(
        "country as choice value",
        "choiceGroup:choiceGroupValue",
        cgv("country", None, "CN", {}),
        "CN",
    ),
    _country_shape(
        "country as localised label",
        "choiceGroup:choiceGroupValueLabels",
        cgv("country", "4711", None, {"de_DE": "Russland", "en_GB": "Russian Federation"}),
        "RU",
    ),
    _country_shape(
        "country as id, value and label",
        "choiceGroup:id+value+labels",
        cgv("country", "4712", "IR", {"en_GB": "Iran"}),
        "IR",
    ),
    _shape(
        "role as choice group",
        ("choiceGroup:id+value+labels", "link:with attributes"),
        _partner(role=cgv("role", "17", "coord", {"de_DE": "Koordinator", "en_GB": "Coordinator"})),
        Expect(partners={"role as choice group partner": {"role": "Coordinator"}}),
    ),
    _shape(
        "every attribute type, repeated and in two languages",
        (
            "attributeType:STRING",
            "attributeType:TEXT",
            "attributeType:NUMBER",
            "attributeType:DATE",
            "attributeType:BOOLEAN",
            "attributeType:CGV",
            "attributes:multi-valued",
            "attributes:multilingual",
            "organisation:external with ids",
        ),
        _multi,
        Expect(
            title="Shape: every attribute type, repeated and in two languages",
            keywords=("lidar", "radar", "Lidar", "Sonar"),
            partners={
                "every attribute type, repeated and in two languages partner": {
                    "aliases": [
                        "every attribute type, repeated and in two languages Partnerin",
                        "SMV",
                    ],
                    "identifiers": [
                        {"scheme": "ror", "value": "https://ror.org/05a28rw58"},
                        {"scheme": "scopus", "value": "60025858"},
                        {"scheme": "scopus", "value": "60112233"},
                    ],
                }
            },
        ),
    ),
    _shape(
        "nothing optional",
        ("attributes:absent", "link:without attributes"),
        _bare,
        Expect(partners={"nothing optional partner": {"country": None, "role": None}}),
    ),
    _shape(
        "own unit on the partner link",
        ("organisation:own unit as partner",),
        _own_unit_as_partner,
        Expect(partners={"own unit on the partner link partner": {}}, own_unit=True),
    ),
    _shape(
        "own unit on the funding link",
        ("organisation:own unit as funder",),
        _own_unit_as_funder,
        Expect(own_unit=True),
    ),
    _shape(
        "funding in German notation",
        ("link:with attributes", "attributeType:NUMBER"),
        _funding_forms,
        Expect(
            funders={
                "funding in German notation funder": {
                    "amount": "1250000.00",
                    "currency": "EUR",
                    "programme": "Horizon Europe",
                    "country": "DE",
                }
            }
        ),
    ),
    _shape(
        "one partner on two links",
        ("link:with attributes", "link:without attributes"),
        _twice,
        Expect(partners={"one partner on two links partner": {"role": "coordinator"}}),
    ),
    _shape(
        "members on cards, a guest and a staff member",
        ("person:external affiliation", "person:own unit"),
        _members,
        Expect(participants=("members on cards, a guest and a staff member institute",)),
    ),
    _shape(
        "organisation on a link type the adapter is not configured for",
        ("link:type not configured", "link:project on the right"),
        _sponsor,
        Expect(quarantined=f"mapping incomplete: {SPONSOR_LINK}[0]"),
    ),
)


def plant(builder: Builder, unit: Json) -> None:
    """Add one project per shape; ``builder.store.shapes`` maps shape name -> project id."""
    builder.store.shapes = {shape.name: shape.build(builder, unit)["id"] for shape in SHAPES}
    builder.store.shape_unit = unit["id"]
