"""Converis EntityData -> kvrules canonical model. Pure functions over already-fetched records.

Tolerant of missing optional attributes. What cannot be screened honestly (no title, a partner
or funder whose record is missing or nameless) raises MappingError, and the record is
quarantined with that reason instead of being half-screened.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kvrules import (
    CollaborationEvent,
    Funder,
    Identifier,
    KvrulesError,
    Partner,
    Project,
    Source,
    country_code,
    parse_timestamp,
)

from .config import ConverisConfig

Json = dict[str, Any]
SYSTEM = "converis"


class MappingError(KvrulesError):
    """The record cannot be mapped; the message is the quarantine reason."""


@dataclass
class Related:
    """A project's link entities per link name, and the organisations they point at."""

    links: dict[str, list[Json]] = field(default_factory=dict)
    orgs: dict[int, Json | Exception] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


# ---- attribute readers ------------------------------------------------------------------
def values(rec: Json, name: str | None) -> list[Json]:
    """The attributes called ``name``; attributes of the wrong type are a MappingError."""
    if not name:
        return []
    attributes = rec.get("attributes")
    if attributes is None:
        return []
    where = f"{rec.get('entityName') or 'record'} {rec.get('id')}: attributes"
    if not isinstance(attributes, list):
        raise MappingError(f"{where}: expected a list, got {type(attributes).__name__}")
    for n, a in enumerate(attributes):
        if not isinstance(a, dict):
            raise MappingError(f"{where}[{n}]: expected an object, got {type(a).__name__}")
    return [a for a in attributes if a.get("attributeName") == name]


def _value(a: Json) -> str | None:
    v = a.get("value")
    if v in (None, "") and isinstance(a.get("choiceGroupData"), dict):
        v = a["choiceGroupData"].get("choiceGroupValue")
    return str(v).strip() or None if v is not None else None


def text(rec: Json, name: str | None, languages: list[str]) -> str | None:
    """The value in the first preferred language, else a language-less one, else any."""
    found = [(a.get("language"), v) for a in values(rec, name) if (v := _value(a))]
    for lang in [*languages, None]:
        for got_lang, v in found:
            if got_lang == lang:
                return v
    return found[0][1] if found else None


def all_texts(rec: Json, name: str | None) -> list[str]:
    return [v for a in values(rec, name) if (v := _value(a))]


def cgv_label(rec: Json, name: str | None, languages: list[str]) -> str | None:
    for a in values(rec, name):
        labels = (a.get("choiceGroupData") or {}).get("choiceGroupValueLabels") or []
        by_lang = {x.get("language"): x.get("value") for x in labels if isinstance(x, dict)}
        for lang in languages:
            if by_lang.get(lang):
                return str(by_lang[lang])
    return None


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# The adapters' shared timestamp reading (ISO 8601, ``Z``, naive = UTC).
parse_time = parse_timestamp


def split_words(values_: list[str]) -> list[str]:
    words = [w.strip() for v in values_ for w in re.split(r"[;,\n]", v)]
    return list(dict.fromkeys(w for w in words if w))


def other_id(link: Json, rec_id: int) -> int | None:
    """The id at the far end of a LinkEntityData from ``rec_id``."""
    left, right = link.get("leftEntity") or {}, link.get("rightEntity") or {}
    far = right if left.get("id") == rec_id else left
    return far.get("id") if isinstance(far.get("id"), int) else None


# ---- organisations ------------------------------------------------------------------------
def organisation_fields(org: Json, cfg: ConverisConfig) -> Json:
    name = text(org, cfg.org_name_attr, cfg.languages)
    if not name:
        raise MappingError(f"organisation {org.get('id')} has no name")
    aliases = [a for a in all_texts(org, cfg.org_name_attr) if a != name]
    aliases += all_texts(org, cfg.org_acronym_attr)
    aliases += split_words(all_texts(org, cfg.org_aliases_attr))
    country = None
    for candidate in (
        text(org, cfg.org_country_attr, []),
        cgv_label(org, cfg.org_country_attr, cfg.languages),
    ):
        try:
            country = country_code(candidate) if candidate else None
        except ValueError:
            country = None  # an instance-specific code: try the label, else leave it to enrichment
        if country:
            break
    identifiers = []
    if ror := text(org, cfg.org_ror_attr, []):
        identifiers.append(
            Identifier(scheme="ror", value=f"https://ror.org/{ror.rstrip('/').rsplit('/', 1)[-1]}")
        )
    return {
        "name": name,
        "aliases": list(dict.fromkeys(a for a in aliases if a and a != name)),
        "country": country,
        "identifiers": identifiers,
        "types": [t for t in (text(org, cfg.org_type_attr, []),) if t],
    }


def _org(link: Json, rec_id: int, related: Related, cfg: ConverisConfig, what: str) -> Json:
    oid = other_id(link, rec_id)
    org = related.orgs.get(oid) if oid is not None else None
    if not isinstance(org, dict):
        reason = str(org) if isinstance(org, Exception) else "not fetched"
        raise MappingError(f"{what} organisation {oid}: {reason}")
    return organisation_fields(org, cfg)


def partners(rec: Json, related: Related, cfg: ConverisConfig) -> list[Partner]:
    out: dict[int | None, Partner] = {}
    for link in related.links.get(cfg.partner_link, []):
        oid = other_id(link, rec["id"])
        if oid not in out:
            role = text(link, cfg.partner_role_attr, [])
            out[oid] = Partner(**_org(link, rec["id"], related, cfg, "partner"), role=role)
    return list(out.values())


def funders(rec: Json, related: Related, cfg: ConverisConfig) -> list[Funder]:
    out: list[Funder] = []
    for link in related.links.get(cfg.funder_link or "", []):
        fields = _org(link, rec["id"], related, cfg, "funder")
        programme = text(link, cfg.funding_programme_attr, cfg.languages)
        amount: Decimal | None = None
        try:
            raw = text(link, cfg.funding_amount_attr, [])
            amount = Decimal(raw.replace(",", "")) if raw else None
        except InvalidOperation:
            amount = None
        currency = text(link, cfg.funding_currency_attr, [])
        try:
            out.append(Funder(**fields, amount=amount, currency=currency, programme=programme))
        except ValueError:  # a currency pycountry does not know: keep the funder, drop the money
            out.append(Funder(**fields, programme=programme))
    return out


def units(rec: Json, related: Related, cfg: ConverisConfig) -> list[str]:
    names = []
    for link in related.links.get(cfg.unit_link or "", []):
        org = related.orgs.get(other_id(link, rec["id"]) or -1)
        if isinstance(org, dict) and (name := text(org, cfg.org_name_attr, cfg.languages)):
            names.append(name)  # our own units only label the project: best effort
    return list(dict.fromkeys(names))


# ---- projects ---------------------------------------------------------------------------------
def related_digest(related: Related) -> str:
    """Short hash of the link and organisation versions the mapping read.

    Part of the event id: a partner added or an organisation edited gives a new id even when
    the project's own updatedOn did not move.
    """
    parts = [f"l{ln.get('id')}@{ln.get('updatedOn')}" for ls in related.links.values() for ln in ls]
    parts += [f"o{k}@{v.get('updatedOn')}" for k, v in related.orgs.items() if isinstance(v, dict)]
    return hashlib.blake2b("|".join(sorted(parts)).encode(), digest_size=4).hexdigest()


def project(rec: Json, related: Related, cfg: ConverisConfig) -> Project:
    title = text(rec, cfg.title_attr, cfg.languages)
    if not title:
        raise MappingError(f"project has no {cfg.title_attr}")
    labels = rec.get("statusLabels") or []
    if not isinstance(labels, list) or not all(isinstance(x, dict) for x in labels):
        raise MappingError(f"project {rec.get('id')}: statusLabels: expected a list of objects")
    status = next((x.get("value") for x in labels if x.get("language") in cfg.languages), None)
    return Project(
        id=str(rec["id"]),
        title=title,
        start=parse_day(text(rec, cfg.start_attr, [])),
        end=parse_day(text(rec, cfg.end_attr, [])),
        status=status,
        units=units(rec, related, cfg),
        keywords=split_words(all_texts(rec, cfg.keywords_attr)),
        partners=partners(rec, related, cfg),
        funders=funders(rec, related, cfg),
    )


def project_events(
    rec: Json, related: Related, cfg: ConverisConfig, kind: str
) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    updated = parse_time(rec.get("updatedOn"))
    if updated is None:
        raise MappingError("record without a valid updatedOn")
    proj = project(rec, related, cfg)
    stamp = updated.strftime("%Y%m%dT%H%M%S")
    return [
        CollaborationEvent(
            id=f"{SYSTEM}:{rec['id']}:{stamp}:{related_digest(related)}",
            kind=kind,
            source=Source(system=SYSTEM, record_id=str(rec["id"])),
            occurred_at=updated,
            project=proj,
        )
    ]
