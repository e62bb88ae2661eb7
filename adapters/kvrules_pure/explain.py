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

    A research output reads every external organisation it names, wherever it is."""
    rec = legacy.to_current(rec)
    reads = set(mapping.READS[family])
    if family == "output":
        reads |= {INDEX.sub("[]", p).removesuffix("[]") for p, _ in mapping.external_refs(rec)}
    leaves = leaf_paths(rec)
    read = sorted(r for r in reads if any(_covered(leaf, {r}) for leaf in leaves))
    ignored = {_ignored_field(leaf, reads) for leaf in leaves if not _covered(leaf, reads)}
    return RecordExplanation(record_id=record_id, read=read, ignored=sorted(ignored))


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
