"""``kvrules fetch --explain`` for Pure: which fields of a record the mapping read, and which
were present but ignored — so an administrator can see what their instance sends that kvrules
does not look at (issue #15)."""

from __future__ import annotations

import re
from typing import Any

from kvrules import RecordExplanation

from . import legacy, mapping

Json = dict[str, Any]
INDEX = re.compile(r"\[\d+\]")


def leaf_paths(value: Any) -> set[str]:
    """The shape paths of a record's leaves (list positions as ``[]``); iterative."""
    found: set[str] = set()
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        here, path = stack.pop()
        if isinstance(here, dict) and here:
            stack += [(v, f"{path}.{k}" if path else k) for k, v in here.items()]
        elif isinstance(here, list) and here:
            stack += [(v, f"{path}[]") for v in here]
        elif path and here not in (None, "", [], {}):
            found.add(path)
    return found


def _covered(path: str, reads: set[str]) -> bool:
    return any(path == r or path.startswith((f"{r}.", f"{r}[]")) for r in reads)


def explain(family: str, record_id: str, rec: Json) -> RecordExplanation:
    """Read vs ignored fields of one source record of ``family`` (a key of mapping.READS).

    A research output reads every external organisation it names, wherever it is. A record of
    the older API is explained as that API sends it: its field names (``personAssociations``,
    ``organisationalUnits``), its ``info`` (read: the dates and portal address; the rest, such
    as ``info.additionalExternalIds``, ignored)."""
    current = legacy.to_current(rec)
    reads = set(mapping.READS[family])
    if family == "output":
        reads |= {INDEX.sub("[]", p).removesuffix("[]") for p, _ in _refs(current)}
    if legacy.is_legacy(rec):
        reads = {p for r in reads for p in legacy_paths(r)}
        leaves = leaf_paths(rec)
    else:
        leaves = leaf_paths(current)
    read = sorted(r for r in reads if any(_covered(leaf, {r}) for leaf in leaves))
    ignored = {_ignored_field(leaf, reads) for leaf in leaves if not _covered(leaf, reads)}
    return RecordExplanation(
        record_id=record_id, read=read, ignored=sorted(ignored), title=_title(current)
    )


# Where the older API keeps what the current one has at the top (legacy.to_current): ``info``;
# its "other id" and typed ids are what the current API calls identifiers.
FROM_INFO = ("createdDate", "modifiedDate", "createdBy", "modifiedBy", "portalUrl")
LEGACY_SEGMENT = re.compile(r"(\.|\[\])")


def legacy_paths(path: str) -> list[str]:
    """A field path of the current API as the older API names it (none for ``version``,
    which it does not have: its modified time serves)."""
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    if top == "version":
        return []
    if top == "identifiers":
        return ["externalId", "externalIdSource", "ids"]
    renamed = "".join(legacy.SOURCE_NAMES.get(s, s) for s in LEGACY_SEGMENT.split(path))
    return [f"info.{renamed}" if top in FROM_INFO else renamed]


def _refs(rec: Json) -> list[tuple[str, str]]:
    try:
        return mapping.external_refs(rec)
    except mapping.MappingError:  # the mapping quarantines it, naming the field
        return []


def _title(rec: Json) -> str | None:
    """The record's title as the source gives it (its first text), to name it by."""
    try:
        return mapping.text(rec.get("title"), [], "title")
    except mapping.MappingError:
        return None


def organisations_named(rec: Any) -> list[str]:
    """The external organisations a record names, anywhere (none when its shape is wrong:
    the mapping says what is wrong with it)."""
    if not isinstance(rec, dict):
        return []
    rec = legacy.to_current(rec)
    try:
        found = mapping.org_uuids(rec) | {u for _, u in mapping.external_refs(rec)}
    except mapping.MappingError:
        return []
    return sorted(found)


def _ignored_field(leaf: str, reads: set[str]) -> str:
    """The shortest prefix of an ignored leaf that the mapping does not look into at all:
    ``journalAssociation``, ``contributors[].externalPerson`` — not every leaf below them."""
    for end in (m.start() for m in re.finditer(r"\.|\[\]|$", leaf)):
        prefix = leaf[:end]
        if prefix and not any(
            r == prefix or r.startswith((f"{prefix}.", f"{prefix}[]")) for r in reads
        ):
            return prefix
    return leaf
