"""Who an evidence path names: the list elements it runs through, as people know them.

Evidence through a list element (``project.partners[2].lists``) names the element ("Beihang
University (CN)") from the event itself, a model instance or a plain event alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from operator import attrgetter
from typing import Any

from kvrules.fields import ROOT, FieldSpec, FieldType
from kvrules.findings import Evidence, Finding, make_evidence
from kvrules.model import CollaborationEvent, PlainEvent


def _field(obj: Any, name: str) -> Any:
    """A field of a model instance or of a plain event's dict; None when it has none."""
    return obj.get(name) if type(obj) is dict else getattr(obj, name, None)


_STEP = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


@lru_cache(maxsize=4096)
def _steps(path: str) -> tuple[tuple[str, int | None], ...]:
    """An evidence path as (field, list position) steps; rulebooks use few distinct paths."""
    return tuple((name, int(index) if index else None) for name, index in _STEP.findall(path))


def with_subject(
    evidence: Evidence, event: CollaborationEvent | PlainEvent, subjects: dict[str, str | None]
) -> Evidence:
    """Name the list element(s) an evidence path runs through, from the event itself
    (``subjects``: the names found so far for this event, as several findings share paths)."""
    if "[" not in evidence.path:
        return evidence
    path = evidence.path
    if path not in subjects:
        subjects[path] = subject(path, event)
    who = subjects[path]
    if who is None:
        return evidence
    return make_evidence(path, evidence.test, evidence.actual, who)


# The single organisation a partner.added / funder.added event is about (``kvrules.fields``
# ROOT ``partner`` / ``funder``): its evidence runs through no list position.
_ADDED = {"partner.added": "partner", "funder.added": "funder"}


def name_the_added(findings: list[Finding], event: CollaborationEvent | PlainEvent) -> None:
    """Name the partner (funder) a ``partner.added`` (``funder.added``) event adds in the
    evidence read from it (``partner.lists``), as a list element is named: the store renders
    and checks a finding's evidence against the record as last read, whose ``partner`` is
    the one a later event added. Unnamed, a sanctions finding on one partner read as one on
    the next partner added to the record (and was noted as lapsed); named, the organisation
    is found in the record's lists by its name (``kvrules.plain``)."""
    root = _ADDED.get(str(_field(event, "kind")))
    if root is None or not findings:
        return
    who = _added_name(f"{root}.added", root, event)
    if who is None:
        return
    prefix = root + "."
    for finding in findings:
        if any(not e.subject and e.path.startswith(prefix) for e in finding.evidence):
            finding.evidence = [
                make_evidence(e.path, e.test, e.actual, who)
                if not e.subject and e.path.startswith(prefix)
                else e
                for e in finding.evidence
            ]


def added_namer(root: str) -> Callable[[CollaborationEvent | PlainEvent], str | None] | None:
    """``name(event)``: who ``name_the_added`` names in the evidence read below ``root``
    (``partner``, ``funder``) of ``event``: the organisation a ``partner.added``
    (``funder.added``) event adds; None for an event of another kind or without it. None (no
    such function) for any other root. For the finding makers, which name it as they make
    the evidence (kvrules.engine.makers) instead of making the evidence again afterwards."""
    kind = f"{root}.added"
    return partial(_added_name, kind, root) if _ADDED.get(kind) == root else None


def _added_name(kind: str, root: str, event: CollaborationEvent | PlainEvent) -> str | None:
    if str(_field(event, "kind")) != kind:
        return None
    added = _field(event, root)
    return None if added is None else identity(added)


def subject(path: str, event: CollaborationEvent | PlainEvent) -> str | None:
    """The list element(s) ``path`` runs through, named and joined by " / "; None when the
    path does not reach a field of the event."""
    if type(event) is dict:
        return _plain_subject(path, event)
    obj: Any = event
    scope: Mapping[str, FieldSpec] = ROOT
    names = []
    for field_name, index in _steps(path):
        spec = scope.get(field_name)
        # A field read by a getter (an organisation's `names`, `ror`) is no model attribute.
        if spec is not None and spec.getter is not None:
            obj = spec.getter(obj)
        else:
            obj = getattr(obj, field_name, None)
        if obj is None:
            return None
        if index is not None:
            obj = obj[index]
            names.append(identity(obj))
        scope = spec.children if spec is not None else {}
    return " / ".join(names)


_EMPTY_BY_DEFAULT = {FieldType.TEXT_LIST, FieldType.OBJECT_LIST, FieldType.TEXT_MAP}
_LEFT_OUT = object()


def _plain_subject(path: str, event: PlainEvent) -> str | None:
    """``subject`` of a plain event, to the same answer as for its model: a field left out
    reads as the model's default (empty for a list or map, else None), and a key below a
    free-form map as no attribute (None), which the field catalogue tells apart."""
    obj: Any = event
    scope: Mapping[str, FieldSpec] = ROOT
    names = []
    for field_name, index in _steps(path):
        spec = scope.get(field_name)
        if spec is None:  # a key of a free-form map: a model instance has no such attribute
            return None
        # a field read by a getter (`names`, `ror`) is computed, as for a model instance
        obj = spec.getter(obj) if spec.getter is not None else obj.get(field_name, _LEFT_OUT)
        if obj is _LEFT_OUT:
            if spec.type not in _EMPTY_BY_DEFAULT:
                return None
            obj = {} if spec.type is FieldType.TEXT_MAP else []
        if obj is None:
            return None
        if index is not None:
            obj = obj[index]
            names.append(identity(obj))
        scope = spec.children
    return " / ".join(names)


def identity(item: Any) -> str:
    """An organisation by name and the country its source gave; a person by affiliation.

    A country kvrules took from a list entry (``country_from``) is left out: the subject is
    part of a finding's identity (``Finding.fingerprint``, ``substance``), and the same rule
    on the same partner must stay the same finding once enrichment fills in its country (a
    store made before that filled it in had a second finding and a new alert). The evidence
    sentence still says the country, and where it came from (``plain.country_taken``)."""
    if type(item) is dict:  # one test for both fields: every named element comes here
        name, country = item.get("name"), item.get("country")
        taken = item.get("country_from")
    else:
        name, country = getattr(item, "name", None), getattr(item, "country", None)
        taken = getattr(item, "country_from", None)
    if name is None:  # a person: named by affiliation only
        affiliations = _field(item, "affiliations") or []
        return "person of " + (
            ", ".join(_field(a, "name") for a in affiliations) or "no affiliation"
        )
    return f"{name} ({country})" if country and taken is None else name


def element_namer(
    where: tuple[str, ...], rest: tuple[str, ...]
) -> Callable[[CollaborationEvent | PlainEvent, int], str | None] | None:
    """``name(event, index)``: what ``subject(f"{where}[{index}].{rest}", event)`` returns
    once a test of the field ``rest`` of that element held on the event's view, read directly.

    The view holds such a field only when the event holds it (and not None), so the subject
    is the element's identity, unless a step is read by a getter, below a free-form map or
    through another list, where ``subject`` answers differently: then None (no such function).
    """
    scope: Mapping[str, FieldSpec] = ROOT
    for step, name in enumerate((*where, *rest)):
        spec = scope.get(name)
        if spec is None or spec.getter is not None or spec.type is FieldType.TEXT_MAP:
            return None
        if (spec.type is FieldType.OBJECT_LIST) is not (step == len(where) - 1):
            return None
        scope = spec.children
    if len(rest) != 1:
        return None
    read_model = attrgetter(".".join(where))

    def name(event: CollaborationEvent | PlainEvent, index: int) -> str | None:
        if type(event) is dict:
            items: Any = event
            for field_name in where:
                items = items[field_name]
        else:
            items = read_model(event)
        return identity(items[index])

    return name
