"""``kvrules fetch --explain`` for Converis: which fields of a project, of its links and of the
organisations they point at the mapping read, and which were present but ignored — so an
administrator sees what their instance holds that kvrules does not look at (issue #15).

Paths: ``attributes[cfTitle]`` (a project attribute), ``proj_has_fund[].attributes[amount]``
(an attribute of a link), ``CARD_has_ORGA[].rightEntity`` (a member's card's organisation),
``Organisation.attributes[rorId]`` (of a linked organisation).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from kvrules import RecordExplanation
from kvrules.http import quote_id

from .client import ConverisClient
from .config import ConverisConfig
from .mapping import LINK_FIELDS, ORGANISATION_FIELDS, PROJECT_FIELDS, Json, Related
from .mapping import attributes_read as named_attributes
from .scan import BASIC


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def _sort(
    rec: Json, prefix: str, fields: Collection[str], attributes: Collection[str]
) -> tuple[set[str], set[str]]:
    """(read, ignored) paths of one record's present fields and attributes."""
    read: set[str] = set()
    ignored: set[str] = set()
    for key, value in rec.items():
        if not _present(value):
            continue
        if key == "attributes" and isinstance(value, list):
            for a in value:
                name = a.get("attributeName") if isinstance(a, dict) else None
                if name and (_present(a.get("value")) or a.get("choiceGroupData")):
                    path = f"{prefix}attributes[{name}]"
                    (read if name in attributes else ignored).add(path)
            continue
        (read if key in fields else ignored).add(prefix + key)
    return read, ignored


def unread_links(
    client: ConverisClient, cfg: ConverisConfig, project_id: int, links: list[tuple[str, str]]
) -> dict[str, list[str]]:
    """Link type -> "<entity> <id>" of what the project reaches through each link type of
    ``links`` (schema.unread_project_links) that the scanner does not read."""
    out: dict[str, list[str]] = {}
    for name, other in links:
        if name in cfg.links():
            continue
        path = f"/data/entities/{quote_id(other)}/linked/{quote_id(name)}/{quote_id(project_id)}"
        found = client.all(path, headers=BASIC)
        if found:
            out[name] = [f"{other} {e.get('id')}" for e in found if isinstance(e, dict)]
    return out


def explain(
    record_id: str,
    rec: Json,
    related: Related,
    cfg: ConverisConfig,
    unread: dict[str, list[str]] | None = None,
) -> RecordExplanation:
    named = named_attributes(cfg)
    read, ignored = _sort(rec, "", PROJECT_FIELDS, named["project"])
    mapped_links = {*cfg.links(), *cfg.person_links(), *cfg.partner_entity_links}
    card_links = {f"{cfg.card_org_link}": [ln for ls in related.cards.values() for ln in ls]}
    for link_name, links in {**related.links, **card_links}.items():
        # A link type the settings do not name is read only to quarantine the project.
        fields = LINK_FIELDS if link_name in mapped_links | set(card_links) else ()
        for link in links:
            got = _sort(link, f"{link_name}[].", fields, named.get(link_name, set()))
            read |= got[0]
            ignored |= got[1]
    for org in related.orgs.values():
        if isinstance(org, dict):
            kind = str(org.get("entityName") or cfg.organisation_entity)
            attrs = named.get(kind, set()) if cfg.partner_entity(kind) else named["organisation"]
            got = _sort(org, f"{kind}.", ORGANISATION_FIELDS, attrs)
            read |= got[0]
            ignored |= got[1]
    # Links of a type the settings neither read nor ignore: what they reach is not screened.
    for name, far in (unread or {}).items():
        ignored.add(f"{name}[] (link type not read: {', '.join(far[:5])})")
    return RecordExplanation(record_id=record_id, read=sorted(read), ignored=sorted(ignored - read))
