"""Per-record limits: how much work and memory one source record may cost.

Source records are untrusted (SECURITY.md): a 20 MB title or a million organisation refs must
not cost gigabytes or a million requests. Adapters check a record's raw JSON with
``check_raw`` *before* fetching anything it references, and the mapped events with
``check_events`` *before* enrichment matches names. A record over a limit is quarantined with
the field path and the limit; nothing is truncated, because a shortened name could match, or
miss, a listed organisation and the committee would never know.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kvrules.errors import KvrulesError
from kvrules.intake import located_organisations
from kvrules.model import CollaborationEvent, Organisation


class LimitExceeded(KvrulesError, ValueError):
    """A record is over a per-record limit; the message names the field path and the limit."""


class RecordLimits(BaseModel):
    """Configurable per-record limits (``limits:`` of a source; defaults fit real RIS data)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_record_chars: int = Field(
        default=5_000_000, ge=1, description="a record's raw JSON, in characters (strings, keys)"
    )
    max_string_chars: int = Field(
        default=1_000_000, ge=1, description="any one raw string (abstracts are the longest)"
    )
    max_array_items: int = Field(default=10_000, ge=1, description="items of any one raw array")
    max_depth: int = Field(default=64, ge=1, description="nesting of objects and arrays")
    max_refs: int = Field(
        default=1_000, ge=0, description="organisations a record refers to (one request each)"
    )
    max_name_chars: int = Field(
        default=2_000, ge=1, description="an organisation's name, alias or parent name"
    )
    max_title_chars: int = Field(default=10_000, ge=1, description="a project or output title")


# The per-item cost of a scalar or container, so that a million empty items still count.
ITEM_CHARS = 8


def _check(path: str, what: str, size: int, key: str, limits: RecordLimits) -> None:
    """Raise LimitExceeded when ``size`` is over the limit ``key`` of ``limits``."""
    limit = getattr(limits, key)
    if size > limit:
        raise LimitExceeded(
            f"{path or 'record'}: {what} {size:,} is over the limit {limit:,} ({key})"
        )


def _within(record: Any, limits: RecordLimits) -> bool:
    """Whether ``check_raw`` passes: the same limits and sizes, without the paths it names.

    Scalars are counted in their container's loop rather than one stack entry each, which
    makes it several times faster; only a record over a limit is walked again for its path.
    """
    max_string, max_depth = limits.max_string_chars, limits.max_depth
    max_items, max_total = limits.max_array_items, limits.max_record_chars
    total = 0
    containers: list[tuple[Any, int]] = []

    def count(values: Iterable[Any], depth: int) -> int:
        size = 0
        for v in values:
            if isinstance(v, str):
                if len(v) > max_string:
                    return -1
                size += len(v)
            else:
                size += ITEM_CHARS
                if isinstance(v, dict | list):
                    containers.append((v, depth))
        return size

    size = count((record,), 1)
    while size >= 0:
        total += size
        if total > max_total:
            return False
        if not containers:
            return True
        value, depth = containers.pop()
        if depth > max_depth:
            return False
        if isinstance(value, list):
            if len(value) > max_items:
                return False
            size = count(value, depth + 1)
        else:
            total += sum(len(str(key)) for key in value)
            size = count(value.values(), depth + 1)
    return False


def check_raw(record: Any, limits: RecordLimits) -> None:
    """Raise LimitExceeded for the first part of a raw JSON record over a limit.

    Iterative (a deep record cannot exhaust the stack) and stops at the first excess, so the
    check itself costs at most ``max_record_chars`` of work.
    """
    if _within(record, limits):
        return  # the common case, checked without spelling out a path for every value
    total = 0
    stack: list[tuple[str, Any, int]] = [("", record, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            _check(path, "text of length", len(value), "max_string_chars", limits)
            total += len(value)
        else:
            total += ITEM_CHARS
        if isinstance(value, dict | list):
            _check(path, "nesting depth", depth + 1, "max_depth", limits)
            if isinstance(value, list):
                _check(path, "array length", len(value), "max_array_items", limits)
                stack.extend((f"{path}[{i}]", v, depth + 1) for i, v in enumerate(value))
            else:
                for key, v in value.items():
                    total += len(str(key))
                    stack.append((f"{path}.{key}" if path else str(key), v, depth + 1))
        _check("", "size in characters", total, "max_record_chars", limits)


def check_refs(count: int, limits: RecordLimits, path: str = "record") -> None:
    """Raise LimitExceeded when a record refers to more organisations than ``max_refs``."""
    _check(path, "organisation references", count, "max_refs", limits)


def _org_texts(path: str, org: Organisation) -> Iterable[tuple[str, str]]:
    yield f"{path}.name", org.name
    yield from ((f"{path}.aliases[{i}]", a) for i, a in enumerate(org.aliases))
    if org.parent is not None:
        yield f"{path}.parent", org.parent


def _names(event: CollaborationEvent) -> Iterable[tuple[str, str]]:
    for path, org in located_organisations(event):
        yield from _org_texts(path, org)


def _titles(event: CollaborationEvent) -> Iterable[tuple[str, str]]:
    for field in ("project", "output"):
        if (subject := getattr(event, field)) is not None:
            yield f"{field}.title", subject.title
    if event.visit is not None and event.visit.purpose is not None:
        yield "visit.purpose", event.visit.purpose


def check_events(events: Iterable[CollaborationEvent], limits: RecordLimits) -> None:
    """Raise LimitExceeded for the first name or title over its limit (before matching)."""
    for event in events:
        for path, name in _names(event):
            _check(path, "name of length", len(name), "max_name_chars", limits)
        for path, title in _titles(event):
            _check(path, "title of length", len(title), "max_title_chars", limits)
