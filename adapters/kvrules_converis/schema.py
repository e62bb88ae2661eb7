"""Start-up check: every configured entity, link and attribute name exists on the instance.

Converis data models are configured per installation (cris-apis.md 2.4), so a name that does not
exist would otherwise surface as empty fields or 404s deep inside a scan. Two requests read the
model (``/config/entities`` with all attributes, ``/config/linkentities``); every mismatch is
reported at once, with the names the instance does have.
"""

from __future__ import annotations

from dataclasses import dataclass

from kvrules import KvrulesError

from .client import ALL, ConverisClient
from .config import ConverisConfig


class ModelMismatch(KvrulesError):
    """The instance's data model differs from the adapter configuration."""


@dataclass(frozen=True)
class Model:
    attributes: dict[str, set[str]]  # entity -> attribute names
    links: dict[str, tuple[str, str, set[str]]]  # link -> (left entity, right entity, attributes)


def _tail(url: object) -> str:
    return str(url or "").rstrip("/").rsplit("/", 1)[-1]


def read_model(client: ConverisClient) -> Model:
    entities = client.all("/config/entities", headers=ALL)
    links = client.all("/config/linkentities", headers=ALL)
    return Model(
        {e["name"]: {a.get("name") for a in e.get("attributes") or []} for e in entities},
        {
            ln["name"]: (
                _tail(ln.get("leftDefinitionUrl")),
                _tail(ln.get("rightDefinitionUrl")),
                {a.get("name") for a in ln.get("attributes") or []},
            )
            for ln in links
        },
    )


def _hint(names: set[str]) -> str:
    shown = sorted(n for n in names if n)
    return ", ".join(shown[:25]) + (" …" if len(shown) > 25 else "")


def problems(model: Model, cfg: ConverisConfig) -> list[str]:
    out: list[str] = []
    project, org = cfg.project_entity, cfg.organisation_entity
    for setting, entity in (("project_entity", project), ("organisation_entity", org)):
        if entity not in model.attributes:
            out.append(
                f"{setting}: no entity {entity!r} (instance has: {_hint(set(model.attributes))})"
            )

    def need(entity: str, settings: dict[str, str | None], have: set[str] | None) -> None:
        if have is None:
            return
        for setting, name in settings.items():
            if name and name not in have:
                out.append(f"{setting}: {entity} has no attribute {name!r} (it has: {_hint(have)})")

    need(project, {
        "title_attr": cfg.title_attr, "start_attr": cfg.start_attr, "end_attr": cfg.end_attr,
        "keywords_attr": cfg.keywords_attr, "risk_attribute": cfg.risk_attribute,
    }, model.attributes.get(project))  # fmt: skip
    need(org, {
        "org_name_attr": cfg.org_name_attr, "org_acronym_attr": cfg.org_acronym_attr,
        "org_aliases_attr": cfg.org_aliases_attr, "org_country_attr": cfg.org_country_attr,
        "org_ror_attr": cfg.org_ror_attr, "org_type_attr": cfg.org_type_attr,
    }, model.attributes.get(org))  # fmt: skip
    link_attrs = {
        "partner_link": {"partner_role_attr": cfg.partner_role_attr},
        "funder_link": {
            "funding_amount_attr": cfg.funding_amount_attr,
            "funding_currency_attr": cfg.funding_currency_attr,
            "funding_programme_attr": cfg.funding_programme_attr,
        },
        "unit_link": {},
    }
    for setting, attrs in link_attrs.items():
        name = getattr(cfg, setting)
        if not name:
            continue
        if name not in model.links:
            out.append(
                f"{setting}: no link entity {name!r} (instance has: {_hint(set(model.links))})"
            )
            continue
        left, right, have = model.links[name]
        if {left, right} != {project, org}:
            out.append(f"{setting}: {name!r} links {left} to {right}, not {project} to {org}")
        need(name, attrs, have)
    out += _person_problems(model, cfg)
    for name, spec in cfg.partner_entity_links.items():
        where = f"partner_entity_links[{name}]"
        if name not in model.links:
            have = _hint(set(model.links))
            out.append(f"{where}: no link entity {name!r} (instance has: {have})")
            continue
        left, right, _ = model.links[name]
        if {left, right} != {project, spec.entity}:
            out.append(f"{where}: {name!r} links {left} to {right}, not {project} to {spec.entity}")
        if spec.entity not in model.attributes:
            out.append(f"{where}: no entity {spec.entity!r}")
            continue
        need(spec.entity, {
            f"{where}.name_attr": spec.name_attr, f"{where}.country_attr": spec.country_attr,
            f"{where}.ror_attr": spec.ror_attr,
        }, model.attributes.get(spec.entity))  # fmt: skip
    return out


def _person_problems(model: Model, cfg: ConverisConfig) -> list[str]:
    """member_links lead from the project to cards; card_org_link from those cards to orgs."""
    out: list[str] = []
    project, org = cfg.project_entity, cfg.organisation_entity
    cards: set[str] = set()
    for name in cfg.person_links():
        if name not in model.links:
            out.append(
                f"member_links: no link entity {name!r} (instance has: {_hint(set(model.links))})"
            )
            continue
        left, right, _ = model.links[name]
        if project not in (left, right):
            out.append(f"member_links: {name!r} links {left} to {right}, not {project} to a card")
        cards.add(right if left == project else left)
    link = cfg.card_org_link
    if not cards or not link:
        return out
    if link not in model.links:
        return [
            *out,
            f"card_org_link: no link entity {link!r} (instance has: {_hint(set(model.links))})",
        ]
    left, right, _ = model.links[link]
    if org not in (left, right) or ({left, right} - {org}) - cards:
        out.append(
            f"card_org_link: {link!r} links {left} to {right}, "
            f"not {'/'.join(sorted(cards))} to {org}"
        )
    return out


def unread_org_links(model: Model, cfg: ConverisConfig) -> list[str]:
    """Link types the instance defines between projects and organisations that the settings do
    not name: the scanner reads them too, so a project using one is quarantined as "mapping
    incomplete" instead of losing that organisation silently."""
    ends = {cfg.project_entity, cfg.organisation_entity}
    return sorted(
        name
        for name, (left, right, _) in model.links.items()
        if {left, right} == ends and name not in cfg.links()
    )


def settle_defaults(model: Model, cfg: ConverisConfig) -> None:
    """Leave out the default member links the instance does not define (FAU has two; another
    instance may have one): only a name the settings give must exist."""
    if "member_links" not in cfg.model_fields_set:
        cfg._absent_links = {n for n in cfg.member_links if n not in model.links}


def unread_project_links(model: Model, cfg: ConverisConfig) -> list[tuple[str, str]]:
    """(link type, entity at its other end) of every link type of the project entity that
    the settings neither read nor list in ignored_links: what it links is not screened (a
    link to organisations is read only to quarantine the projects using it)."""
    read = {*cfg.links(), *cfg.person_links(), *cfg.partner_entity_links}
    org_links = set(unread_org_links(model, cfg))
    out = []
    for name, (left, right, _) in sorted(model.links.items()):
        if cfg.project_entity not in (left, right) or name in read:
            continue
        if name in cfg.ignored_links and name not in org_links:
            continue
        out.append((name, right if left == cfg.project_entity else left))
    return out


def unread_lines(model: Model, cfg: ConverisConfig) -> list[str]:
    """One line per link type of unread_project_links, saying what happens to it."""
    org_links = set(unread_org_links(model, cfg))
    return [
        f"link type {name} ({cfg.project_entity} - {other}) is not read: "
        + (
            "a project using it is quarantined (name it in partner_link, funder_link or unit_link)"
            if name in org_links
            else f"its {other} records are not screened (read it with member_links or "
            "partner_entity_links, or list it in ignored_links)"
        )
        for name, other in unread_project_links(model, cfg)
    ]


def check(client: ConverisClient, cfg: ConverisConfig) -> Model:
    model = read_model(client)
    settle_defaults(model, cfg)
    if found := problems(model, cfg):
        where = cfg.base_url
        raise ModelMismatch(
            f"the Converis data model at {where} differs from the adapter configuration "
            "(set the KVRULES_CONVERIS_* names to the instance's):\n  - " + "\n  - ".join(found)
        )
    return model
