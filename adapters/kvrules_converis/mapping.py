"""Converis EntityData -> kvrules canonical model. Pure functions over already-fetched records.

Tolerant of missing optional attributes. What cannot be screened honestly (no title, a partner
or funder whose record is missing or nameless) raises MappingError, and the record is
quarantined with that reason instead of being half-screened.
"""

from __future__ import annotations

import gettext
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pycountry

from kvrules import (
    CollaborationEvent,
    Funder,
    Identifier,
    KvrulesError,
    Organisation,
    Partner,
    Person,
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
    """A project's link entities per link name (organisation and member links), its members'
    cards' links to their organisations (card id -> card_org_link entities), and every
    organisation those point at."""

    links: dict[str, list[Json]] = field(default_factory=dict)
    orgs: dict[int, Json | Exception] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cards: dict[int, list[Json]] = field(default_factory=dict)


# ---- attribute readers ------------------------------------------------------------------
# AttributeData.attributeType in the WS v2 document (api-evangelist/clarivate @ 3af81c70,
# openapi/_original/clarivate-converisreadapi-openapi_2.json). Every value arrives as a string.
ATTRIBUTE_TYPES = frozenset({"STRING", "TEXT", "CGV", "NUMBER", "DATE", "BOOLEAN"})


def incomplete(path: str, reason: str) -> MappingError:
    """The record holds something the mapping does not understand: quarantined, saying where."""
    return MappingError(f"mapping incomplete: {path}: {reason}")


def values(rec: Json, name: str | None, path: str = "") -> list[Json]:
    """The attributes called ``name`` (an attribute may repeat: one per language or value).

    ``path`` prefixes field paths in messages (a link or an organisation, not the project).
    A wrong shape or an attribute type the spec does not name is a MappingError.
    """
    if not name:
        return []
    attributes = rec.get("attributes")
    if attributes is None:
        return []  # BASIC answers carry no attributes: the same as none set
    where = path or f"{rec.get('entityName') or 'record'} {rec.get('id')}: "
    if not isinstance(attributes, list):
        raise MappingError(f"{where}attributes: expected a list, got {type(attributes).__name__}")
    for n, a in enumerate(attributes):
        if not isinstance(a, dict):
            raise MappingError(
                f"{where}attributes[{n}]: expected an object, got {type(a).__name__}"
            )
    found = [a for a in attributes if a.get("attributeName") == name]
    for a in found:
        kind = a.get("attributeType")
        if kind is not None and kind not in ATTRIBUTE_TYPES:
            raise incomplete(f"{path}attributes[{name}]", f"attribute type {kind!r} unknown")
    return found


def _labels(a: Json) -> dict[str, str]:
    data = a.get("choiceGroupData")
    labels = data.get("choiceGroupValueLabels") if isinstance(data, dict) else None
    return {
        str(x.get("language")): str(x["value"])
        for x in labels or []
        if isinstance(x, dict) and x.get("value") not in (None, "")
    }


def forms(a: Json, languages: list[str]) -> list[str]:
    """Every textual form of an attribute's value, most direct first: the value, the choice
    value, then the labels (preferred languages first). A choice group may give any of them;
    the value can be an internal id (e.g. "4711") that only the other forms explain."""
    data = a.get("choiceGroupData")
    found = [a.get("value"), data.get("choiceGroupValue") if isinstance(data, dict) else None]
    labels = _labels(a)
    found += [labels.get(lang) for lang in languages] + list(labels.values())
    return list(dict.fromkeys(t for v in found if v is not None and (t := str(v).strip())))


def shown(a: Json, languages: list[str]) -> str | None:
    """What a person sees: a choice group's label in a preferred language, else its choice
    value, else the value (an internal id as the last resort); other types: the value."""
    labels = _labels(a)
    data = a.get("choiceGroupData")
    choice = data.get("choiceGroupValue") if isinstance(data, dict) else None
    ordered = [labels.get(lang) for lang in languages] + [choice, a.get("value")]
    return next((t for v in ordered if v is not None and (t := str(v).strip())), None)


def text(rec: Json, name: str | None, languages: list[str], path: str = "") -> str | None:
    """The value in the first preferred language, else a language-less one, else any."""
    found = [(a.get("language"), v) for a in values(rec, name, path) if (v := shown(a, languages))]
    for lang in [*languages, None]:
        for got_lang, v in found:
            if got_lang == lang:
                return v
    return found[0][1] if found else None


def all_texts(rec: Json, name: str | None, path: str = "") -> list[str]:
    return [v for a in values(rec, name, path) if (v := shown(a, []))]


def all_forms(rec: Json, name: str | None, languages: list[str], path: str = "") -> list[str]:
    return [f for a in values(rec, name, path) for f in forms(a, languages)]


GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_day(value: str | None, path: str = "date") -> date | None:
    """ISO 8601 (a time part is ignored) or the German dd.mm.yyyy; anything else quarantines."""
    if not value:
        return None
    try:
        if m := GERMAN_DATE.match(value.strip()):
            return date(int(m[3]), int(m[2]), int(m[1]))
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise incomplete(path, f"not a date: {value[:40]!r}") from None


AMOUNT_CHARS = re.compile(r"^[0-9.,]+$")


def _grouped(raw: str, group: str) -> bool:
    """Whether ``raw`` is digits grouped in threes by ``group`` (a first group of one to three
    digits not starting with 0: "0.500" is a decimal fraction, never five hundred)."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}({re.escape(group)}\d{{3}})+", raw) is not None


def parse_amount(value: str | None, path: str, decimal: str | None = None) -> Decimal | None:
    """A non-negative amount written with digits, ``.`` and ``,`` only; anything else, and
    anything that could be read two ways, is quarantined (MappingError naming ``path``).

    ``decimal`` is the decimal separator the instance declares (``amount_decimal_separator``):
    "750.000" is 750 where it is ".", 750000 where it is ",". Undeclared, a single separator
    followed by exactly three digits ("750.000", "1,250") says neither and is quarantined;
    "1.250.000", "1,250,000.50", "1.250.000,50" and "12.5" say it themselves."""
    if not value:
        return None
    raw = value.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    shown = repr(value.strip()[:40])
    if raw.startswith("-"):
        raise incomplete(path, f"amount {shown} is negative")
    if not AMOUNT_CHARS.fullmatch(raw):
        if re.fullmatch(r"[0-9.,]+[eE][-+]?\d+", raw):
            raise incomplete(path, f"amount {shown} has an exponent: not a plain number")
        raise incomplete(path, f"not a number: {shown}")
    found = sorted({c for c in raw if c in ".,"}, key=raw.rfind)
    if not found:
        return Decimal(raw)
    last = found[-1]
    other = found[0] if len(found) == 2 else None
    if other is not None:  # both: the last is the decimal one, the other groups thousands
        point = last
        whole, _, fraction = raw.rpartition(point)
        if not _grouped(whole, other) or not fraction.isdigit():
            raise incomplete(path, f"not a number: {shown}")
    elif raw.count(last) > 1:  # the same separator twice: it groups thousands
        point = None
        if not _grouped(raw, last):
            raise incomplete(path, f"not a number: {shown}")
    elif _grouped(raw, last):  # "750.000", "1,250": grouping or a decimal part of three digits
        if decimal is None:
            whole, _, fraction = raw.partition(last)
            small, large = Decimal(f"{whole}.{fraction}").normalize(), f"{whole},{fraction}"
            raise incomplete(
                path,
                f"amount {shown} is ambiguous: {small:f} or {large}? (set "
                "amount_decimal_separator to the instance's)",
            )
        point = last if decimal == last else None
    else:  # "12.5", "1250.000", "0,500": only a decimal separator reads so
        point = last
    if decimal is not None and point is not None and point != decimal:
        raise incomplete(
            path, f"amount {shown} does not use the declared decimal separator {decimal!r}"
        )
    if decimal is not None and point is None and last == decimal:
        raise incomplete(path, f"amount {shown} groups with the declared decimal separator")
    if point is None:
        return Decimal(raw.replace(last, ""))
    whole, _, fraction = raw.rpartition(point)
    return Decimal(f"{whole.replace('.', '').replace(',', '')}.{fraction}")


MACHINE_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def read_amount(link: Json, cfg: ConverisConfig, where: str) -> Decimal | None:
    """The funding link's amount. An attribute the spec types NUMBER holds the number in
    machine form ("1880000.00"), whatever the locale the instance shows it in: read so
    whatever amount_decimal_separator says (a reviewer's de_DE instance had 20 of 30
    projects quarantined by it). The separator applies to amounts held as text, to a NUMBER
    value not in machine form ("1.250.000,50"), and to one that reads two ways ("750.000":
    750, or 750,000 as a German instance may hold it; an earlier reviewer's Huawei funding)."""
    path = f"{where}attributes[{cfg.funding_amount_attr}]"
    found = [(a, v) for a in values(link, cfg.funding_amount_attr, where) if (v := shown(a, []))]
    if not found:
        return None
    # as text() with no preferred language: a language-less value first
    attribute, raw = next(((a, v) for a, v in found if a.get("language") is None), found[0])
    plain = raw.strip()
    if (
        attribute.get("attributeType") == "NUMBER"
        and MACHINE_NUMBER.match(plain)
        and not _grouped(plain, ".")
    ):
        return Decimal(plain)
    return parse_amount(raw, path, cfg.amount_decimal_separator)


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


# ---- currencies ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _currency_names() -> dict[str, str | None]:
    """Currency names in every language pycountry's ISO 4217 translations know (folded) ->
    the code; None where one name stands for two currencies."""
    names: dict[str, str | None] = {}

    def note(name: str, code: str) -> None:
        key = name.strip().casefold()
        names[key] = code if names.get(key, code) == code else None

    languages = sorted(
        d for d in os.listdir(pycountry.LOCALES_DIR)
        if os.path.exists(os.path.join(pycountry.LOCALES_DIR, d, "LC_MESSAGES", "iso4217.mo"))
    )  # fmt: skip
    for currency in pycountry.currencies:
        note(currency.name, currency.alpha_3)
    for language in languages:
        translate = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=[language])
        for currency in pycountry.currencies:
            note(translate.gettext(currency.name), currency.alpha_3)
    return names


def currency_of(forms: list[str]) -> str | None:
    """The ISO 4217 code a currency choice group's forms name: a code ("EUR"), a name in any
    language pycountry knows ("Euro", "Schweizer Franken"), or a numeric code ("978"). A
    numeric code is read only when no other form names a currency: a value of digits may be
    an instance's internal id, which the labels explain."""
    named = []
    numeric = []
    for form in forms:
        if pycountry.currencies.get(alpha_3=form.upper()):
            named.append(form.upper())
        elif code := _currency_names().get(form.casefold()):
            named.append(code)
        elif (
            len(form) == 3 and form.isdigit() and (found := pycountry.currencies.get(numeric=form))
        ):
            numeric.append(found.alpha_3)
    return (named or numeric or [None])[0]


# ---- organisations ------------------------------------------------------------------------
def _country_forms(a: Json, cfg: ConverisConfig) -> tuple[list[str], list[str]]:
    """A country choice group's labels (preferred languages first), and its choice value and
    value: labels first, because the value is often an internal id ("4711", or "156" that
    reads as China's ISO numeric code on an instance where it numbers Germany)."""
    labels = _labels(a)
    ordered = [labels.get(lang) for lang in cfg.languages] + list(labels.values())
    data = a.get("choiceGroupData")
    codes = [data.get("choiceGroupValue") if isinstance(data, dict) else None, a.get("value")]

    def clean(found: list[Any]) -> list[str]:
        return list(dict.fromkeys(t for v in found if v is not None and (t := str(v).strip())))

    return clean(ordered), clean(codes)


def _read_country(form: str) -> str | None:
    try:
        return country_code(form)
    except ValueError:
        return None


def _country(org: Json, cfg: ConverisConfig, path: str, name: str | None) -> str | None:
    """The country the labels say (any language CLDR knows, inverted forms too), else the
    choice value or value; a value of digits only where ``country_numeric_ids`` says the
    instance numbers countries by ISO 3166 numeric code, and no label reads as a country.
    Forms that disagree, or a country attribute nothing reads, quarantine the record."""
    where = f"{path}attributes[{name}]"
    labels: list[str] = []
    codes: list[str] = []
    for a in values(org, name, path):
        more_labels, more_codes = _country_forms(a, cfg)
        labels += more_labels
        codes += more_codes
    if not labels and not codes:
        return None  # no country given: left to enrichment (a name may still say where it is)
    read = {form: code for form in labels if (code := _read_country(form))}
    ids = [c for c in codes if c.isdigit()]
    for form in codes:
        if form.isdigit() and not cfg.country_numeric_ids:
            continue  # an internal id: what it numbers, only the labels say
        if code := _read_country(form):
            read.setdefault(form, code)  # beside a label: the same country, or a conflict
    if len(set(read.values())) > 1:
        said = ", ".join(f"{form!r} ({code})" for form, code in read.items())
        raise incomplete(where, f"the country's forms disagree: {said}")
    if read:
        return next(iter(read.values()))
    if ids and not cfg.country_numeric_ids and len(ids) == len(codes) and not labels:
        reason = (
            f"only an internal id {ids[0]!r} and no label; set country_numeric_ids if the "
            "instance numbers countries by ISO 3166 numeric code"
        )
    else:
        reason = f"no country in {[*labels, *codes][:4]}"
    raise incomplete(where, reason)


def is_own_unit(org: Json, cfg: ConverisConfig, path: str = "") -> bool:
    """One of the institution's own organisations (org_type_attr in org_internal_types)."""
    internal = {t.casefold() for t in cfg.org_internal_types}
    found = all_forms(org, cfg.org_type_attr, cfg.languages, path)
    return any(f.casefold() in internal for f in found)


def _ror(value: str) -> Identifier:
    return Identifier(scheme="ror", value=f"https://ror.org/{value.rstrip('/').rsplit('/', 1)[-1]}")


def organisation_fields(org: Json, cfg: ConverisConfig, path: str = "") -> Json:
    path = path or f"{cfg.organisation_entity} {org.get('id')}: "
    name = text(org, cfg.org_name_attr, cfg.languages, path)
    if not name:
        raise MappingError(f"organisation {org.get('id')} has no name")
    aliases = [a for a in all_texts(org, cfg.org_name_attr, path) if a != name]
    aliases += all_texts(org, cfg.org_acronym_attr, path)
    aliases += split_words(all_texts(org, cfg.org_aliases_attr, path))
    identifiers = [_ror(ror) for ror in all_texts(org, cfg.org_ror_attr, path)]
    identifiers += [
        Identifier(scheme=scheme, value=value)
        for attr, scheme in cfg.org_id_attrs.items()
        for value in all_texts(org, attr, path)
    ]
    return {
        "name": name,
        "aliases": list(dict.fromkeys(a for a in aliases if a and a != name)),
        "country": _country(org, cfg, path, cfg.org_country_attr),
        "identifiers": list({(i.scheme, i.value): i for i in identifiers}.values()),
        "types": [t for t in (text(org, cfg.org_type_attr, cfg.languages, path),) if t],
    }


def linked_orgs(
    rec: Json, related: Related, cfg: ConverisConfig, link_name: str | None
) -> Iterator[tuple[str, Json, Json]]:
    """(field path, link, organisation) for each link of ``link_name`` from the project."""
    return orgs_of(related.links.get(link_name or "", []), rec["id"], f"{link_name}", related, cfg)


def orgs_of(
    links: list[Json], near: Any, name: str, related: Related, cfg: ConverisConfig
) -> Iterator[tuple[str, Json, Json]]:
    """(field path, link, organisation) at the far end from ``near`` of each link; a link to
    another kind of entity, or to an organisation that could not be read, is a MappingError."""
    for n, link in enumerate(links):
        path = f"{name}[{n}]"
        left = link.get("leftEntity") if isinstance(link.get("leftEntity"), dict) else {}
        side = "rightEntity" if left.get("id") == near else "leftEntity"
        far = link.get(side) if isinstance(link.get(side), dict) else {}
        kind = far.get("entityName")
        if kind is not None and kind != cfg.organisation_entity:
            raise incomplete(f"{path}.{side}", f"a {kind}, not an {cfg.organisation_entity}")
        oid = other_id(link, near)
        org = related.orgs.get(oid) if oid is not None else None
        if not isinstance(org, dict):
            reason = str(org) if isinstance(org, Exception) else "not fetched"
            raise MappingError(f"{path}: {cfg.organisation_entity} {oid}: {reason}")
        yield path, link, org


def participants(rec: Json, related: Related, cfg: ConverisConfig) -> list[Person]:
    """Members whose card names an external organisation, with those as affiliations (no name,
    no nationality: the organisation is what is screened). Staff of own units add nobody."""
    out: dict[int, Person] = {}
    for link_name in cfg.person_links():
        for n, link in enumerate(related.links.get(link_name, [])):
            card = other_id(link, rec["id"])
            if card is None or card in out:
                continue
            path = f"{link_name}[{n}].{cfg.card_org_link}"
            affiliations = [
                Organisation(**organisation_fields(org, cfg, f"{p}: "))
                for p, _, org in orgs_of(related.cards.get(card, []), card, path, related, cfg)
                if not is_own_unit(org, cfg)
            ]
            if affiliations:
                out[card] = Person(affiliations=affiliations)
    return list(out.values())


def partners(rec: Json, related: Related, cfg: ConverisConfig) -> list[Partner]:
    out: dict[int, Partner] = {}
    for path, link, org in linked_orgs(rec, related, cfg, cfg.partner_link):
        if org["id"] in out or is_own_unit(org, cfg):
            continue  # an own unit on the partner link is a unit (units() names it)
        role = text(link, cfg.partner_role_attr, cfg.languages, f"{path}.")
        out[org["id"]] = Partner(**organisation_fields(org, cfg, f"{path}: "), role=role)
    for link_name, spec in cfg.partner_entity_links.items():
        for n, link in enumerate(related.links.get(link_name, [])):
            path = f"{link_name}[{n}]"
            oid = other_id(link, rec["id"])
            ent = related.orgs.get(oid) if oid is not None else None
            if not isinstance(ent, dict):
                reason = str(ent) if isinstance(ent, Exception) else "not fetched"
                raise MappingError(f"{path}: {spec.entity} {oid}: {reason}")
            if oid in out:
                continue
            name = text(ent, spec.name_attr, cfg.languages, f"{path}: ")
            if not name:
                raise MappingError(f"{path}: {spec.entity} {oid} has no {spec.name_attr}")
            rors = all_texts(ent, spec.ror_attr, f"{path}: ")
            out[oid] = Partner(
                name=name,
                aliases=[a for a in all_texts(ent, spec.name_attr) if a != name],
                country=_country(ent, cfg, f"{path}: ", spec.country_attr),
                identifiers=[_ror(r) for r in rors],
            )
    return list(out.values())


def funders(rec: Json, related: Related, cfg: ConverisConfig) -> list[Funder]:
    out: list[Funder] = []
    for path, link, org in linked_orgs(rec, related, cfg, cfg.funder_link):
        if is_own_unit(org, cfg):
            continue  # own resources: not a funder to screen (units() names the unit)
        fields = organisation_fields(org, cfg, f"{path}: ")
        where = f"{path}."
        programme = text(link, cfg.funding_programme_attr, cfg.languages, where)
        amount = read_amount(link, cfg, where)
        codes = all_forms(link, cfg.funding_currency_attr, cfg.languages, where)
        currency = currency_of(codes)
        if amount is not None and currency is None and codes:
            # An amount in a currency nobody can name would be compared as if it were another.
            raise incomplete(
                f"{where}attributes[{cfg.funding_currency_attr}]",
                f"no ISO 4217 code in {codes[:3]}",
            )
        out.append(Funder(**fields, amount=amount, currency=currency, programme=programme))
    return out


def units(rec: Json, related: Related, cfg: ConverisConfig) -> list[str]:
    """Names of the institution's own units: the unit link, and own units that an editor put
    on the partner or funding link. Best effort: a unit only labels the project."""
    names = []
    for link_name in (cfg.unit_link, cfg.partner_link, cfg.funder_link):
        for link in related.links.get(link_name or "", []):
            org = related.orgs.get(other_id(link, rec["id"]) or -1)
            own = link_name == cfg.unit_link or (isinstance(org, dict) and is_own_unit(org, cfg))
            if (
                isinstance(org, dict)
                and own
                and (name := text(org, cfg.org_name_attr, cfg.languages))
            ):
                names.append(name)
    return list(dict.fromkeys(names))


def check_complete(related: Related, cfg: ConverisConfig) -> None:
    """Quarantine a project linked to an organisation through a link type the mapping does not
    read (the scanner reads every project-organisation link type the instance defines): an
    event without that organisation would look complete."""
    read = {*cfg.links(), *cfg.person_links(), *cfg.partner_entity_links}
    for link_name, links in related.links.items():
        if link_name not in read and links:
            far = next(
                (e for e in (links[0].get("leftEntity"), links[0].get("rightEntity"))
                 if isinstance(e, dict) and e.get("entityName") == cfg.organisation_entity),
                {},
            )  # fmt: skip
            more = f" and {len(links) - 1} more" if len(links) > 1 else ""
            raise MappingError(
                f"mapping incomplete: {link_name}[0] ({cfg.organisation_entity} {far.get('id')})"
                f"{more} not read by the mapping"
            )


# ---- projects ---------------------------------------------------------------------------------
def related_digest(related: Related) -> str:
    """Short hash of the link and organisation versions the mapping read.

    Part of the event id: a partner added or an organisation edited gives a new id even when
    the project's own updatedOn did not move.
    """
    every = [*related.links.values(), *related.cards.values()]
    parts = [f"l{ln.get('id')}@{ln.get('updatedOn')}" for ls in every for ln in ls]
    parts += [f"o{k}@{v.get('updatedOn')}" for k, v in related.orgs.items() if isinstance(v, dict)]
    return hashlib.blake2b("|".join(sorted(parts)).encode(), digest_size=4).hexdigest()


def project(rec: Json, related: Related, cfg: ConverisConfig) -> Project:
    check_complete(related, cfg)
    title = text(rec, cfg.title_attr, cfg.languages)
    if not title:
        raise MappingError(f"project has no {cfg.title_attr}")
    labels = rec.get("statusLabels") or []
    if not isinstance(labels, list) or not all(isinstance(x, dict) for x in labels):
        raise MappingError(f"project {rec.get('id')}: statusLabels: expected a list of objects")
    status = status_label(labels, cfg.languages)
    return Project(
        id=str(rec["id"]),
        title=title,
        start=parse_day(text(rec, cfg.start_attr, []), f"attributes[{cfg.start_attr}]"),
        end=parse_day(text(rec, cfg.end_attr, []), f"attributes[{cfg.end_attr}]"),
        status=status,
        units=units(rec, related, cfg),
        keywords=split_words(all_texts(rec, cfg.keywords_attr)),
        partners=partners(rec, related, cfg),
        funders=funders(rec, related, cfg),
        participants=participants(rec, related, cfg),
    )


def status_label(labels: list[Json], languages: list[str]) -> str | None:
    """The record's workflow status in the first preferred language it is given in, else in
    any (as titles): a de_DE-first site reads "Validiert", not the en_GB "Validated"."""
    said = [(x.get("language"), str(v)) for x in labels if (v := x.get("value")) not in (None, "")]
    for language in languages:
        if found := next((v for lang, v in said if lang == language), None):
            return found
    return said[0][1] if said else None


def project_events(
    rec: Json, related: Related, cfg: ConverisConfig, kind: str
) -> list[CollaborationEvent]:
    if related.errors:
        raise MappingError("; ".join(related.errors))
    # The record's own dates; Converis stamps every record, but a BASIC-less export may not.
    updated = parse_time(rec.get("updatedOn")) or parse_time(rec.get("createdOn"))
    if updated is None:
        raise MappingError("record without a valid updatedOn or createdOn")
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


# ---- what the mapping reads --------------------------------------------------------------
# Keys of the records the mapping reads (field names from the WS v2 document: EntityData,
# LinkEntityData); attributes are instance configuration, named by the settings. `kvrules fetch
# --explain` reports against these; keep them in step with the readers above.
PROJECT_FIELDS = frozenset({"id", "entityName", "updatedOn", "createdOn", "statusLabels"})
LINK_FIELDS = frozenset({"id", "leftEntity", "rightEntity", "updatedOn"})
ORGANISATION_FIELDS = frozenset({"id", "entityName", "updatedOn"})
# The properties of those schemas the mapping leaves alone, and why (tests check that every
# property the spec defines is in one list or the other).
NOT_READ = {
    "status": "the workflow step as a number; statusLabels says it in words",
    "public": "who may see the record does not change what is screened",
    "intern": "who may see the record does not change what is screened",
    "createdBy": "who entered the record is not a screening subject",
    "updatedBy": "who edited the record is not a screening subject",
    "shortDescription": "a display string Converis derives from attributes that are read",
    "links": "hrefs of link types; the link entities themselves are read",
    "linkName": "the link type is known from the request",
    "leftSeq": "display order of the link",
    "rightSeq": "display order of the link",
    "createdOn": "(links, organisations) updatedOn is what changes",
    "data": "(the far end of a link) its href; its id and entityName are read",
}


def attributes_read(cfg: ConverisConfig) -> dict[str, set[str]]:
    """Attribute names the mapping reads, per record kind: "project", "organisation", and each
    link name."""
    named = {
        "project": {cfg.title_attr, cfg.start_attr, cfg.end_attr, cfg.keywords_attr},
        "organisation": {
            cfg.org_name_attr,
            cfg.org_acronym_attr,
            cfg.org_aliases_attr,
            cfg.org_country_attr,
            cfg.org_ror_attr,
            cfg.org_type_attr,
            *cfg.org_id_attrs,
        },
        cfg.partner_link: {cfg.partner_role_attr},
        cfg.funder_link or "": {
            cfg.funding_amount_attr,
            cfg.funding_currency_attr,
            cfg.funding_programme_attr,
        },
        cfg.unit_link or "": set(),
        **{
            spec.entity: {spec.name_attr, spec.country_attr, spec.ror_attr}
            for spec in cfg.partner_entity_links.values()
        },
    }
    return {kind: {n for n in names if n} for kind, names in named.items() if kind}
