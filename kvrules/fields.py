"""The fields rules can read: a typed catalogue of paths over a collaboration event.

This is the rule-facing data contract. The rulebook compiler type-checks every condition against
it, and ``Projection`` turns an event into the compact, typed dict both evaluators see:
only referenced fields, dates as ``YYYYMMDD`` integers (the engine has no date type), amounts as
floats, keyword-like text case-folded, and no ``None`` or empty list (absent means missing).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter, methodcaller
from typing import Any

from kvrules.model import ror_suffix
from kvrules.roles import PERSON_ROLES
from kvrules.rulebook.regex import flag_key, fullmatch


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    TEXT_LIST = "list of text"
    OBJECT = "object"
    OBJECT_LIST = "list of objects"
    TEXT_MAP = "map of text"  # free-form adapter attributes: any identifier key, text values


@dataclass(frozen=True)
class FieldSpec:
    type: FieldType
    doc: str = ""
    getter: Callable[[Any], Any] | None = None
    casefold: bool = False  # values (and rule literals) compared case-insensitively
    children: Mapping[str, FieldSpec] = field(default_factory=dict)
    personal: bool = False  # about a person: a rule reading it must cite a legal_basis
    # rule literals are compared in this form (the getter gives the values in it already)
    literal_form: Callable[[str], str] | None = None
    # a person's free text (PERSON_ROLES): compared only with these values, never matched
    vocabulary: frozenset[str] | None = None
    # free text that may name a person's nationality ("a visit by an Iranian PhD student"):
    # read only at a path an administrator allowed (readable_attributes), under legal_basis
    allow_listed: bool = False
    # holds ISO 3166-1 alpha-2 codes: a rule's literal must be one (kvrules.rulebook.countries)
    country: bool = False


def _f(
    kind: FieldType,
    doc: str = "",
    getter=None,
    casefold=False,
    children=None,
    personal=False,
    literal_form=None,
    vocabulary: frozenset[str] | None = None,
    allow_listed: bool = False,
) -> FieldSpec:
    return FieldSpec(
        kind, doc, getter, casefold, children or {}, personal, literal_form, vocabulary,
        allow_listed,
    )  # fmt: skip


T, N, D, L = FieldType.TEXT, FieldType.NUMBER, FieldType.DATE, FieldType.TEXT_LIST


# Getters read a model instance or a plain event's dict (kvrules.model.validate_plain_event),
# where a field left out is absent.


def _ror(org: Any) -> str | None:
    if type(org) is dict:
        return ror_suffix((ident["scheme"], ident["value"]) for ident in org.get("identifiers", ()))
    return org.ror_id


_WORDS = re.compile(r"\w+")
_TRAILING_BRACKETS = re.compile(r"^(?P<name>.+?)\s*\((?P<inside>[^()]+)\)\s*$")


def name_form(text: str) -> str:
    """How a rule compares organisation names: case, dots and punctuation ignored, a leading
    "the" dropped ("U.S. Army Research Laboratory" → "us army research laboratory"). Spelling
    is kept: "Department of Defence" (Australia's) is not "Department of Defense"."""
    text = unicodedata.normalize("NFKC", text).casefold().replace(".", "").replace("&", " and ")
    words = _WORDS.findall(text)
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


# The longest run of words a name is also compared by: longer than any organisation name a
# rulebook lists ("office of the under secretary of defense for research and engineering" is
# 10), short enough that a long funder text gives a bounded number of runs.
_LONGEST_RUN = 12


def _word_runs(form: str) -> list[str]:
    """Every run of up to ``_LONGEST_RUN`` consecutive whole words of a name in ``name_form``:
    how a listed name is found inside the way an RIS writes a funder ("Office of Naval
    Research, grant N00014-21-1-2345" holds "office of naval research"; "DARPA Young Faculty
    Award" holds "darpa"). Whole words only: "ONR" is not found in "Monroe"."""
    words = form.split()
    return [
        " ".join(words[start:end])
        for start in range(len(words))
        for end in range(start + 1, min(len(words), start + _LONGEST_RUN) + 1)
    ]


def _names(org: Any) -> list[str]:
    """The organisation's name and aliases in ``name_form``; a name ending in brackets also
    as the part before them and the part inside ("Air Force Office of Scientific Research
    (AFOSR)" → both); then every whole-word run inside them (``_word_runs``), so that a rule's
    `names contains "x"` holds when "x" is the name or is written, as whole words, in it. The
    full forms come first: they are what evidence shows a reader first."""
    if type(org) is dict:
        written = [org.get("name") or "", *org.get("aliases", ())]
    else:
        written = [org.name, *org.aliases]
    forms: dict[str, None] = {}
    for name in written:
        found = _TRAILING_BRACKETS.match(name)
        for part in (name, found["name"], found["inside"]) if found else (name,):
            if form := name_form(part):
                forms.setdefault(form, None)
    runs = dict(forms)
    for form in forms:
        for run in _word_runs(form):
            runs.setdefault(run, None)
    return list(runs)


def _codes(obj: Any) -> list[str]:
    if type(obj) is dict:
        return [f"{c['scheme']}:{c['code']}" for c in obj.get("classifications", ())]
    return [f"{c.scheme}:{c.code}" for c in obj.classifications]


ORGANISATION = {
    "name": _f(T, "name as held in the source system"),
    "aliases": _f(L, "other names"),
    "country": FieldSpec(T, "ISO 3166-1 alpha-2 code", country=True),
    "ror": _f(T, "ROR id (the 9-character suffix)", getter=_ror),
    "types": _f(L, "organisation types, e.g. university, company, military", casefold=True),
    "parent": _f(T, "parent organisation name"),
    "lists": _f(L, "reference lists the organisation matched (enrichment)"),
    "candidate_lists": _f(L, "lists with a possible match to confirm (enrichment)"),
    "country_signals": _f(L, "signals from the country profile (enrichment)"),
    "foreign": _f(
        FieldType.BOOL,
        "outside the home country and, for an EU member, the EU (enrichment; missing when the "
        "home country or the organisation's country is unknown)",
    ),
    "names": _f(
        L,
        "name and aliases compared with case, dots and punctuation ignored (also the part "
        "before and inside a trailing bracket); a listed name also counts when it is written, "
        'as whole words, inside the name ("DARPA Young Faculty Award" contains "DARPA"): '
        "`names contains any vars.dod_funders`",
        getter=_names,
        literal_form=name_form,
    ),
    "ror_lineage": _f(
        L,
        "its ROR id and its ancestors' by ROR's parent relationships, nearest first "
        "(enrichment, as far as the imported registry holds them)",
    ),
}
PARTNER = {**ORGANISATION, "role": _f(T, "role in the project", casefold=True)}
FUNDER = {
    **ORGANISATION,
    "amount": _f(N, "amount awarded, in `currency`"),
    "currency": _f(T, "ISO 4217 code"),
    "programme": _f(T, "funding programme"),
}
PERSON = {
    "role": _f(
        T,
        "role, one of the known roles (PERSON_ROLES), e.g. visiting researcher, PI; any other "
        "text is UNKNOWN_ROLE (kvrules.roles)",
        casefold=True,
        vocabulary=PERSON_ROLES,
    ),
    "affiliations": _f(FieldType.OBJECT_LIST, "affiliated organisations", children=ORGANISATION),
    # Free-form: what a source system holds about a person (possibly nationality in any
    # language). Rules cannot read it unless an administrator allows a key (see free_form).
    "attributes": _f(FieldType.TEXT_MAP, "adapter-supplied attributes", personal=True),
}
_SUBJECT = {
    "id": _f(T, "record id in the source system"),
    "title": _f(T),
    "keywords": _f(L, "free keywords", casefold=True),
    "classifications": _f(L, "classification codes as 'scheme:code'", getter=_codes),
    "sensitive_areas": _f(L, "sensitive research areas (enrichment)"),
    "areas_not_screened": _f(
        L,
        "the language of the text when the area vocabulary has no terms in it, or 'language "
        "not recognised' (enrichment)",
    ),
}
PROJECT = {
    **_SUBJECT,
    "start": _f(D),
    "end": _f(D),
    "status": _f(T, casefold=True),
    "units": _f(L, "organisational units"),
    "partners": _f(FieldType.OBJECT_LIST, "external partners", children=PARTNER),
    "funders": _f(FieldType.OBJECT_LIST, "funders", children=FUNDER),
    "participants": _f(FieldType.OBJECT_LIST, "people on the project", children=PERSON),
    "foreign_funding_share": _f(
        N, "with a funder from abroad: highest foreign share of its units' funding, 0–1"
    ),
    "contract": _f(
        FieldType.OBJECT,
        "contract metadata",
        children={
            "type": _f(T, casefold=True),
            "signed_on": _f(D),
            "extended_on": _f(D),
            "clauses": _f(L, "standard clauses present, e.g. integrity-code", casefold=True),
        },
    ),
}
OUTPUT = {
    **{k: v for k, v in _SUBJECT.items()},
    "published_on": _f(D),
    "affiliations": _f(FieldType.OBJECT_LIST, "co-authors' affiliations", children=ORGANISATION),
}
VISIT = {
    "id": _f(T),
    "host_unit": _f(T),
    "start": _f(D),
    "end": _f(D),
    # What the visit is for, in the host's words, which may say who the visitor is ("hosting
    # an Iranian PhD student"): rules read what a visit is about through ``sensitive_areas``,
    # classified from it and the keywords; the text itself only as a person's attribute is.
    "purpose": _f(
        T,
        "free text: readable only at an allowed path (readable_attributes) under legal_basis; "
        "what a visit is about is in `sensitive_areas`",
        personal=True,
        allow_listed=True,
    ),
    "keywords": _f(L, casefold=True),
    "sensitive_areas": _f(L, "sensitive research areas (enrichment)"),
    "areas_not_screened": _f(
        L,
        "the language of the text when the area vocabulary has no terms in it, or 'language "
        "not recognised' (enrichment)",
    ),
    "visitor": _f(FieldType.OBJECT, "the visitor", children=PERSON),
}
APPLICATION = {
    "id": _f(T, "record id in the source system"),
    "status": _f(T, "where it stands with the funder: submitted, awarded, rejected", casefold=True),
    "workflow_step": _f(T, "the RIS's workflow step, e.g. forApproval", casefold=True),
    "submitted_on": _f(D),
    "awards": _f(L, "ids of the awards that followed it"),
}

ROOT: Mapping[str, FieldSpec] = {
    "kind": _f(T, "event kind, e.g. partner.added"),
    "source": _f(
        FieldType.OBJECT,
        "where the event came from",
        children={"system": _f(T), "record_id": _f(T)},
    ),
    "occurred_at": _f(D, "when it happened"),
    "project": _f(FieldType.OBJECT, children=PROJECT),
    "partner": _f(FieldType.OBJECT, "the partner added (partner.added)", children=PARTNER),
    "funder": _f(FieldType.OBJECT, "the funder added (funder.added)", children=FUNDER),
    "visit": _f(FieldType.OBJECT, children=VISIT),
    "output": _f(FieldType.OBJECT, children=OUTPUT),
    "application": _f(
        FieldType.OBJECT,
        "the funding application (application.*); `project` holds what it proposes",
        children=APPLICATION,
    ),
}

SCALARS = {FieldType.TEXT, FieldType.NUMBER, FieldType.DATE, FieldType.BOOL}


def resolve(scope: Mapping[str, FieldSpec], path: Iterable[str]) -> FieldSpec | None:
    """The spec at ``path`` below ``scope``, or None when no such field exists."""
    spec: FieldSpec | None = None
    children = scope
    parts = list(path)
    for i, part in enumerate(parts):
        if spec is not None and spec.type is FieldType.TEXT_MAP:
            # one key below a map, holding text; a map value has no fields of its own
            if i < len(parts) - 1 or not part.isidentifier():
                return None
            return _f(T, "attribute", personal=spec.personal)
        spec = children.get(part)
        if spec is None:
            return None
        children = spec.children
    return spec


def free_form(scope: Mapping[str, FieldSpec], path: Iterable[str]) -> FieldSpec | None:
    """The free-form map (``TEXT_MAP``) that ``path`` reads or reads a key of, if any.

    Rules read catalogue fields only; a key in such a map is whatever a source system calls it
    (``staatsangehoerigkeit``, ``herkunft``), so no list of words can tell what it holds.
    """
    children = scope
    for part in path:
        spec = children.get(part)
        if spec is None:
            return None
        if spec.type is FieldType.TEXT_MAP:
            return spec
        children = spec.children
    return None


def attribute_path_problem(text: str) -> str | None:
    """Why ``text`` is not the path of one free-form attribute key from the event root."""
    parts = text.split(".")
    field = resolve(ROOT, parts)
    if field is not None and field.allow_listed:
        return None  # free text a rule reads only where allowed (visit.purpose)
    spec = free_form(ROOT, parts)
    if spec is None or field in (None, spec):
        return (
            f"{text!r} is not an attribute path: write the path of one key of a free-form "
            "attributes map, e.g. visit.visitor.attributes.sanctions_designation, or of free "
            f"text a law requires a rule to read ({', '.join(allow_listed_paths())})"
        )
    return None


def allow_listed_paths() -> list[str]:
    """The catalogue's free-text fields a rule reads only where allowed (``allow_listed``)."""

    def walk(scope: Mapping[str, FieldSpec], prefix: str) -> Iterable[str]:
        for name, spec in scope.items():
            if spec.allow_listed:
                yield prefix + name
            yield from walk(spec.children, f"{prefix}{name}.")

    return sorted(set(walk(ROOT, "")))


def names_at(scope: Mapping[str, FieldSpec], path: Iterable[str]) -> list[str]:
    """Field names one level below ``path`` (for did-you-mean suggestions)."""
    children = scope
    for part in path:
        spec = children.get(part)
        if spec is None:
            return []
        children = spec.children
    return list(children)


# -- projection --------------------------------------------------------------------------------


def _date(value: Any) -> int:
    if isinstance(value, datetime):
        value = value.date()
    return value.year * 10000 + value.month * 100 + value.day


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


@dataclass
class _Node:
    """A projection tree: which fields of which objects the rules need."""

    spec: FieldSpec
    children: dict[str, _Node] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)  # TEXT_MAP keys referenced
    patterns: list[tuple[str, str]] = field(default_factory=list)  # (flag key, RE2 pattern)
    flags: list[tuple[str, Callable[[dict], bool]]] = field(default_factory=list)  # per element


def _getter(name: str, spec: FieldSpec, plain: bool) -> Callable[[Any], Any]:
    """Reads the field ``name`` of a model instance, or of a plain event's dict if ``plain``."""
    if spec.getter is not None:
        return spec.getter
    if name == "kind":
        return (lambda event: event["kind"].value) if plain else (lambda event: event.kind.value)
    return methodcaller("get", name) if plain else attrgetter(name)


Convert = Callable[[Any], Any]  # source value -> view value, or None to leave the field out


def _converter(node: _Node, plain: bool) -> Convert | None:
    """A function specialised to one field, so projecting an event does no type dispatch."""
    kind, fold = node.spec.type, node.spec.casefold
    if kind is FieldType.OBJECT:
        sub = _compile(node.children, plain)
        return lambda v: sub(v) or None
    if kind is FieldType.OBJECT_LIST:
        sub, flags = _compile(node.children, plain), node.flags
        if not flags:
            return lambda v: [sub(item) for item in v] or None

        def elements(v: Any) -> list[dict] | None:
            out = []
            for item in v:
                element = sub(item)
                for key, test in flags:  # booleans the engine reads instead of nested list tests
                    element[key] = test(element)
                out.append(element)
            return out or None

        return elements
    if kind is FieldType.TEXT_LIST:
        return (
            (lambda v: [x.casefold() for x in v] or None) if fold else (lambda v: list(v) or None)
        )
    if kind is FieldType.TEXT_MAP:
        keys = sorted(node.keys)
        return lambda v: {k: v[k] for k in keys if k in v} or None
    if kind is FieldType.DATE:
        return _date
    if kind is FieldType.NUMBER:
        return _number
    if kind is FieldType.TEXT and fold:
        return str.casefold
    return None  # taken as it is


def _compile(nodes: dict[str, _Node], plain: bool) -> Callable[[Any], dict[str, Any]]:
    plan = [
        (name, _getter(name, node.spec, plain), _converter(node, plain), node.patterns)
        for name, node in nodes.items()
    ]

    def project(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, get, convert, patterns in plan:
            value = get(obj)
            if value is None:
                continue
            if convert is not None:  # most text and numbers are taken as they are
                value = convert(value)
                if value is None:
                    continue
            out[name] = value
            for key, pattern in patterns:
                out[key] = fullmatch(pattern, value)
        return out

    return project


class Projection:
    """Turns events into the compact typed dict the evaluators read (only referenced fields)."""

    def __init__(
        self,
        paths: Iterable[tuple[str, ...]],
        patterns: Mapping[tuple[str, ...], Iterable[str]] | None = None,
        element_flags: Mapping[tuple[str, ...], Mapping[str, Callable[[dict], bool]]] | None = None,
    ) -> None:
        """``patterns``: RE2 patterns per text field; ``element_flags``: per list of objects,
        boolean keys to add to each projected element (key → test of the element)."""
        self.root: dict[str, _Node] = {}
        for path in paths:
            self._add(path)
        for path, found in (patterns or {}).items():
            node = self._add(path)
            node.patterns = sorted({(flag_key(path[-1], p), p) for p in found})
        for path, tests in (element_flags or {}).items():
            self._add(path).flags = sorted(tests.items())
        self._project = _compile(self.root, plain=False)
        self._project_plain = _compile(self.root, plain=True)

    def _add(self, path: tuple[str, ...]) -> _Node:
        level, scope = self.root, ROOT
        for i, part in enumerate(path):
            spec = scope[part]
            node = level.get(part)
            if node is None:
                node = level[part] = _Node(spec)
            if spec.type is FieldType.TEXT_MAP:
                if i + 1 < len(path):
                    node.keys.add(path[i + 1])
                return node
            level, scope = node.children, spec.children
        return node

    def __call__(self, event: Any) -> dict[str, Any]:
        """The view of ``event``: a model instance, or a plain event's dict."""
        return (self._project_plain if type(event) is dict else self._project)(event)

    def max_keys(self) -> int:
        """Most flattened keys a view can have (list items don't count in durable_rules)."""

        def count(nodes: dict[str, _Node]) -> int:
            total = 0
            for node in nodes.values():
                total += 1 + len(node.patterns) + len(node.keys)  # list elements don't count
                if node.spec.type is FieldType.OBJECT:
                    total += count(node.children)
            return total

        return count(self.root)
