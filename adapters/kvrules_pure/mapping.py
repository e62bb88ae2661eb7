"""Pure API JSON -> kvrules canonical model. Pure functions over already-fetched records.

Tolerant by design: unknown typeDiscriminators and missing optional fields are skipped. What
cannot be screened honestly (no title, a partner or funder whose record is missing) raises
MappingError, and the record is quarantined with that reason instead of being half-screened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kvrules import (
    Classification,
    CollaborationEvent,
    Funder,
    Identifier,
    Organisation,
    Partner,
    Person,
    Project,
    ResearchOutput,
    Source,
    Visit,
    parse_timestamp,
)
from kvrules.model import country_code

from .config import PureConfig

Json = dict[str, Any]
SYSTEM = "pure"


class MappingError(Exception):
    """The record cannot be mapped; the message is the quarantine reason."""


@dataclass
class Related:
    """What a record references, fetched: awards (with clusters), external organisations and
    the institution's own organisations (units, from ``/organizations``).

    ``orgs`` and ``units`` map uuid -> record, or the exception that fetching it raised.
    """

    awards: list[Json] = field(default_factory=list)
    orgs: dict[str, Json | Exception] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    units: dict[str, Json | Exception] = field(default_factory=dict)


GONE = (404, 410)


def gone(error: object) -> bool:
    """A fetch failure that will not heal by retrying: the record is deleted or hidden."""
    return getattr(error, "status", None) in GONE


# ---- small readers ----------------------------------------------------------------------
def text(value: Any, locales: list[str]) -> str | None:
    """A localized string map, a {"value": ...} formatted string, or the legacy text[] form."""
    if isinstance(value, str):
        return value.strip() or None
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("text"), list):  # legacy WS: {"text": [{"locale", "value"}]}
        value = {t.get("locale"): t.get("value") for t in value["text"] if isinstance(t, dict)}
    elif "value" in value and not isinstance(value["value"], dict):
        return text(value["value"], locales)
    for loc in locales:
        if isinstance(value.get(loc), str) and value[loc].strip():
            return value[loc].strip()
    return next((v.strip() for v in value.values() if isinstance(v, str) and v.strip()), None)


def uuid_of(ref: Any) -> str | None:
    return ref["uuid"] if isinstance(ref, dict) and isinstance(ref.get("uuid"), str) else None


def items(value: Any) -> list[Json]:
    """A list of objects, ignoring anything else (a null, a stray string)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def uri_tail(ref: Any) -> str | None:
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri.rstrip("/").rsplit("/", 1)[-1] if isinstance(uri, str) and uri else None


def term(ref: Any, locales: list[str]) -> str | None:
    return text(ref.get("term"), locales) if isinstance(ref, dict) else None


def parse_day(value: Any) -> date | None:
    """'2021-01-01', a date-time, or a Pure CompoundDate {year, month?, day?}."""
    try:
        if isinstance(value, str) and value:
            return date.fromisoformat(value[:10])
        if isinstance(value, dict) and isinstance(value.get("year"), int):
            return date(value["year"], value.get("month") or 1, value.get("day") or 1)
    except (ValueError, TypeError, OverflowError):  # e.g. {"year": 2**63}
        return None
    return None


# The adapters' shared timestamp reading (ISO 8601, ``Z``, naive = UTC).
parse_time = parse_timestamp


def occurred_at(rec: Json) -> datetime:
    return (
        parse_time(rec.get("modifiedDate"))
        or parse_time(rec.get("createdDate"))
        or datetime.now(UTC)
    )


def related_digest(
    rec: Json, related: Related, used: Iterable[str], units_used: Iterable[str] = ()
) -> str:
    """Short hash of the versions of everything the mapping read besides the record itself.

    Part of the event id: the same record version with the same related versions gives the
    same id; a changed partner organisation, award or own unit (a renamed department) gives a
    new one.
    """
    parts = [f"{a.get('uuid')}:{a.get('version')}" for a in related.awards]
    for uuid in sorted(set(used)):
        org = related.orgs.get(uuid)
        parts.append(f"{uuid}:{org.get('version') if isinstance(org, dict) else '?'}")
    for uuid in sorted(set(units_used)):
        unit = related.units.get(uuid)
        parts.append(f"unit:{uuid}:{unit.get('version') if isinstance(unit, dict) else '?'}")
    return hashlib.blake2b("|".join(sorted(parts)).encode(), digest_size=4).hexdigest()


def event_id(family: str, rec: Json, digest: str, n: int | None = None) -> str:
    base = f"{SYSTEM}:{rec['uuid']}:v{rec.get('version')}:{digest}"
    base = base if family == "project" else f"{SYSTEM}:{family}:{base[len(SYSTEM) + 1 :]}"
    return base if n is None else f"{base}:{n}"


# ---- references -------------------------------------------------------------------------
def project_org_refs(p: Json) -> list[tuple[str, str | None]]:
    """(uuid, role) of partner organisations in the project, first mention wins the role."""
    out: list[tuple[str, str | None]] = []
    for c in items(p.get("collaborators")):
        if c.get("typeDiscriminator") == "InternalCollaboratorAssociation":
            continue  # our own units are not partners
        uuid = uuid_of(c.get("externalOrganization"))
        if uuid:
            out.append((uuid, "lead-collaborator" if c.get("leadCollaborator") else "collaborator"))
    out += [(u, "partner") for r in items(p.get("externalOrganizations")) if (u := uuid_of(r))]
    for part in items(p.get("participants")):
        out += [(u, "participant") for r in items(part.get("externalOrganizations")) if (u := uuid_of(r))]  # fmt: skip # noqa: E501
    return out


def award_org_refs(award: Json) -> tuple[list[str], list[str]]:
    """(funder uuids, partner uuids) referenced by an award."""
    funders: list[str] = []
    partners = [u for r in items(award.get("externalOrganizations")) if (u := uuid_of(r))]
    for f in items(award.get("fundings")):
        if u := uuid_of(f.get("funder")):
            funders.append(u)
        for fc in items(f.get("fundingCollaborators")):
            if u := uuid_of(fc.get("collaborator")):
                partners.append(u)
    return funders, partners


def award_uuids(clusters: Iterable[Json]) -> list[str]:
    return [u for c in clusters for r in items(c.get("containedAwards")) if (u := uuid_of(r))]


def unit_uuids(rec: Json) -> list[str]:
    """The institution's own units of a project: managing first, then the others, in order."""
    refs = [rec.get("managingOrganization")]
    refs += items(rec.get("organizations")) + items(rec.get("coManagingOrganizations"))
    return list(dict.fromkeys(u for r in refs if (u := uuid_of(r))))


def org_uuids(rec: Json, awards: Iterable[Json] = ()) -> set[str]:
    """Every external organisation uuid a project, output or activity refers to."""
    found = {u for u, _ in project_org_refs(rec)}
    for c in items(rec.get("contributors")):
        found |= {u for r in items(c.get("externalOrganizations")) if (u := uuid_of(r))}
    for v in items(rec.get("visitors")):
        found |= {u for r in items(v.get("externalOrganizations")) if (u := uuid_of(r))}
    for a in awards:
        funders, partners = award_org_refs(a)
        found |= set(funders) | set(partners)
    return found


# ---- organisations ----------------------------------------------------------------------
def organisation_fields(org: Json, related: Related, cfg: PureConfig) -> Json:
    name = text(org.get("name"), cfg.locales)
    if not name:
        raise MappingError(f"external organisation {org.get('uuid')} has no name")
    aliases = [a for a in (org.get("acronym"),) if isinstance(a, str) and a.strip()]
    for alt in org.get("alternativeNames") or []:
        if (t := text(alt, cfg.locales)) and t not in aliases:
            aliases.append(t)
    country = None
    if code := uri_tail((org.get("address") or {}).get("country")):
        try:
            country = country_code(code)
        except ValueError:
            country = None  # an instance-specific country code: leave it to enrichment
    identifiers = []
    for ident in items(org.get("identifiers")):
        value = ident.get("id") or ident.get("value")
        type_uri = (ident.get("type") or {}).get("uri")
        if not isinstance(value, str) or not value.strip():
            continue
        if type_uri in cfg.ror_type_uris:
            bare = value.strip().rstrip("/").rsplit("/", 1)[-1]
            identifiers.append(Identifier(scheme="ror", value=f"https://ror.org/{bare}"))
        elif scheme := uri_tail(ident.get("type")):
            identifiers.append(Identifier(scheme=scheme, value=value.strip()))
    parent = None
    if (parent_uuid := uuid_of(org.get("parent"))) and isinstance(
        parent_rec := related.orgs.get(parent_uuid), dict
    ):
        parent = text(parent_rec.get("name"), cfg.locales)
    types = [t for t in (uri_tail(org.get("type")),) if t]
    return {
        "name": name,
        "aliases": aliases,
        "country": country,
        "identifiers": identifiers,
        "types": types,
        "parent": parent,
    }


def resolve(uuid: str, related: Related, cfg: PureConfig, what: str) -> Json:
    org = related.orgs.get(uuid)
    if not isinstance(org, dict):
        reason = f"{org}" if isinstance(org, Exception) else "not fetched"
        raise MappingError(f"{what} external organisation {uuid}: {reason}")
    return organisation_fields(org, related, cfg)


# ---- keywords -----------------------------------------------------------------------------
def keywords(rec: Json, cfg: PureConfig) -> tuple[list[str], list[Classification]]:
    words: list[str] = []
    classes: list[Classification] = []

    def free(containers: Any) -> None:
        chosen = items(containers)
        preferred = [c for c in chosen if c.get("locale") in cfg.locales] or chosen
        for c in preferred:
            words.extend(w.strip() for w in c.get("freeKeywords") or [] if isinstance(w, str))

    def classification(scheme: str, ref: Any) -> None:
        if isinstance(ref, dict) and isinstance(ref.get("uri"), str):
            classes.append(
                Classification(scheme=scheme, code=ref["uri"], label=term(ref, cfg.locales))
            )

    for g in items(rec.get("keywordGroups")):
        scheme = str(g.get("logicalName") or "keywords")
        if scheme == cfg.risk_group:
            continue  # kvrules' own output: reading it back would make every write a "change"
        kind = g.get("typeDiscriminator")
        if kind == "ClassificationsKeywordGroup":
            for ref in items(g.get("classifications")):
                classification(scheme, ref)
        elif kind == "FreeKeywordsKeywordGroup":
            free(g.get("keywords"))
        elif kind == "FullKeywordGroup" or "keywordContainers" in g:  # legacy shape too
            for c in items(g.get("keywordContainers")):
                classification(scheme, c.get("structuredKeyword"))
                free(c.get("freeKeywords"))
    return list(dict.fromkeys(w for w in words if w)), classes


# ---- projects -------------------------------------------------------------------------------
def _amount(funding: Json) -> tuple[Decimal | None, str | None]:
    for key in ("awardedAmountInAwardedCurrency", "awardedAmount", "estimatedValue"):
        money = funding.get(key)
        if isinstance(money, dict) and money.get("value") is not None:
            try:
                value = Decimal(str(money["value"]))
            except InvalidOperation:
                continue
            currency = money.get("currency")
            return value, currency if isinstance(currency, str) and currency else None
    return None, None


def funders(related: Related, cfg: PureConfig) -> list[Funder]:
    out: list[Funder] = []
    for award in related.awards:
        for f in items(award.get("fundings")):
            uuid = uuid_of(f.get("funder"))
            if uuid is None:
                continue  # an internal funder (internalFunder) is not a screening subject
            fields = resolve(uuid, related, cfg, "funder")
            amount, currency = _amount(f)
            try:
                out.append(
                    Funder(
                        **fields,
                        amount=amount,
                        currency=currency,
                        programme=text(f.get("fundingProjectScheme"), cfg.locales),
                    )
                )
            except ValueError:  # e.g. a currency code pycountry does not know: keep the funder
                out.append(
                    Funder(**fields, programme=text(f.get("fundingProjectScheme"), cfg.locales))
                )
    return out


def partners(p: Json, related: Related, cfg: PureConfig) -> list[Partner]:
    refs = project_org_refs(p)
    for award in related.awards:
        refs += [(u, "award-partner") for u in award_org_refs(award)[1]]
    seen: dict[str, Partner] = {}
    for uuid, role in refs:
        if uuid not in seen:
            seen[uuid] = Partner(**resolve(uuid, related, cfg, "partner"), role=role)
    return list(seen.values())


def participants(p: Json, related: Related, cfg: PureConfig) -> list[Person]:
    people = []
    for part in items(p.get("participants")):
        role = term(part.get("role"), cfg.locales) or uri_tail(part.get("role"))
        affiliations = [
            Organisation(**resolve(u, related, cfg, "participant"))
            for r in items(part.get("externalOrganizations"))
            if (u := uuid_of(r))
        ]
        people.append(Person(role=role, affiliations=affiliations))
    return people


def units(p: Json, related: Related, cfg: PureConfig) -> list[str]:
    """Names of the project's own units (see unit_uuids), de-duplicated, order kept.

    A unit that is gone (404/410) or was not fetched is skipped: units label the project and
    group cases, they are not screening subjects. Any other fetch failure quarantines the
    project, as for partners and awards, so the per-unit funding share is never computed from
    a silently shortened list.
    """
    names: list[str] = []
    for uuid in unit_uuids(p):
        unit = related.units.get(uuid)
        if isinstance(unit, Exception) and not gone(unit):
            raise MappingError(f"unit (organisation) {uuid}: {unit}")
        if isinstance(unit, dict) and (name := text(unit.get("name"), cfg.locales)):
            names.append(name)
    return list(dict.fromkeys(names))


def project(p: Json, related: Related, cfg: PureConfig) -> Project:
    title = text(p.get("title"), cfg.locales)
    if not title:
        raise MappingError("project has no title")
    words, classes = keywords(p, cfg)
    period = p.get("period") if isinstance(p.get("period"), dict) else {}
    return Project(
        id=p["uuid"],
        title=title,
        start=parse_day(period.get("startDate")),
        end=parse_day(period.get("endDate")),
        status="curtailed" if p.get("curtailed") else None,
        units=units(p, related, cfg),
        keywords=words,
        classifications=classes,
        partners=partners(p, related, cfg),
        funders=funders(related, cfg),
        participants=participants(p, related, cfg),
    )


def project_events(
    p: Json, related: Related, cfg: PureConfig, kind: str
) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    proj = project(p, related, cfg)
    used = org_uuids(p, related.awards)
    return [
        CollaborationEvent(
            id=event_id("project", p, related_digest(p, related, used, unit_uuids(p))),
            kind=kind,
            source=Source(system=SYSTEM, record_id=p["uuid"]),
            occurred_at=occurred_at(p),
            project=proj,
        )
    ]


# ---- research outputs and visits -----------------------------------------------------------
def _published_on(o: Json) -> date | None:
    statuses = items(o.get("publicationStatuses"))
    current = [s for s in statuses if s.get("current")] or statuses
    return parse_day(current[0].get("publicationDate")) if current else None


def output_events(o: Json, related: Related, cfg: PureConfig) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    title = text(o.get("title"), cfg.locales)
    if not title:
        raise MappingError("research output has no title")
    used = org_uuids(o) | {u for r in items(o.get("externalOrganizations")) if (u := uuid_of(r))}
    words, classes = keywords(o, cfg)
    affiliations = [Organisation(**resolve(u, related, cfg, "co-author")) for u in sorted(used)]
    output = ResearchOutput(
        id=o["uuid"],
        title=title,
        published_on=_published_on(o),
        keywords=words,
        classifications=classes,
        affiliations=affiliations,
    )
    return [
        CollaborationEvent(
            id=event_id("output", o, related_digest(o, related, used)),
            kind="output.published",
            source=Source(system=SYSTEM, record_id=f"research-outputs/{o['uuid']}"),
            occurred_at=occurred_at(o),
            output=output,
        )
    ]


def is_visit(a: Json, cfg: PureConfig) -> bool:
    uri = (a.get("type") or {}).get("uri") or ""
    return any(a.get("typeDiscriminator") == t or uri.startswith(t) for t in cfg.visit_types)


def visit_events(a: Json, related: Related, cfg: PureConfig) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    used = org_uuids(a)
    digest = related_digest(a, related, used)
    period = a.get("period") if isinstance(a.get("period"), dict) else {}
    words, _ = keywords(a, cfg)
    events = []
    for n, v in enumerate(items(a.get("visitors"))):
        orgs = [
            Organisation(**resolve(u, related, cfg, "visitor"))
            for r in items(v.get("externalOrganizations"))
            if (u := uuid_of(r))
        ]
        visit = Visit(
            id=a["uuid"],
            visitor=Person(role="visitor", affiliations=orgs),
            start=parse_day(period.get("startDate")),
            end=parse_day(period.get("endDate")),
            purpose=text(a.get("title"), cfg.locales) or term(a.get("type"), cfg.locales),
            keywords=words,
        )
        events.append(
            CollaborationEvent(
                id=event_id("activity", a, digest, n),
                kind="visit.requested",
                source=Source(system=SYSTEM, record_id=f"activities/{a['uuid']}"),
                occurred_at=occurred_at(a),
                visit=visit,
            )
        )
    return events
