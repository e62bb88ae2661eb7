"""Pure API JSON -> kvrules canonical model. Pure functions over already-fetched records.

Tolerant by design: unknown typeDiscriminators and missing optional fields are skipped. What
cannot be screened honestly (no title, a partner or funder whose record is missing) raises
MappingError, and the record is quarantined with that reason instead of being half-screened.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kvrules import (
    Application,
    Classification,
    CollaborationEvent,
    Funder,
    Identifier,
    KvrulesError,
    Organisation,
    Partner,
    Person,
    Project,
    ResearchOutput,
    Source,
    Visit,
    country_code,
    parse_timestamp,
)

from . import legacy
from .config import PureConfig

Json = dict[str, Any]
SYSTEM = "pure"


class MappingError(KvrulesError):
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
# Each reader takes the field path of what it reads: a value of the wrong type raises
# MappingError naming that path (the record is quarantined), it is never silently dropped.
def json_type(value: Any) -> str:
    """A JSON type name for messages ('object', 'list', 'string', 'number', ...)."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value)) or ("a number" if isinstance(value, int | float) else "null")


def wrong(path: str, expected: str, value: Any) -> MappingError:
    return MappingError(f"{path}: expected {expected}, got {json_type(value)}")


def text(value: Any, locales: list[str], path: str) -> str | None:
    """A localized string map, a {"value": ...} formatted string, or the legacy text[] form."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if not isinstance(value, dict):
        raise wrong(path, "a text or a localized text object", value)
    if isinstance(value.get("text"), list):  # legacy WS: {"text": [{"locale", "value"}]}
        value = {t.get("locale"): t.get("value") for t in items(value["text"], f"{path}.text")}
    elif "value" in value and not isinstance(value["value"], dict):
        return text(value["value"], locales, f"{path}.value")
    for loc in locales:
        if isinstance(value.get(loc), str) and value[loc].strip():
            return value[loc].strip()
    return next((v.strip() for v in value.values() if isinstance(v, str) and v.strip()), None)


def uuid_of(ref: Any, path: str) -> str | None:
    """The uuid of a reference object; None for no reference (null)."""
    if ref is None:
        return None
    if not isinstance(ref, dict):
        raise wrong(path, "a reference object", ref)
    uuid = ref.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        raise wrong(f"{path}.uuid", "a uuid string", uuid)
    return uuid


def items(value: Any, path: str) -> list[Json]:
    """A list of objects; null is an empty list. Anything else is a wrong type."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise wrong(path, "a list", value)
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise wrong(f"{path}[{n}]", "an object", item)
    return value


def uri_tail(ref: Any) -> str | None:
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri.rstrip("/").rsplit("/", 1)[-1] if isinstance(uri, str) and uri else None


def term(ref: Any, locales: list[str], path: str) -> str | None:
    return text(ref.get("term"), locales, f"{path}.term") if isinstance(ref, dict) else None


def parse_day(value: Any, path: str) -> date | None:
    """'2021-01-01', a date-time, or a Pure CompoundDate {year, month?, day?}; null is None."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
        if isinstance(value, dict) and isinstance(value.get("year"), int):
            return date(value["year"], value.get("month") or 1, value.get("day") or 1)
    except (ValueError, TypeError, OverflowError):  # e.g. 2024-13-45, {"year": 2**63}
        pass
    raise MappingError(f"{path}: not a date: {str(value)[:40]!r}")


# The adapters' shared timestamp reading (ISO 8601, ``Z``, naive = UTC).
parse_time = parse_timestamp


# A record's own times: the modified one is the event's time and, in the older API, its version.
RECORD_TIMES = ("createdDate", "modifiedDate")


def check_times(rec: Json) -> None:
    """The record's created and modified times, where it gives them (at the top, or under
    ``info`` in the older API), are date-times: MappingError naming the field otherwise. A
    modified time that is not one would become the record's version and, silently, let the
    created time stand for when it changed."""
    info = rec.get("info")
    for prefix, holder in (("", rec), ("info.", info if isinstance(info, dict) else {})):
        for key in RECORD_TIMES:
            value = holder.get(key)
            if value not in (None, "") and parse_time(value) is None:
                raise MappingError(f"{prefix}{key}: not a date-time: {str(value)[:40]!r}")


def occurred_at(rec: Json) -> datetime:
    check_times(rec)
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


def record_version(rec: Json) -> str:
    """The record's version for the event id: Pure's ``version``, else a hash of the record
    itself (an instance that sends no version must not give every edit the same id)."""
    version = rec.get("version")
    if version is not None and str(version).strip():
        return str(version)
    try:
        body = json.dumps(rec, sort_keys=True, default=str).encode()
    except (RecursionError, ValueError):  # a hostile record nested beyond the encoder
        raise MappingError("record without version, nested too deep to identify") from None
    return "h" + hashlib.blake2b(body, digest_size=6).hexdigest()


def event_id(family: str, rec: Json, digest: str, n: int | None = None) -> str:
    base = f"{SYSTEM}:{rec['uuid']}:v{record_version(rec)}:{digest}"
    base = base if family == "project" else f"{SYSTEM}:{family}:{base[len(SYSTEM) + 1 :]}"
    return base if n is None else f"{base}:{n}"


# ---- references -------------------------------------------------------------------------
def ref_uuids(refs: Any, path: str) -> list[str]:
    """The uuids of a list of reference objects (each must carry one)."""
    out = []
    for n, ref in enumerate(items(refs, path)):
        if uuid := uuid_of(ref, f"{path}[{n}]"):
            out.append(uuid)
    return out


def project_org_refs(p: Json) -> list[tuple[str, str | None]]:
    """(uuid, role) of partner organisations in the project, first mention wins the role."""
    out: list[tuple[str, str | None]] = []
    for n, c in enumerate(items(p.get("collaborators"), "collaborators")):
        if c.get("typeDiscriminator") == "InternalCollaboratorAssociation":
            continue  # our own units are not partners
        uuid = uuid_of(c.get("externalOrganization"), f"collaborators[{n}].externalOrganization")
        if uuid:
            out.append((uuid, "lead-collaborator" if c.get("leadCollaborator") else "collaborator"))
    partners = ref_uuids(p.get("externalOrganizations"), "externalOrganizations")
    out += [(u, "partner") for u in partners]
    for n, part in enumerate(items(p.get("participants"), "participants")):
        path = f"participants[{n}].externalOrganizations"
        out += [(u, "participant") for u in ref_uuids(part.get("externalOrganizations"), path)]
    for n, applicant in enumerate(items(p.get("applicants"), "applicants")):  # applications
        path = f"applicants[{n}].externalOrganizations"
        out += [(u, "applicant") for u in ref_uuids(applicant.get("externalOrganizations"), path)]
    return out


def is_own_unit(association: Json, ref_key: str) -> bool:
    """An Internal*Association (typeDiscriminator) or a reference to an Organization: the
    institution's own unit, never a partner (the spec lets collaborators be either)."""
    kind = association.get("typeDiscriminator")
    ref = association.get(ref_key)
    system = ref.get("systemName") if isinstance(ref, dict) else None
    return (isinstance(kind, str) and "Internal" in kind) or system == "Organization"


def award_org_refs(award: Json, label: str = "award") -> tuple[list[str], list[str]]:
    """(funder uuids, partner uuids) referenced by an award: its external organisations, its
    external collaborators and funding collaborators, the affiliations of its award holders.
    An application has the same shape (``label`` names it in messages)."""
    where = f"{label} {award.get('uuid')}"
    funders: list[str] = []
    partners = ref_uuids(award.get("externalOrganizations"), f"{where}: externalOrganizations")
    for n, c in enumerate(items(award.get("collaborators"), f"{where}: collaborators")):
        if not is_own_unit(c, "externalOrganization"):
            path = f"{where}: collaborators[{n}].externalOrganization"
            partners += [u for u in [uuid_of(c.get("externalOrganization"), path)] if u]
    for n, h in enumerate(items(award.get("awardHolders"), f"{where}: awardHolders")):
        path = f"{where}: awardHolders[{n}].externalOrganizations"
        partners += ref_uuids(h.get("externalOrganizations"), path)
    for n, f in enumerate(items(award.get("fundings"), f"{where}: fundings")):
        if u := uuid_of(f.get("funder"), f"{where}: fundings[{n}].funder"):
            funders.append(u)
        path = f"{where}: fundings[{n}].fundingCollaborators"
        for m, fc in enumerate(items(f.get("fundingCollaborators"), path)):
            if is_own_unit(fc, "collaborator"):
                continue  # *Internal*FundingCollaboratorAssociation: one of our units
            if u := uuid_of(fc.get("collaborator"), f"{path}[{m}].collaborator"):
                partners.append(u)
    return funders, partners


# ---- no silent loss ------------------------------------------------------------------------
# Keys under which the spec (both APIs) puts references to external organisations.
EXTERNAL_KEY = re.compile(r"^external[Oo]rgani[sz]ation(s|Ref)?$")


def _is_external_ref(key: str, value: Json) -> bool:
    if not isinstance(value.get("uuid"), str):
        return False
    system = value.get("systemName")
    if system is not None:
        return system == "ExternalOrganization"
    link = value.get("link")
    href = link.get("href") if isinstance(link, dict) else None
    return bool(EXTERNAL_KEY.match(key)) or (isinstance(href, str) and "/external-organi" in href)


# What external_refs walks into (a tuple: isinstance is quicker with one than with a union).
CONTAINERS = (dict, list)


def external_refs(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(field path, uuid) of every external organisation referenced anywhere below ``value``,
    whatever the field is called: the check that nothing the mapping does not read is lost.
    Iterative, so a hostile record nested 100,000 deep is no RecursionError. Only objects and
    lists are stacked (with their paths): a text or a number names nothing, and spelling out a
    path for each of them was most of the walk's cost."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str, str]] = [(value, path, "")]  # (value, its path, its field)
    while stack:
        here, where, key = stack.pop()
        if isinstance(here, dict):
            if where and _is_external_ref(key, here):
                found.append((where, here["uuid"]))
                continue
            children = [
                (child, f"{where}.{k}" if where else k, k)
                for k, child in here.items()
                # an organisation's parent is read with the organisation
                if isinstance(child, CONTAINERS) and k != "parent"
            ]
        elif isinstance(here, list):
            children = [
                (item, f"{where}[{n}]", key)
                for n, item in enumerate(here)
                if isinstance(item, CONTAINERS)
            ]
        else:
            continue
        children.reverse()  # popped in the record's order
        stack += children
    return found


def check_complete(refs: Iterable[tuple[str, str]], read: set[str]) -> None:
    """Quarantine a record that references an external organisation the mapping did not read
    (a variant or a field it does not know): an event without it would look complete."""
    missed = [(path, uuid) for path, uuid in refs if uuid not in read]
    if missed:
        shown = "; ".join(f"{p} (external organisation {u})" for p, u in missed[:3])
        more = f" and {len(missed) - 3} more" if len(missed) > 3 else ""
        raise MappingError(f"mapping incomplete: {shown}{more} not read by the mapping")


def award_uuids(clusters: Iterable[Json]) -> list[str]:
    return [
        u
        for c in clusters
        for u in ref_uuids(c.get("containedAwards"), f"cluster {c.get('uuid')}: containedAwards")
    ]


def unit_uuids(rec: Json) -> list[str]:
    """The institution's own units of a project: managing first, then the others, in order."""
    found = [uuid_of(rec.get("managingOrganization"), "managingOrganization")]
    found += ref_uuids(rec.get("organizations"), "organizations")
    found += ref_uuids(rec.get("coManagingOrganizations"), "coManagingOrganizations")
    return list(dict.fromkeys(u for u in found if u))


def funding_units(awards: Iterable[Json]) -> list[str]:
    """The institution's own units among the awards' funding collaborators (the spec's
    *Internal*FundingCollaboratorAssociation): units co-funding the project."""
    found: list[str] = []
    for award in awards:
        where = f"award {award.get('uuid')}: fundings"
        for n, f in enumerate(items(award.get("fundings"), where)):
            path = f"{where}[{n}].fundingCollaborators"
            for m, fc in enumerate(items(f.get("fundingCollaborators"), path)):
                if is_own_unit(fc, "collaborator"):
                    found += [u for u in [uuid_of(fc.get("collaborator"), f"{path}[{m}]")] if u]
    return found


def project_units(rec: Json, awards: Iterable[Json] = ()) -> list[str]:
    """Every own unit of a project: its own (unit_uuids), then those co-funding it."""
    return list(dict.fromkeys([*unit_uuids(rec), *funding_units(awards)]))


def org_uuids(rec: Json, awards: Iterable[Json] = ()) -> set[str]:
    """Every external organisation uuid a project, output or activity refers to."""
    found = {u for u, _ in project_org_refs(rec)}
    for name in ("contributors", "visitors"):
        for n, c in enumerate(items(rec.get(name), name)):
            path = f"{name}[{n}].externalOrganizations"
            found |= set(ref_uuids(c.get("externalOrganizations"), path))
    for a in awards:
        funders, partners = award_org_refs(a)
        found |= set(funders) | set(partners)
    return found


# ---- organisations ----------------------------------------------------------------------
def obj(value: Any, path: str) -> Json:
    """An object; null is an empty one. Anything else is a wrong type."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise wrong(path, "an object", value)
    return value


def organisation_fields(org: Json, related: Related, cfg: PureConfig) -> Json:
    org = legacy.to_current(org)
    where = f"external organisation {org.get('uuid')}"
    name = text(org.get("name"), cfg.locales, f"{where}: name")
    if not name:
        raise MappingError(f"{where} has no name")
    aliases = [a for a in (text(org.get("acronym"), cfg.locales, f"{where}: acronym"),) if a]
    alternatives = org.get("alternativeNames") or []
    if not isinstance(alternatives, list):
        raise wrong(f"{where}: alternativeNames", "a list", alternatives)
    for n, alt in enumerate(alternatives):  # texts or localized texts
        if (t := text(alt, cfg.locales, f"{where}: alternativeNames[{n}]")) and t not in aliases:
            aliases.append(t)
    country = None
    if code := uri_tail(obj(org.get("address"), f"{where}: address").get("country")):
        try:
            country = country_code(code)
        except ValueError:
            country = None  # an instance-specific country code: leave it to enrichment
    identifiers = [
        ident
        for n, raw in enumerate(items(org.get("identifiers"), f"{where}: identifiers"))
        if (ident := identifier(raw, cfg, f"{where}: identifiers[{n}]"))
    ]
    parent = None
    if (parent_uuid := uuid_of(org.get("parent"), f"{where}: parent")) and isinstance(
        parent_rec := related.orgs.get(parent_uuid), dict
    ):
        parent = text(parent_rec.get("name"), cfg.locales, f"{where}: parent name")
    types = [t for t in (uri_tail(org.get("type")),) if t]
    return {
        "name": name,
        "aliases": aliases,
        "country": country,
        "identifiers": identifiers,
        "types": types,
        "parent": parent,
    }


def identifier(ident: Json, cfg: PureConfig, path: str) -> Identifier | None:
    """One of the spec's Identifier variants: ClassifiedId {id, type} (a ROR id when its type
    is one of ``ror_type_uris``), PrimaryId and Id {idSource, value} (e.g. a Scopus
    affiliation id). None for an empty value; a variant without a scheme is an error, so an
    identifier is never dropped without a word."""
    key = "id" if "id" in ident else "value"
    value = ident.get(key)
    if value is not None and not isinstance(value, str):
        raise wrong(f"{path}.{key}", "a string", value)
    if not value or not value.strip():
        return None
    value = value.strip()
    if "idSource" in ident:  # PrimaryId, Id
        source = ident.get("idSource")
        if not isinstance(source, str) or not source.strip():
            raise wrong(f"{path}.idSource", "a source name", source)
        return Identifier(scheme=source.strip(), value=value)
    type_uri = obj(ident.get("type"), f"{path}.type").get("uri")
    if type_uri in cfg.ror_type_uris:
        bare = value.rstrip("/").rsplit("/", 1)[-1]
        return Identifier(scheme="ror", value=f"https://ror.org/{bare}")
    if scheme := uri_tail(ident.get("type")):
        return Identifier(scheme=scheme, value=value)
    raise MappingError(f"{path}: an identifier without type or idSource: {value[:40]!r}")


def resolve(
    uuid: str, related: Related, cfg: PureConfig, what: str, where: str | None = None
) -> Json:
    """The organisation's fields; MappingError naming it (and ``where``: the field the record
    names it in, when that says more than ``what``) when it could not be fetched."""
    org = related.orgs.get(uuid)
    if not isinstance(org, dict):
        reason = f"{org}" if isinstance(org, Exception) else "not fetched"
        at = f" named at {where}" if where else ""
        raise MappingError(f"{what} external organisation {uuid}{at}: {reason}")
    return organisation_fields(org, related, cfg)


# ---- keywords -----------------------------------------------------------------------------
def keywords(rec: Json, cfg: PureConfig) -> tuple[list[str], list[Classification]]:
    words: list[str] = []
    classes: list[Classification] = []

    def free(containers: Any, path: str) -> None:
        chosen = list(enumerate(items(containers, path)))
        preferred = [(n, c) for n, c in chosen if c.get("locale") in cfg.locales] or chosen
        for n, c in preferred:
            for m, w in enumerate(c.get("freeKeywords") or []):
                if not isinstance(w, str):
                    raise wrong(f"{path}[{n}].freeKeywords[{m}]", "a string", w)
                words.append(w.strip())

    def classification(scheme: str, ref: Any, path: str) -> None:
        if ref is None:
            return
        uri = obj(ref, path).get("uri")
        if not isinstance(uri, str):
            raise wrong(f"{path}.uri", "a string", uri)
        classes.append(Classification(scheme=scheme, code=uri, label=term(ref, cfg.locales, path)))

    for n, g in enumerate(items(rec.get("keywordGroups"), "keywordGroups")):
        path = f"keywordGroups[{n}]"
        scheme = str(g.get("logicalName") or "keywords")
        if scheme == cfg.risk_group:
            continue  # kvrules' own output: reading it back would make every write a "change"
        kind = g.get("typeDiscriminator")
        if kind == "ClassificationsKeywordGroup":
            for m, ref in enumerate(items(g.get("classifications"), f"{path}.classifications")):
                classification(scheme, ref, f"{path}.classifications[{m}]")
        elif kind == "FreeKeywordsKeywordGroup":
            free(g.get("keywords"), f"{path}.keywords")
        elif kind == "FullKeywordGroup" or "keywordContainers" in g:  # legacy shape too
            for m, c in enumerate(items(g.get("keywordContainers"), f"{path}.keywordContainers")):
                where = f"{path}.keywordContainers[{m}]"
                classification(scheme, c.get("structuredKeyword"), f"{where}.structuredKeyword")
                free(c.get("freeKeywords"), f"{where}.freeKeywords")
        elif kind is not None and any(  # a variant a newer Pure adds, with keywords to lose
            v not in (None, "", [], {}) for k, v in g.items() if k not in GROUP_LABELS
        ):
            raise MappingError(f"mapping incomplete: {path}: keyword group type {kind!r} unknown")
    return list(dict.fromkeys(w for w in words if w)), classes


# The spec's KeywordGroup and Identifier variants the readers above handle (a test compares
# them with both specs' discriminators, so a new variant is noticed).
KEYWORD_GROUPS = {"ClassificationsKeywordGroup", "FreeKeywordsKeywordGroup", "FullKeywordGroup"}
IDENTIFIERS = {"ClassifiedId", "PrimaryId", "Id"}
# What a keyword group says about itself, not keywords: a group of an unknown type holding only
# these loses nothing.
GROUP_LABELS = {"typeDiscriminator", "logicalName", "pureId", "type", "name"}


# ---- projects -------------------------------------------------------------------------------
# Where a funding's money is, in order of preference: in the funder's currency first. Awards
# say what was awarded, applications what was applied for; non-financial ones an estimate.
# CurrencyAmount.value's format in the Pure 5.35 document (^-?[0-9]+(\.[0-9]+)?$).
DECIMAL_VALUE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
AMOUNT_KEYS = (
    "awardedAmountInAwardedCurrency",
    "awardedAmount",
    "appliedAmountInAppliedCurrency",
    "appliedAmount",
    "estimatedValue",
)


def _amount(funding: Json, path: str) -> tuple[Decimal | None, str | None]:
    """The funding's amount and currency; a value that is not a finite number is a wrong
    type (it would otherwise vanish from the funding shares without a word)."""
    for key in AMOUNT_KEYS:
        money = obj(funding.get(key), f"{path}.{key}")
        value = money.get("value")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise wrong(f"{path}.{key}.value", "a number", value)
        where, shown = f"{path}.{key}.value", repr(str(value)[:40])
        if isinstance(value, str) and not DECIMAL_VALUE.fullmatch(value):
            # The spec's own format (W3C Payment Request): no exponent, no grouping, "." as
            # the decimal point. Anything else ("3e5", "1,000") would be read one way of two.
            raise MappingError(f"{where}: not a finite number: {shown}")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise MappingError(f"{where}: not a finite number: {shown}")
        if amount < 0:  # money awarded or applied for; a negative one is a typing error
            raise MappingError(f"{where}: amount {shown} is negative")
        currency = money.get("currency")
        if currency is not None and not isinstance(currency, str):
            raise wrong(f"{path}.{key}.currency", "a currency code", currency)
        return amount, currency or None
    return None, None


def funders(related: Related, cfg: PureConfig, label: str = "award") -> list[Funder]:
    out: list[Funder] = []
    for award in related.awards:
        where = f"{label} {award.get('uuid')}: fundings"
        for n, f in enumerate(items(award.get("fundings"), where)):
            uuid = uuid_of(f.get("funder"), f"{where}[{n}].funder")
            if uuid is None:
                continue  # an internal funder (internalFunder) is not a screening subject
            fields = resolve(uuid, related, cfg, "funder")
            amount, currency = _amount(f, f"{where}[{n}]")
            scheme = f.get("fundingProjectScheme")
            programme = text(scheme, cfg.locales, f"{where}[{n}].fundingProjectScheme")
            try:
                out.append(Funder(**fields, amount=amount, currency=currency, programme=programme))
            except ValueError:  # e.g. a currency code pycountry does not know: keep the funder
                out.append(Funder(**fields, programme=programme))
    return out


def partners(p: Json, related: Related, cfg: PureConfig, label: str = "award") -> list[Partner]:
    refs = project_org_refs(p)
    for award in related.awards:
        refs += [(u, f"{label}-partner") for u in award_org_refs(award, label)[1]]
    seen: dict[str, Partner] = {}
    for uuid, role in refs:
        if uuid not in seen:
            seen[uuid] = Partner(**resolve(uuid, related, cfg, "partner"), role=role)
    return list(seen.values())


def participants(p: Json, related: Related, cfg: PureConfig) -> list[Person]:
    people = []
    for n, part in enumerate(items(p.get("participants"), "participants")):
        path = f"participants[{n}]"
        role = term(part.get("role"), cfg.locales, f"{path}.role") or uri_tail(part.get("role"))
        refs = ref_uuids(part.get("externalOrganizations"), f"{path}.externalOrganizations")
        affiliations = [Organisation(**resolve(u, related, cfg, "participant")) for u in refs]
        name = person_name(part.get("name"), f"{path}.name")
        people.append(Person(role=role, affiliations=affiliations, display_name=name))
    return people


def person_name(value: Any, path: str) -> str | None:
    """'Jane Doe' from Pure's {firstName, lastName}: how a case names whose project it is."""
    name = obj(value, path)
    parts = [name.get("firstName"), name.get("lastName")]
    for key, part in zip(("firstName", "lastName"), parts, strict=True):
        if part is not None and not isinstance(part, str):
            raise wrong(f"{path}.{key}", "a text", part)
    return " ".join(p.strip() for p in parts if p and p.strip()) or None


def units(p: Json, related: Related, cfg: PureConfig) -> list[str]:
    """Names of the project's own units (see project_units: its managing and other units,
    then the units co-funding it), de-duplicated, order kept.

    A unit that is gone (404/410) or was not fetched is skipped: units label the project and
    group cases, they are not screening subjects. Any other fetch failure quarantines the
    project, as for partners and awards, so the per-unit funding share is never computed from
    a silently shortened list.
    """
    names: list[str] = []
    for uuid in project_units(p, related.awards):
        unit = related.units.get(uuid)
        if isinstance(unit, Exception) and not gone(unit):
            raise MappingError(f"unit (organisation) {uuid}: {unit}")
        if isinstance(unit, dict) and (
            name := text(unit.get("name"), cfg.locales, f"unit (organisation) {uuid}: name")
        ):
            names.append(name)
    return list(dict.fromkeys(names))


def applications(awards: Iterable[Json]) -> list[str]:
    """Record ids of the funding applications the awards came from (``Award.applications``)."""
    return list(
        dict.fromkeys(
            APPLICATION_PREFIX + u
            for a in awards
            for u in ref_uuids(a.get("applications"), f"award {a.get('uuid')}: applications")
        )
    )


def project(
    p: Json, related: Related, cfg: PureConfig, *, what: str = "project", period_key: str = "period"
) -> Project:
    """The project, or what an application proposes (``what="application"``: it is its own
    "award", ``related.awards == [p]``, and its period is the expected one)."""
    title = text(p.get("title"), cfg.locales, "title")
    if not title:
        raise MappingError(f"{what} has no title")
    words, classes = keywords(p, cfg)
    period = obj(p.get(period_key), period_key)
    label = "award" if what == "project" else what
    return Project(
        id=p["uuid"],
        title=title,
        start=parse_day(period.get("startDate"), f"{period_key}.startDate"),
        end=parse_day(period.get("endDate"), f"{period_key}.endDate"),
        status="curtailed" if p.get("curtailed") else None,
        units=units(p, related, cfg),
        keywords=words,
        classifications=classes,
        partners=partners(p, related, cfg, label),
        funders=funders(related, cfg, label),
        participants=participants(p, related, cfg),
        applications=applications(related.awards) if what == "project" else [],
    )


def project_events(
    p: Json, related: Related, cfg: PureConfig, kind: str
) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    p = legacy.to_current(p)
    proj = project(p, related, cfg)
    used = org_uuids(p, related.awards)
    refs = external_refs(p)
    for a in related.awards:
        refs += external_refs(a, f"award {a.get('uuid')}")
    check_complete(refs, used)
    return [
        CollaborationEvent(
            id=event_id(
                "project", p, related_digest(p, related, used, project_units(p, related.awards))
            ),
            kind=kind,
            source=Source(system=SYSTEM, record_id=p["uuid"]),
            occurred_at=occurred_at(p),
            project=proj,
        )
    ]


# ---- funding applications -------------------------------------------------------------------
APPLICATION_PREFIX = "applications/"  # an application's record id: applications/{uuid}
# AwardManagementApplication: the date that says where the application stands, latest first.
STATUS_DATES = (
    ("awardDate", "awarded"),
    ("rejectedDate", "rejected"),
    ("submissionDate", "submitted"),
)


def application_status(a: Json, cfg: PureConfig) -> str | None:
    """Where the application stands with the funder: the current of BasicApplication's
    ``applicationStatuses`` (its classification's last URI segment), else the latest of
    AwardManagementApplication's dates."""
    statuses = items(a.get("applicationStatuses"), "applicationStatuses")
    current = [s for s in statuses if s.get("current")] or statuses[-1:]
    if current:
        n = statuses.index(current[0])
        status = current[0].get("status")
        path = f"applicationStatuses[{n}].status"
        return uri_tail(obj(status, path)) or term(status, cfg.locales, path)
    for key, status in STATUS_DATES:
        if parse_day(a.get(key), key) is not None:
            return status
    return None


def application_events(
    a: Json, related: Related, cfg: PureConfig, kind: str
) -> list[CollaborationEvent]:
    """A funding application: what it proposes as ``project`` (its fundings are read like an
    award's: funders with the amounts applied for, funding collaborators as partners)."""
    if related.errors:
        raise MappingError("; ".join(related.errors))
    own = Related(awards=[a], orgs=related.orgs, units=related.units)
    proposal = project(a, own, cfg, what="application", period_key="expectedPeriod")
    used = org_uuids(a, [a])
    check_complete(external_refs(a), used)
    submitted = parse_day(a.get("submissionDate"), "submissionDate") or parse_day(
        a.get("applicationDate"), "applicationDate"
    )
    workflow = obj(a.get("workflow"), "workflow").get("step")
    application = Application(
        id=a["uuid"],
        status=application_status(a, cfg),
        workflow_step=workflow if isinstance(workflow, str) else None,
        submitted_on=submitted,
        awards=ref_uuids(a.get("awards"), "awards"),
    )
    return [
        CollaborationEvent(
            id=event_id("application", a, related_digest(a, related, used, project_units(a, [a]))),
            kind=kind,
            source=Source(system=SYSTEM, record_id=APPLICATION_PREFIX + a["uuid"]),
            occurred_at=occurred_at(a),
            project=proposal,
            application=application,
        )
    ]


# ---- research outputs and visits -----------------------------------------------------------
def _published_on(o: Json) -> date | None:
    statuses = items(o.get("publicationStatuses"), "publicationStatuses")
    current = [s for s in statuses if s.get("current")] or statuses
    if not current:
        return None
    path = f"publicationStatuses[{statuses.index(current[0])}].publicationDate"
    return parse_day(current[0].get("publicationDate"), path)


def output_events(o: Json, related: Related, cfg: PureConfig) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    o = legacy.to_current(o)
    title = text(o.get("title"), cfg.locales, "title")
    if not title:
        raise MappingError("research output has no title")
    # Every external organisation an output names is an affiliation of it, whatever the field
    # (contributors, commissioning body, sponsors, funding details, the older API's names).
    named_at: dict[str, str] = {}
    for path, uuid in external_refs(o):  # the first field naming each, wherever it is
        named_at.setdefault(uuid, path)
    used = org_uuids(o) | set(named_at)
    words, classes = keywords(o, cfg)
    affiliations = [
        Organisation(**resolve(u, related, cfg, "co-author", named_at.get(u))) for u in sorted(used)
    ]
    output = ResearchOutput(
        id=o["uuid"],
        title=title,
        published_on=_published_on(o),
        url=portal_url(o),
        keywords=words,
        classifications=classes,
        affiliations=affiliations,
        units=output_units(o, related, cfg),
        authors=internal_authors(o, cfg),
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


def output_units(o: Json, related: Related, cfg: PureConfig) -> list[str]:
    """Names of the output's own units, its managing unit first: as fetched from the units
    collection, else as its reference names it (the 524 API's references carry the name).
    Units label the output's case; one that cannot be named is left out, never quarantining
    the output (its co-authors' organisations are what is screened)."""
    refs = {
        u: ref
        for key in ("managingOrganization", "organizations")
        for ref in ([o.get(key)] if key == "managingOrganization" else o.get(key) or [])
        if isinstance(ref, dict) and isinstance(u := ref.get("uuid"), str)
    }
    names: list[str] = []
    for uuid in unit_uuids(o):
        unit = related.units.get(uuid)
        name = None
        if isinstance(unit, dict):
            name = text(unit.get("name"), cfg.locales, f"unit (organisation) {uuid}: name")
        if name is None and (ref := refs.get(uuid)) is not None:
            name = text(ref.get("name"), cfg.locales, f"unit (organisation) {uuid}: name")
        if name:
            names.append(name)
    return list(dict.fromkeys(names))


INTERNAL_CONTRIBUTOR = "InternalContributorAssociation"


def internal_authors(o: Json, cfg: PureConfig) -> list[Person]:
    """The output's contributors who are the institution's own people (an internal person:
    ``person``, not ``externalPerson``), each with the name and role Pure gives them."""
    people = []
    for n, c in enumerate(items(o.get("contributors"), "contributors")):
        internal = c.get("typeDiscriminator") == INTERNAL_CONTRIBUTOR or isinstance(
            c.get("person"), dict
        )
        if not internal:
            continue
        path = f"contributors[{n}]"
        name = person_name(c.get("name"), f"{path}.name")
        role = term(c.get("role"), cfg.locales, f"{path}.role") or uri_tail(c.get("role"))
        if name:
            people.append(Person(role=role, display_name=name))
    return people


def portal_url(rec: Json) -> str | None:
    """The record's own page in Pure's portal (``portalUrl``; the older API's ``info``), when
    it is a web address: a case about it links there unless ris_url names a pattern for it.
    Anything else is not linked (a link in an alert must not be a javascript: or file: URL)."""
    url = rec.get("portalUrl")
    return url.strip() if isinstance(url, str) and WEB_ADDRESS.match(url.strip()) else None


WEB_ADDRESS = re.compile(r"https?://[^\s/]+")


def is_visit(a: Json, cfg: PureConfig) -> bool:
    uri = a.get("type", {}).get("uri") if isinstance(a.get("type"), dict) else None
    uri = uri if isinstance(uri, str) else ""
    return any(a.get("typeDiscriminator") == t or uri.startswith(t) for t in cfg.visit_types)


def visit_events(a: Json, related: Related, cfg: PureConfig) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    a = legacy.to_current(a)
    used = org_uuids(a)
    # A visit event names the visitors' organisations only: one named elsewhere on the
    # activity (its externalOrganizations, persons) would be lost, so the record is held.
    visitors_orgs = {u for p, u in external_refs(a) if p.startswith("visitors[")}
    check_complete(external_refs(a), visitors_orgs)
    digest = related_digest(a, related, used)
    period = obj(a.get("period"), "period")
    start = parse_day(period.get("startDate"), "period.startDate")
    end = parse_day(period.get("endDate"), "period.endDate")
    purpose = text(a.get("title"), cfg.locales, "title") or term(a.get("type"), cfg.locales, "type")
    words, _ = keywords(a, cfg)
    events = []
    for n, v in enumerate(items(a.get("visitors"), "visitors")):
        refs = ref_uuids(v.get("externalOrganizations"), f"visitors[{n}].externalOrganizations")
        orgs = [Organisation(**resolve(u, related, cfg, "visitor")) for u in refs]
        visit = Visit(
            id=a["uuid"],
            visitor=Person(role="visitor", affiliations=orgs),
            start=start,
            end=end,
            purpose=purpose,
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


# ---- what the mapping reads --------------------------------------------------------------
# Field paths each family's mapping reads ("[]": any list item; a path covers what is below
# it). `kvrules fetch --explain` reports against them, and tests check every one exists in
# both specs (tests/test_spec_paths.py). Keep in step with the readers above.
COMMON_READS = ("uuid", "version", "modifiedDate", "createdDate", "title", "keywordGroups")
READS = {
    "project": (
        *COMMON_READS,
        "period.startDate",
        "period.endDate",
        "curtailed",
        "managingOrganization",
        "organizations",
        "coManagingOrganizations",
        "collaborators[].typeDiscriminator",
        "collaborators[].externalOrganization",
        "collaborators[].leadCollaborator",
        "externalOrganizations",
        "participants[].externalOrganizations",
        "participants[].role",
        "participants[].name.firstName",
        "participants[].name.lastName",
        "awardClusters",
    ),
    "output": (
        *COMMON_READS,
        "portalUrl",
        "publicationStatuses[].current",
        "publicationStatuses[].publicationDate",
        "contributors[].externalOrganizations",
        "contributors[].typeDiscriminator",
        "contributors[].person",
        "contributors[].name.firstName",
        "contributors[].name.lastName",
        "contributors[].role",
        "managingOrganization",
        "organizations",
        "externalOrganizations",
    ),
    "activity": (
        *COMMON_READS,
        "typeDiscriminator",
        "type",
        "period.startDate",
        "period.endDate",
        "visitors[].externalOrganizations",
    ),
    "application": (
        *COMMON_READS,
        "expectedPeriod.startDate",
        "expectedPeriod.endDate",
        "managingOrganization",
        "organizations",
        "coManagingOrganizations",
        "applicants[].externalOrganizations",
        "collaborators[].typeDiscriminator",
        "collaborators[].externalOrganization",
        "collaborators[].leadCollaborator",
        "externalOrganizations",
        "fundings[].funder",
        "fundings[].fundingProjectScheme",
        "fundings[].appliedAmountInAppliedCurrency",
        "fundings[].appliedAmount",
        "fundings[].estimatedValue",
        "fundings[].fundingCollaborators[].typeDiscriminator",
        "fundings[].fundingCollaborators[].collaborator",
        "applicationStatuses[].current",
        "applicationStatuses[].status",
        "awardDate",
        "rejectedDate",
        "submissionDate",
        "applicationDate",
        "workflow.step",
        "awards",
    ),
    # Related records, fetched for the ones above.
    "award": (
        "uuid",
        "version",
        "applications",
        "externalOrganizations",
        "collaborators[].typeDiscriminator",
        "collaborators[].externalOrganization",
        "awardHolders[].externalOrganizations",
        "fundings[].funder",
        "fundings[].fundingProjectScheme",
        "fundings[].awardedAmountInAwardedCurrency",
        "fundings[].awardedAmount",
        "fundings[].estimatedValue",
        "fundings[].fundingCollaborators[].typeDiscriminator",
        "fundings[].fundingCollaborators[].collaborator",
    ),
    "external_organisation": (
        "uuid",
        "version",
        "name",
        "acronym",
        "alternativeNames",
        "address.country",
        "identifiers",
        "type",
        "parent",
    ),
    "unit": ("uuid", "version", "name"),
    "award_cluster": ("uuid", "containedAwards"),
}
