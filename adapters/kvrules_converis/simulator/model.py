"""The configured data model the simulator serves under /config: entities, attributes, links.

Attribute names follow FAU Erlangen's Converis (CERIF heritage: cfTitle, cfStartDate, ...);
entity and link names come from SimulatorConfig, so tests can play a differently named instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import SimulatorConfig

SPONSOR_LINK = "ORGA_sponsors_PROJ"


@dataclass(frozen=True)
class AttrDef:
    name: str
    data_type: str  # STRING | TEXT | CGV | NUMBER | DATE | BOOLEAN
    multilanguage: bool = False
    mandatory: bool = False
    label: str = ""

    def as_json(self, n: int) -> dict[str, object]:
        return {
            "id": 16000 + n,
            "name": self.name,
            "dataInput": {"dataType": self.data_type},
            "multilanguage": self.multilanguage,
            "mandatory": self.mandatory,
            "labels": [{"language": "en_GB", "value": self.label or self.name}],
        }


@dataclass(frozen=True)
class EntityDef:
    name: str
    attributes: tuple[AttrDef, ...]
    plural: str = ""


@dataclass(frozen=True)
class LinkDef:
    name: str
    left: str
    right: str
    attributes: tuple[AttrDef, ...] = ()


@dataclass
class DataModel:
    entities: dict[str, EntityDef] = field(default_factory=dict)
    links: dict[str, LinkDef] = field(default_factory=dict)

    def attribute(self, entity: str, name: str) -> AttrDef | None:
        return next((a for a in self.entities[entity].attributes if a.name == name), None)

    def links_of(self, entity: str) -> list[LinkDef]:
        return [ld for ld in self.links.values() if entity in (ld.left, ld.right)]


def build_model(cfg: SimulatorConfig) -> DataModel:
    project = EntityDef(
        cfg.project,
        (
            AttrDef("cfTitle", "STRING", multilanguage=True, mandatory=True, label="Title"),
            AttrDef("cfStartDate", "DATE", label="Start date"),
            AttrDef("virtualEndDate", "DATE", label="End date"),
            AttrDef("description", "TEXT", multilanguage=True, label="Description"),
            AttrDef("project type", "CGV", label="Project type"),
            AttrDef("cfKeywords", "STRING", multilanguage=True, label="Keywords"),
            AttrDef(cfg.risk_attribute, "CGV", label="Knowledge security risk"),
            AttrDef("confidential", "BOOLEAN", label="Confidential"),
            AttrDef("budget", "NUMBER", label="Total budget"),
        ),
        "Projects",
    )
    organisation = EntityDef(
        cfg.organisation,
        (
            AttrDef("cfName", "STRING", multilanguage=True, mandatory=True, label="Name"),
            AttrDef("acronym", "STRING", label="Acronym"),
            AttrDef("alternativeName", "STRING", label="Alternative names"),
            AttrDef("country", "CGV", label="Country"),
            AttrDef("rorId", "STRING", label="ROR ID"),
            AttrDef("orgType", "CGV", label="Organisation type"),
            AttrDef("scopusAffiliationId", "STRING", label="Scopus affiliation ID"),
        ),
        "Organisations",
    )
    person = EntityDef(
        cfg.person,
        (AttrDef("cfFirstNames", "STRING"), AttrDef("cfFamilyNames", "STRING")),
        "Persons",
    )
    card = EntityDef(cfg.card, (AttrDef("position", "STRING"),), "Cards")
    links = [
        LinkDef(cfg.unit_link, cfg.project, cfg.organisation),
        LinkDef(cfg.partner_link, cfg.project, cfg.organisation, (AttrDef("role", "CGV"),)),
        LinkDef(
            cfg.funder_link,
            cfg.project,
            cfg.organisation,
            (
                AttrDef("amount", "NUMBER", label="Amount"),
                AttrDef("currency", "CGV", label="Currency"),
                AttrDef("programme", "STRING", label="Funding programme"),
            ),
        ),
        LinkDef(cfg.leader_link, cfg.project, cfg.card),
        LinkDef(cfg.collaborator_link, cfg.project, cfg.card),
        LinkDef("PERS_has_CARD", cfg.person, cfg.card),
        LinkDef("CARD_has_ORGA", cfg.card, cfg.organisation),
    ]
    if cfg.shapes:  # organisations on a link type an adapter may not be configured for
        links.append(LinkDef(SPONSOR_LINK, cfg.organisation, cfg.project))
    entities = [project, organisation, person, card]
    if cfg.external_entity:
        entities.append(
            EntityDef(
                cfg.external_entity,
                (
                    AttrDef("cfName", "STRING", multilanguage=True, mandatory=True, label="Name"),
                    AttrDef("country", "CGV", label="Country"),
                ),
                "External organisations",
            )
        )
        links.append(LinkDef(cfg.external_link, cfg.project, cfg.external_entity))
    links = [
        LinkDef(ld.name, ld.right, ld.left, ld.attributes) if ld.name in cfg.reversed_links else ld
        for ld in links
    ]
    return DataModel(
        {e.name: e for e in entities},
        {ld.name: ld for ld in links},
    )
