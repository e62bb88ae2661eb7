"""The canonical model: what every adapter maps its vendor records into.

People appear only as far as rules need them (role, affiliations). There is deliberately no
nationality field: screening is by organisation, funder and research area. Adapters may carry
extra person attributes in ``attributes``; the rulebook linter rejects rules that read
nationality-like attributes unless the rule cites a legal basis.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache, partial
from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, SchemaValidator, core_schema

from kvrules.countrynames import from_any_language
from kvrules.roles import in_vocabulary


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _empty(kind: type[list] | type[dict], **field: Any) -> Any:
    """An empty list or dict by default. A literal ``[]`` default is deep-copied by pydantic
    for every instance (in Python, some 30 times per event); a factory is not. The schema still
    says the default is empty."""
    return Field(default_factory=kind, json_schema_extra={"default": kind()}, **field)


# ISO 3166-1 leaves XA-XZ to user assignment; XK (XKX) for Kosovo is the code registries such
# as ROR, the EU and SWIFT use, so records from there must not be refused.
USER_ASSIGNED_COUNTRIES: dict[str, tuple[str, str]] = {"XK": ("XKX", "Kosovo")}


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code or a known user-assigned one (XK)."""
    return code in USER_ASSIGNED_COUNTRIES or pycountry.countries.get(alpha_2=code) is not None


def _user_assigned(text: str) -> str | None:
    folded = text.upper()
    for alpha_2, (alpha_3, name) in USER_ASSIGNED_COUNTRIES.items():
        if folded in (alpha_2, alpha_3, name.upper()):
            return alpha_2
    return None


# Typographic variants of ASCII punctuation as word processors and web pages print country
# names ("Democratic People\u2019s Republic of Korea" with U+2019, "Guinea\u2010Bissau" with
# U+2010): read as the ASCII character, which is how pycountry, CLDR and the lists spell them
_TYPOGRAPHIC = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u02b9\u0060\u00b4\uff07", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u3000", " "),
        "\u200b": None,
        "\u00ad": None,
    }
)


def plain_country_text(value: str) -> str:
    """A country as written, NFKC-normalised with its typographic apostrophes, quotes, dashes
    and spaces as ASCII: the one normalisation every country look-up starts from
    (:func:`country_code`, :func:`kvrules.refdata.countries.as_country`)."""
    return unicodedata.normalize("NFKC", value).translate(_TYPOGRAPHIC).strip()


@lru_cache(maxsize=4096)
def country_code(value: str) -> str:
    """Normalise an ISO 3166-1 country (alpha-2, alpha-3 or name) to alpha-2; raise ValueError.

    The user-assigned codes in :data:`USER_ASSIGNED_COUNTRIES` (Kosovo, XK) are accepted too,
    and so are full-width forms (U+FF23 U+FF2E, "CN") and a country's name in any language
    Unicode CLDR or pycountry's translations know ("中国", "Россия", "Volksrepublik China")."""
    text = plain_country_text(value)
    if assigned := _user_assigned(text):
        return assigned
    if len(text) == 2 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_3=text.upper())
    else:
        try:
            found = pycountry.countries.lookup(text)
        except LookupError:
            found = None
    if found is None and (code := from_any_language(text)):
        return code
    if found is None:
        raise ValueError(f"not an ISO 3166-1 country: {value!r}")
    return found.alpha_2


@lru_cache(maxsize=1024)
def currency_code(value: str) -> str:
    """Normalise an ISO 4217 currency code ("eur " → "EUR"); raise ValueError."""
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"not an ISO 4217 currency: {value!r}")
    return code


# Text is NFC-normalised: the engine compares bytes, and NFC/NFD forms of a name must be equal.
# A partial of the C function, not a Python function calling it: pydantic-core then calls C
# directly, with no Python frame, some 8 times per event (0.3 of 8.8 µs per event validated,
# bench/engine.py's events, measured paired).
_nfc = partial(unicodedata.normalize, "NFC")
Text = Annotated[str, AfterValidator(_nfc)]


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp from a source record (``Z`` allowed; naive means UTC), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


CountryCode = Annotated[str, Field(description="ISO 3166-1 alpha-2 country code", examples=["NL"])]

# An organisation's country as given -> its code (None: none given), as _country_of found it.
# Read some five times per event: a plain function and one dict look-up, no Python frame
# beyond its own (a classmethod validator that tested the type first cost twice as much:
# 1.2 against 0.5 µs per bench event, measured paired).
_COUNTRIES: dict[Any, str | None] = {None: None}
_COUNTRIES_KEPT = 4096


def _country(value: Any) -> str | None:
    """An organisation's country given as ``value``, as an ISO 3166-1 alpha-2 code; None for
    none given (None, blank text); raise ValueError for anything else."""
    try:
        return _COUNTRIES[value]
    except (KeyError, TypeError):  # not seen yet, or no text (a list is unhashable)
        return _country_of(value)


def _country_of(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):  # a number is a wrong type, not "no country"
        raise ValueError(f"expected an ISO 3166-1 country code, got {type(value).__name__}")
    code = country_code(value)
    if type(value) is str and len(_COUNTRIES) < _COUNTRIES_KEPT:
        _COUNTRIES[value] = code
    return code


class Identifier(_Model):
    """An external identifier of an organisation or record (ROR, GRID, ISNI, FundRef …)."""

    scheme: str = Field(description="lower-case scheme name, e.g. 'ror', 'grid', 'isni', 'fundref'")
    value: str

    @field_validator("scheme")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class ListMatch(_Model):
    """A reference-list entry an organisation was matched to, and how (provenance)."""

    list: str
    edition: str
    entry: str
    name: str
    ror_id: str | None = None
    method: str = Field(description="ror | exact | alias | parent | subunit | fuzzy")
    score: float
    candidate: bool = Field(description="a suggestion to confirm, not a verdict")
    kind: str = Field(description="designation | assessment | registry")
    matched: str | None = Field(default=None, description="the entry's name that matched")
    part: str | None = Field(
        default=None, description="the stretch of the organisation's name or string that matched"
    )
    via: str | None = Field(default=None, description="how a linked entry was reached")
    explanation: str | None = Field(
        default=None,
        description='for a person: "Harbin Inst. of Tech." → Harbin Institute of Technology '
        "(us_dod_1286), exact, 0.97",
    )
    # the matched edition's provenance, as the reference store records it: a finding cites the
    # edition that matched, not the one its rulebook was written against
    publisher: str | None = Field(default=None, description="who publishes the list")
    source_url: str | None = Field(default=None, description="where this edition was published")
    licence: str | None = Field(default=None, description="the licence of this edition")
    title: str | None = Field(default=None, description="the list's title (an own list's name)")
    country: str | None = Field(
        default=None, description="the entry's country, as the list or its ROR record gives it"
    )
    designated_under: str | None = Field(
        default=None,
        description="the component list or regime the entry was designated under, as imported "
        "(the US CSL's 'Entity List (EL) - Bureau of Industry and Security', a UK regime)",
    )


class Organisation(_Model):
    """An organisation as the RIS holds it, plus what enrichment adds (``lists``)."""

    name: Text
    aliases: list[Text] = _empty(list)
    country: Annotated[CountryCode | None, BeforeValidator(_country)] = None
    identifiers: list[Identifier] = _empty(list)
    types: list[str] = _empty(list, description="e.g. university, company, government, military")
    parent: Text | None = Field(
        default=None, description="name of the parent organisation, if known"
    )
    lists: list[str] = _empty(
        list,
        description="ids of reference lists this organisation matched (set by enrichment)",
    )
    candidate_lists: list[str] = _empty(
        list, description="lists with a possible match a person must confirm (enrichment)"
    )
    country_signals: list[str] = _empty(
        list, description="signals from the country profile of `country` (enrichment)"
    )
    ror_lineage: list[str] = _empty(
        list,
        description="its ROR id and its ancestors' by ROR's parent relationships, nearest "
        "first, as far as the imported registry holds them (enrichment)",
    )
    # Partners' too, not funders' alone: EU export control asks whether a partner is outside
    # the EU for an EU member, outside the home country for a US, Canadian or UK one.
    foreign: bool | None = Field(
        default=None,
        description="based outside the home country and, for an EU member, outside the EU "
        "(enrichment, from the configuration's home_country; unset when either is unknown)",
    )
    screening: list[ListMatch] = _empty(
        list, description="every list match found, with provenance (enrichment)"
    )
    # Not in the field catalogue, so no rule reads it: kept so that a re-screen with later
    # editions, which may identify the organisation, decides again on the source's country.
    country_set_apart: CountryCode | None = Field(
        default=None,
        description="the source's country of an organisation not screened on it (enrichment)",
    )
    # Not in the field catalogue either, and left out of every dump of the event (what decides
    # whether a record is evaluated again, `kvrules fetch --json`): the stored record carries
    # it for its case page alone (``kvrules.store.subjects.subject_body``).
    read_as_person: bool | None = Field(
        default=None,
        exclude=True,
        description="named like a person (a given and family name alone) and screened on its "
        "country only because the organisation registry is partial (enrichment)",
    )

    # Not in the field catalogue either: where ``country`` comes from when the source gave none
    # and a confident list match did ("us_dod_1286@FY25, entry …"); the country is then the
    # listed organisation's as the list (or its ROR record) gives it, said so in the evidence,
    # and cleared again before a re-screen (a later edition may not list it).
    country_from: str | None = Field(
        default=None,
        description="the list entry or ROR record the country was taken from, when the source "
        "gave none (enrichment)",
    )

    @property
    def ror_id(self) -> str | None:
        return ror_suffix((ident.scheme, ident.value) for ident in self.identifiers)


def ror_suffix(identifiers: Iterable[tuple[str, str]]) -> str | None:
    """The ROR id's 9-character suffix among (scheme, value) identifiers, or None."""
    for scheme, value in identifiers:
        if scheme == "ror":
            return value.rsplit("/", 1)[-1]
    return None


class Partner(Organisation):
    """An external organisation taking part in a project, with its role."""

    role: str | None = Field(default=None, description="e.g. coordinator, partner, subcontractor")


class Funder(Organisation):
    """An organisation funding a project; the amount is in ``currency`` (ISO 4217)."""

    amount: Decimal | None = None
    # lru_cache's C wrapper called by pydantic-core directly: no Python frame for a currency
    # seen before (a classmethod validator was one per funder)
    currency: Annotated[str, AfterValidator(currency_code)] | None = None
    programme: Text | None = None


class Person(_Model):
    """A person only as far as rules need: role and affiliations. No nationality.

    ``display_name`` is how the RIS names a project participant (e.g. its principal
    investigator), so people reading a case know whose project it is. No rule can read it
    (it is not in the field catalogue) and it never names a finding's evidence.
    """

    role: str | None = Field(
        default=None,
        description="a known role (kvrules.roles.PERSON_ROLES) or 'a role not among the known "
        "roles': any other text given is mapped to it on intake, and kept in role_given",
    )
    role_given: Text | None = Field(
        default=None,
        description="the role as the RIS gives it, for people reading cases (the project's "
        "lead only); not screened",
    )
    display_name: Text | None = Field(
        default=None, description="the name the RIS gives, for people reading cases; not screened"
    )
    affiliations: list[Organisation] = _empty(list)
    attributes: dict[str, str] = _empty(
        dict,
        description="adapter-supplied attributes; nationality-like keys need a rule legal_basis",
    )

    @model_validator(mode="after")
    def _role_in_vocabulary(self) -> Person:
        # The RIS's free text is mapped onto the closed vocabulary rules compare with; the text
        # as given is kept apart for display. Assigned, not only checked: on the plain path
        # (``validate_plain_event``) ``self`` is a namespace over the event's own dict, so the
        # plain event carries the same two values.
        role = self.role
        mapped = in_vocabulary(role)
        if mapped != role:
            self.role_given = self.role_given or role
            self.role = mapped
        return self


class Classification(_Model):
    """A code from a classification scheme (e.g. scheme 'eu-dual-use', code '3A001')."""

    scheme: str
    code: str
    label: str | None = None


class Contract(_Model):
    """Contract metadata: when signed or extended and which standard clauses it contains."""

    type: str | None = None
    signed_on: date | None = None
    extended_on: date | None = None
    clauses: list[str] = _empty(list, description="e.g. integrity-code, ip, exit-on-breach")


class Project(_Model):
    id: str
    title: Text
    start: date | None = None
    end: date | None = None
    status: str | None = None
    units: list[Text] = _empty(list)
    keywords: list[Text] = _empty(list)
    classifications: list[Classification] = _empty(list)
    partners: list[Partner] = _empty(list)
    funders: list[Funder] = _empty(list)
    participants: list[Person] = _empty(list)
    contract: Contract | None = None
    applications: list[str] = _empty(
        list,
        description="record ids (same source) of the funding applications this project came "
        "from: a case opened on an application follows the project (kvrules.handover)",
    )
    sensitive_areas: list[str] = _empty(list, description="set by enrichment")
    area_words: dict[str, list[str]] = _empty(
        dict,
        description="set by enrichment: for each sensitive area, the words or codes that matched",
    )
    areas_not_screened: list[str] = _empty(
        list,
        description="set by enrichment: the language its text seems to be in, when the "
        "sensitive-area vocabulary has no terms in it, or 'language not recognised' (technology "
        "fields not screened)",
    )
    foreign_funding_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="highest share of foreign funding among the project's units (enrichment)",
    )


class ResearchOutput(_Model):
    id: str
    title: Text
    published_on: date | None = None
    url: str | None = Field(
        default=None,
        description="the output's own address in the RIS when it gives one (Pure's portalUrl): "
        "a case links it when no ris_url pattern is given for outputs; anything but an "
        "http(s) address is dropped (not linked), the output still screened",
    )
    keywords: list[Text] = _empty(list)
    classifications: list[Classification] = _empty(list)
    affiliations: list[Organisation] = _empty(
        list, description="co-authors' affiliations (organisations, not people)"
    )
    units: list[Text] = _empty(
        list,
        description="the institution's own units it belongs to, its managing unit first, as "
        "the RIS names them: a case says whose output it is, as a project's does",
    )
    authors: list[Person] = _empty(
        list,
        description="the institution's own authors, each with the name and role the RIS gives "
        "(never a nationality): a case names them, as a project's lead; no rule reads them",
    )
    sensitive_areas: list[str] = _empty(list, description="set by enrichment")
    area_words: dict[str, list[str]] = _empty(
        dict,
        description="set by enrichment: for each sensitive area, the words or codes that matched",
    )
    areas_not_screened: list[str] = _empty(
        list,
        description="set by enrichment: the language its text seems to be in, when the "
        "sensitive-area vocabulary has no terms in it, or 'language not recognised' (technology "
        "fields not screened)",
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, v: str | None) -> str | None:
        # Linked from alerts and case pages: a web address only (never javascript: or file:).
        # Anything else is not linked, and the output is screened all the same: refusing the
        # event for its link ("www.example.org/o/1") left its co-authors' organisations
        # unscreened (code review, 2026-12-07).
        if v is not None and not re.match(r"https?://[^\s/]+", v):
            return None
        return v


class Visit(_Model):
    id: str
    visitor: Person
    host_unit: Text | None = None
    start: date | None = None
    end: date | None = None
    purpose: Text | None = None
    keywords: list[Text] = _empty(list)
    sensitive_areas: list[str] = _empty(list, description="set by enrichment")
    area_words: dict[str, list[str]] = _empty(
        dict,
        description="set by enrichment: for each sensitive area, the words or codes that matched",
    )
    areas_not_screened: list[str] = _empty(
        list,
        description="set by enrichment: the language its text seems to be in, when the "
        "sensitive-area vocabulary has no terms in it, or 'language not recognised' (technology "
        "fields not screened)",
    )


class Application(_Model):
    """A funding application, before any award or project: what a grant office screens.

    What is proposed (title, units, partners, funders with the amounts applied for, keywords)
    travels in the event's ``project``, so rules written for projects read it unchanged;
    this holds what only an application has."""

    id: str
    status: str | None = Field(
        default=None, description="where it stands with the funder: submitted, awarded, rejected"
    )
    workflow_step: str | None = Field(
        default=None, description="the RIS's internal workflow step, e.g. forApproval, approved"
    )
    submitted_on: date | None = None
    awards: list[str] = _empty(list, description="ids of the awards that followed it")


class EventKind(StrEnum):
    PROJECT_CREATED = "project.created"
    PROJECT_UPDATED = "project.updated"
    PARTNER_ADDED = "partner.added"
    FUNDER_ADDED = "funder.added"
    VISIT_REQUESTED = "visit.requested"
    OUTPUT_PUBLISHED = "output.published"
    LIST_UPDATED = "list.updated"
    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_CHANGED = "application.changed"


# Kinds that only say how a record was read (first time, or again): the same content under
# either is the same material (a re-read is not a change).
FIRST_READ: dict[EventKind, EventKind] = {
    EventKind.PROJECT_UPDATED: EventKind.PROJECT_CREATED,
    EventKind.APPLICATION_CHANGED: EventKind.APPLICATION_SUBMITTED,
}


class Source(_Model):
    """Where an event came from: the RIS and the record's id there."""

    system: str = Field(description="adapter name, e.g. 'pure', 'converis', 'file'")
    record_id: str


# Which subject each event kind must carry.
_REQUIRED: dict[EventKind, tuple[str, ...]] = {
    EventKind.PROJECT_CREATED: ("project",),
    EventKind.PROJECT_UPDATED: ("project",),
    EventKind.PARTNER_ADDED: ("project", "partner"),
    EventKind.FUNDER_ADDED: ("project", "funder"),
    EventKind.VISIT_REQUESTED: ("visit",),
    EventKind.OUTPUT_PUBLISHED: ("output",),
    EventKind.LIST_UPDATED: ("project",),
    EventKind.APPLICATION_SUBMITTED: ("application", "project"),
    EventKind.APPLICATION_CHANGED: ("application", "project"),
}


class CollaborationEvent(_Model):
    """One thing that happened in a collaboration; what rulebooks are evaluated against."""

    id: str = Field(description="unique event id (stable across re-runs for the same change)")
    kind: EventKind
    source: Source
    occurred_at: datetime
    project: Project | None = None
    partner: Partner | None = Field(default=None, description="the partner added (partner.added)")
    funder: Funder | None = Field(default=None, description="the funder added (funder.added)")
    visit: Visit | None = None
    output: ResearchOutput | None = None
    application: Application | None = Field(
        default=None,
        description="the funding application (application.*); `project` holds what it proposes",
    )

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return v if v.tzinfo else v.replace(tzinfo=UTC)

    @model_validator(mode="after")
    def _subjects(self) -> CollaborationEvent:
        _require_subjects(self.kind, self.__dict__.get)  # a model keeps its fields there
        return self


def _require_subjects(kind: EventKind, value_of: Callable[[str], Any]) -> None:
    """Raise unless an event of ``kind`` carries every subject it needs (``value_of(name)``:
    the field's value, None when left out)."""
    # A loop that lists what is missing only when something is: this runs for every event.
    required = _REQUIRED[kind]
    for name in required:
        if value_of(name) is None:
            missing = [n for n in required if value_of(n) is None]
            raise ValueError(f"a {kind.value} event needs {' and '.join(missing)}")


def _plain_subjects(data: dict[str, Any]) -> dict[str, Any]:
    """``CollaborationEvent._subjects`` of a plain event: the same check on its dict, where a
    subject left out is None, its default, without a namespace made per event (the check
    through one cost 0.37 µs per bench event, measured by leaving it out)."""
    _require_subjects(data["kind"], data.get)
    return data


# -- plain events ------------------------------------------------------------------------------
# Building some ten model instances, and filling in every default (six empty lists per
# organisation), is most of what validating an event costs. Where nothing needs the instances
# (the evaluator reads fields, and tolerates dicts and absent fields), the same validation can
# yield nested dicts of what the data holds: the validator below is derived from the models' own
# core schema at import (each model's fields as a typed dict: same types, validators and
# configuration; a field left out stays out), so the models stay the one source of what an
# event is.

PlainEvent = dict[str, Any]
"""An event validated by :func:`validate_plain_event`: what
``CollaborationEvent.model_validate(data).model_dump(exclude_unset=True)`` returns (nested
dicts and lists, ``kind`` an :class:`EventKind`, fields left out absent: their defaults), with
no model instance made."""


def _plain_schema(schema: CoreSchema) -> CoreSchema:
    """``schema`` with every model replaced by a typed dict of the same fields and config, in
    which a field with a default is optional and left out when the data leaves it out."""
    kind = schema["type"]
    if kind == "model":
        if schema.get("custom_init") or schema.get("post_init") or schema.get("root_model"):
            raise TypeError(f"{schema['cls'].__name__}: no plain form for custom init or roots")
        config = schema.get("config", {})
        fields = {
            name: core_schema.typed_dict_field(
                _plain_schema(_without_default(field["schema"])),
                required=field["schema"]["type"] != "default",
                validation_alias=field.get("validation_alias"),
            )
            for name, field in schema["schema"]["fields"].items()
        }
        return core_schema.typed_dict_schema(
            fields,
            cls_name=schema["schema"].get("model_name"),
            extra_behavior=config.get("extra_fields_behavior"),
            config=config,
        )
    if kind == "function-after" and schema["schema"]["type"] == "model":
        # A model validator (mode="after") reads attributes of the instance and returns it:
        # the same function checks the plain dict through a namespace of its values.
        check, model = schema["function"]["function"], schema["schema"]["cls"]
        plain_check = _PLAIN_CHECKS.get(check) or _checked_by(check, model)
        return core_schema.no_info_after_validator_function(
            plain_check, _plain_schema(schema["schema"])
        )
    plain = dict(schema)
    for key in ("schema", "items_schema", "keys_schema", "values_schema"):
        if key in schema:
            plain[key] = _plain_schema(schema[key])
    return plain


# A model validator's own form for plain events, where it has one (the others are run
# through a namespace of the event's values: _checked_by).
_PLAIN_CHECKS: dict[Callable[..., Any], Callable[[dict[str, Any]], dict[str, Any]]] = {
    CollaborationEvent._subjects: _plain_subjects
}


def _without_default(schema: CoreSchema) -> CoreSchema:
    if schema["type"] != "default":
        return schema
    if schema.get("on_error") not in (None, "raise") or schema.get("validate_default"):
        raise TypeError("no plain form for a default that is validated or replaces an error")
    return schema["schema"]


def _checked_by(
    check: Callable[[Any], Any], model: type[BaseModel]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    # What the model validator reads of a field left out: its default (read, never kept), as
    # a class attribute of the namespace whose instance attributes are the data itself: no
    # merged copy per event (with _subjects' loop, 0.3 of 8.6 µs per event validated).
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in model.model_fields.items()
        if not field.is_required()
    }
    namespace = type(f"{model.__name__}Fields", (), defaults)
    new = object.__new__

    def plain_check(data: dict[str, Any]) -> dict[str, Any]:
        fields = new(namespace)
        fields.__dict__ = data
        check(fields)
        return data

    return plain_check


_PLAIN_EVENT = SchemaValidator(
    _plain_schema(CollaborationEvent.__pydantic_core_schema__),
    core_schema.CoreConfig(title=CollaborationEvent.__name__),  # errors name the model
)


def validate_plain_event(data: Any) -> PlainEvent:
    """``data`` validated exactly as ``CollaborationEvent.model_validate`` validates it (the
    same ``ValidationError``s, but for an object that is not a dict: "Input should be a valid
    dictionary", without "or instance of …"), returned as ``CollaborationEvent.model_validate(
    data).model_dump(exclude_unset=True)`` would return it, at a fraction of the cost: no model
    instance is built and no default filled in."""
    return _PLAIN_EVENT.validate_python(data)


def event_json_schema() -> dict[str, Any]:
    """The published JSON Schema of a collaboration event (``kvrules schema``)."""
    schema = CollaborationEvent.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://kvrules.org/schema/collaboration-event.json"
    return schema
