"""The sync cursor: where a scan stands, plus the small state incremental scans need.

Encoded as ``pure1:`` + base64url(zlib(JSON)), so callers store one opaque string.

Reverse index (the design choice for "a partner organisation or award changed"): Pure 5.35
cannot answer "which projects use this award?" (the simulator has neither
``/awards/{uuid}/cluster`` nor ``/dependents``), so re-deriving means a full scan. Instead the
cursor keeps ``ref uuid -> record positions`` for every external organisation and award a
record used, with each record id stored once. About 40 bytes per record compressed.

Version map (only without the changes feed): short hashes ``h(uuid) -> h(version)``, 6+4
bytes each, enough to tell changed from unchanged (the odds of a miss are ~2^-32 per change).

Own units (``/organizations``) are deliberately not in the reverse index, which would cost a
few bytes per project. The cursor keeps only ``h(uuid)`` of every unit some project named
(bounded by the number of units). A changed unit that no project names is ignored; one that
is named makes the scanner find its projects by listing ``/projects`` (the diffed pass lists
them anyway; see scan.py). ``unit_changes`` holds the changed units during a diffed pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kvrules import pack_cursor, unpack_cursor

PREFIX = "pure1:"


def short(value: str, size: int) -> str:
    return hashlib.blake2b(value.encode(), digest_size=size).hexdigest()


class ReverseIndex:
    def __init__(self, records: list[str] | None = None, refs: dict[str, list[int]] | None = None):
        self.records: list[str] = records or []
        self.pos = {r: i for i, r in enumerate(self.records)}
        self.refs: dict[str, set[int]] = {k: set(v) for k, v in (refs or {}).items()}

    def __contains__(self, record_id: str) -> bool:
        return record_id in self.pos

    def add(self, record_id: str, refs: Iterable[str]) -> None:
        i = self.pos.get(record_id)
        if i is None:
            i = self.pos[record_id] = len(self.records)
            self.records.append(record_id)
        for ref in refs:
            self.refs.setdefault(ref, set()).add(i)

    def dependents(self, refs: Iterable[str]) -> set[str]:
        return {self.records[i] for ref in refs for i in self.refs.get(ref, ())}

    def dump(self) -> dict[str, Any]:
        return {"r": self.records, "m": {k: sorted(v) for k, v in self.refs.items()}}


@dataclass
class State:
    mode: str = "full"  # full (first pass) | changes (legacy feed) | diff (full pass, diffed)
    phase: int = 0  # index into the enabled families during a pass
    offset: int = 0
    token: str | None = None  # changes-feed resumption token
    index: ReverseIndex = field(default_factory=ReverseIndex)
    versions: dict[str, str] | None = None  # diff mode only
    pending: list[str] = field(default_factory=list)  # diff mode: dependents still to re-read
    # h(uuid) of the units projects named; None: not known (a cursor from before units).
    unit_refs: set[str] | None = field(default_factory=set)
    unit_changes: list[str] = field(default_factory=list)  # diff mode: changed unit uuids

    def seen(self, uuid: str, version: Any) -> bool:
        """Diff mode: True when uuid is known at this version; records the version either way."""
        if self.versions is None:
            return False
        key, value = short(uuid, 6), short(str(version), 4)
        same = self.versions.get(key) == value
        self.versions[key] = value
        return same

    def note_units(self, uuids: Iterable[str]) -> None:
        if self.unit_refs is not None:
            self.unit_refs.update(short(u, 6) for u in uuids)

    def names_unit(self, uuid: str) -> bool:
        """Could a project use this unit? (True when the cursor predates unit tracking.)"""
        return self.unit_refs is None or short(uuid, 6) in self.unit_refs

    def encode(self) -> str:
        doc = {
            "mode": self.mode,
            "phase": self.phase,
            "offset": self.offset,
            "token": self.token,
            "index": self.index.dump(),
            "versions": self.versions,
            "pending": self.pending,
            "unit_refs": None if self.unit_refs is None else sorted(self.unit_refs),
            "unit_changes": self.unit_changes,
        }
        return pack_cursor(PREFIX, doc, level=1)  # large: speed over size

    @classmethod
    def decode(cls, cursor: str | None) -> State:
        if not cursor:
            return cls()
        doc = unpack_cursor(PREFIX, cursor)
        index = doc.get("index") or {}
        return cls(
            mode=doc["mode"],
            phase=doc.get("phase", 0),
            offset=doc.get("offset", 0),
            token=doc.get("token"),
            index=ReverseIndex(index.get("r"), index.get("m")),
            versions=doc.get("versions"),
            pending=doc.get("pending") or [],
            unit_refs=None if doc.get("unit_refs") is None else set(doc["unit_refs"]),
            unit_changes=doc.get("unit_changes") or [],
        )
