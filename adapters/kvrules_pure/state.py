"""The sync cursor: where a scan stands, plus the small state incremental scans need.

Encoded as ``pure2:`` + base64url(zlib(JSON)) of the position, then ``.`` + one packed chunk
of the reverse index per page that added to it, so callers store one opaque string. A
``pure1:`` cursor (the whole index inside the one document) is still read.

Reverse index (the design choice for "a partner organisation or award changed"): Pure 5.35
cannot answer "which projects use this award?" (the simulator has neither
``/awards/{uuid}/cluster`` nor ``/dependents``), so re-deriving means a full scan. Instead the
cursor keeps ``ref uuid -> record positions`` for every external organisation and award a
record used. It is written a page at a time: each page's additions are packed once into a
chunk (about 100 bytes per record) and later cursors carry that chunk as it is. Packing the
whole index again at every page cost time and memory that grew with the portfolio (at 50,000
projects, seconds per page and 1.2 KB per record in memory); a full read now holds only the
packed chunks, and the index is unpacked when a later pass looks something up in it.

Version map (only without the changes feed): short hashes ``h(uuid) -> h(version)``, 6+4
bytes each, enough to tell changed from unchanged (the odds of a miss are ~2^-32 per change).
Written like the index, a chunk per page (after ``~``), a later chunk overriding an earlier one.

Own units (``/organizations``) are deliberately not in the reverse index, which would cost a
few bytes per project. The cursor keeps only ``h(uuid)`` of every unit some project named
(bounded by the number of units). A changed unit that no project names is ignored; one that
is named makes the scanner find its projects by listing ``/projects`` (the diffed pass lists
them anyway; see scan.py). ``unit_changes`` holds the changed units during a diffed pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kvrules import pack_cursor, unpack_cursor

PREFIX = "pure2:"
PREFIX_1 = "pure1:"  # read, no longer written
SEP = "."  # before each chunk of the reverse index: not in the base64url alphabet
SEP_VERSIONS = "~"  # before each chunk of the versions


def short(value: str, size: int) -> str:
    return hashlib.blake2b(value.encode(), digest_size=size).hexdigest()


class _Entries:
    """Part of the reverse index, unpacked: each record id once, refs to record positions."""

    def __init__(self, records: list[str] | None = None, refs: dict[str, list[int]] | None = None):
        self.records: list[str] = records or []
        self.pos = {r: i for i, r in enumerate(self.records)}
        self.refs: dict[str, set[int]] = {k: set(v) for k, v in (refs or {}).items()}

    def __len__(self) -> int:
        return len(self.records)

    def add(self, record_id: str, refs: Iterable[str]) -> None:
        i = self.pos.get(record_id)
        if i is None:
            i = self.pos[record_id] = len(self.records)
            self.records.append(record_id)
        for ref in refs:
            self.refs.setdefault(ref, set()).add(i)

    def merge(self, other: _Entries) -> None:
        users: dict[int, list[str]] = {}
        for ref, positions in other.refs.items():
            for i in positions:
                users.setdefault(i, []).append(ref)
        for i, record_id in enumerate(other.records):
            self.add(record_id, users.get(i, ()))

    def dump(self) -> dict[str, Any]:
        return {"r": self.records, "m": {k: sorted(v) for k, v in self.refs.items()}}

    @classmethod
    def load(cls, doc: dict[str, Any]) -> _Entries:
        return cls(doc.get("r"), doc.get("m"))


def _pack(doc: Any) -> str:
    return pack_cursor("", doc, level=1)  # speed over size: one per page


P = TypeVar("P")  # one unpacked part


class _Chunked(Generic[P]):
    """Something the cursor carries that grows with the portfolio: packed chunks, oldest first
    (one per page that added to it), plus what was added since. Unpacked in full only when
    something is looked up in it, so a first full read holds only the packed form."""

    COMPACT_AT = 32  # chunks: beyond that, an unpacked whole is packed again as one
    WHAT = ""  # named in the error for a damaged chunk

    def __init__(self, chunks: list[str] | None = None, added: P | None = None) -> None:
        self.chunks: list[str] = chunks or []
        self._added: P = self._empty() if added is None else added  # not packed yet
        self._all: P | None = None  # everything, once unpacked

    def _empty(self) -> P:
        raise NotImplementedError

    def _load(self, doc: Any) -> P:
        raise NotImplementedError

    def _dump(self, part: P) -> Any:
        raise NotImplementedError

    def _merge(self, into: P, later: P) -> None:
        raise NotImplementedError

    def seal(self) -> list[str]:
        """Pack what was added since the last seal into a chunk; the chunks, oldest first."""
        if self._added:
            self.chunks.append(_pack(self._dump(self._added)))
            self._added = self._empty()
        if self._all is not None and len(self.chunks) > self.COMPACT_AT:
            self.chunks = [_pack(self._dump(self._all))]
        return self.chunks

    def unpacked(self) -> P:
        """Everything, unpacked once (ValueError for a damaged chunk)."""
        if self._all is None:
            everything: P | None = None
            for chunk in self.chunks:
                try:
                    part = self._load(unpack_cursor("", chunk))
                except (ValueError, TypeError, AttributeError):
                    raise ValueError(f"damaged {PREFIX} cursor: its {self.WHAT}") from None
                if everything is None:
                    everything = part
                else:
                    self._merge(everything, part)
            if everything is None:
                everything = self._empty()
            self._merge(everything, self._added)
            self._all = everything
        return self._all


class ReverseIndex(_Chunked[_Entries]):
    """ref uuid -> the records that used it. A later chunk may name a record again, with more
    refs (the union holds)."""

    WHAT = "reverse index"

    def _empty(self) -> _Entries:
        return _Entries()

    def _load(self, doc: Any) -> _Entries:
        return _Entries.load(doc)

    def _dump(self, part: _Entries) -> Any:
        return part.dump()

    def _merge(self, into: _Entries, later: _Entries) -> None:
        into.merge(later)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self.unpacked().pos

    def add(self, record_id: str, refs: Iterable[str]) -> None:
        refs = list(refs)
        self._added.add(record_id, refs)
        if self._all is not None:
            self._all.add(record_id, refs)

    def dependents(self, refs: Iterable[str]) -> set[str]:
        index = self.unpacked()
        return {index.records[i] for ref in refs for i in index.refs.get(ref, ())}


class Versions(_Chunked[dict[str, str]]):
    """h(uuid) -> h(version) of what a pass saw (diff mode). A later chunk overrides."""

    WHAT = "versions"

    def _empty(self) -> dict[str, str]:
        return {}

    def _load(self, doc: Any) -> dict[str, str]:
        return dict(doc)

    def _dump(self, part: dict[str, str]) -> Any:
        return part

    def _merge(self, into: dict[str, str], later: dict[str, str]) -> None:
        into.update(later)

    def get(self, key: str) -> str | None:
        return self.unpacked().get(key)

    def set(self, key: str, value: str) -> None:
        self._added[key] = value
        if self._all is not None:
            self._all[key] = value


@dataclass
class State:
    mode: str = "full"  # full (first pass) | changes (legacy feed) | diff (full pass, diffed)
    phase: int = 0  # index into the enabled families during a pass
    offset: int = 0
    token: str | None = None  # changes-feed resumption token
    index: ReverseIndex = field(default_factory=ReverseIndex)
    versions: Versions | None = None  # diff mode only (None: the changes feed is followed)
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
        self.versions.set(key, value)
        return same

    def remember(self, uuid: str, version: Any) -> None:
        """Record the version seen now, without looking up the one before (which would unpack
        every version the cursor holds)."""
        if self.versions is not None:
            self.versions.set(short(uuid, 6), short(str(version), 4))

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
            "versions": self.versions is not None,
            "pending": self.pending,
            "unit_refs": None if self.unit_refs is None else sorted(self.unit_refs),
            "unit_changes": self.unit_changes,
        }
        parts = [pack_cursor(PREFIX, doc, level=1)]
        parts += [f"{SEP}{c}" for c in self.index.seal()]
        if self.versions is not None:
            parts += [f"{SEP_VERSIONS}{c}" for c in self.versions.seal()]
        return "".join(parts)

    @classmethod
    def decode(cls, cursor: str | None) -> State:
        if not cursor:
            return cls()
        versions: Versions | None = None
        if cursor.startswith(PREFIX_1):  # everything inside the one document
            doc = unpack_cursor(PREFIX_1, cursor)
            index = ReverseIndex(added=_Entries.load(doc.get("index") or {}))
            if doc.get("versions") is not None:
                versions = Versions(added=dict(doc["versions"]))
        else:
            head, *tails = re.split(f"(?=[{re.escape(SEP + SEP_VERSIONS)}])", cursor)
            doc = unpack_cursor(PREFIX, head)
            index = ReverseIndex([t[1:] for t in tails if t[0] == SEP])
            if doc.get("versions"):
                versions = Versions([t[1:] for t in tails if t[0] == SEP_VERSIONS])
        state = cls(
            mode=doc["mode"],
            phase=doc.get("phase", 0),
            offset=doc.get("offset", 0),
            token=doc.get("token"),
            index=index,
            versions=versions,
            pending=doc.get("pending") or [],
            unit_refs=None if doc.get("unit_refs") is None else set(doc["unit_refs"]),
            unit_changes=doc.get("unit_changes") or [],
        )
        if state.mode != "full":  # this pass looks things up: a damaged chunk fails here
            state.index.unpacked()
            if state.versions is not None:
                state.versions.unpacked()
        return state
