"""The sync cursor: where a scan stands; and the rows the adapter keeps beside it.

The cursor is ``pure3:`` + base64url(zlib(JSON)) of the position and the small state a pass
needs (its mode, family and offset, the changes-feed token, the dependents still to re-read,
the units projects named): its size does not depend on the portfolio's.

What grows with the portfolio is kept as rows (``kvrules.AdapterState``: in the state
database, written with the cursor of the page that wrote them, in the same transaction):

Reverse index (the design choice for "a partner organisation or award changed"): Pure 5.35
cannot answer "which projects use this award?" (the simulator has neither
``/awards/{uuid}/cluster`` nor ``/dependents``), so re-deriving means a full scan. Instead the
adapter keeps ``h(ref uuid) + record id`` for every external organisation and award a record
used (space ``uses``, looked up by the prefix ``h(ref uuid)``) and each record id it mapped
(space ``records``: a later pass updates it rather than creating it), with the ``h(ref uuid)``
it used, so that a ref a record no longer uses, and a record the changes feed says is gone
(deleted, or hidden from this key), take their rows with them. Without the feed a deleted
record is only missing from the listing: its rows stay until the next full read, which
replaces all the source's rows (``kvrules scan --full``, ``full_every``).

Version map (only without the changes feed): short hashes ``h(uuid) -> h(version)``, 6+4
bytes each, enough to tell changed from unchanged (the odds of a miss are ~2^-32 per change).

Both used to be packed into the cursor (``pure2:``, a chunk per page after ``.`` and ``~``;
``pure1:``, all in one document), which a scan then held, sent and wrote whole at every page:
memory and time that grew with the portfolio. Those cursors are still read: their index and
versions become rows, kept with the first cursor written after them.

Own units (``/organizations``) are deliberately not in the reverse index, which would cost a
few rows per project. The cursor keeps only ``h(uuid)`` of every unit some project named
(bounded by the number of units). A changed unit that no project names is ignored; one that
is named makes the scanner find its projects by listing ``/projects`` (the diffed pass lists
them anyway; see scan.py). ``unit_changes`` holds the changed units during a diffed pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kvrules import AdapterState, pack_cursor, unpack_cursor

PREFIX = "pure3:"
PREFIX_2 = "pure2:"  # read, no longer written: the index and versions in chunks
PREFIX_1 = "pure1:"  # read, no longer written: everything inside the one document
SEP = "."  # pure2: before each chunk of the reverse index (not in the base64url alphabet)
SEP_VERSIONS = "~"  # pure2: before each chunk of the versions
USES, RECORDS, VERSIONS = "uses", "records", "versions"  # row spaces
REF = 6  # bytes of a ref uuid's hash in the reverse index's keys


def short(value: str, size: int) -> str:
    return hashlib.blake2b(value.encode(), digest_size=size).hexdigest()


class ReverseIndex:
    """ref uuid -> the records that used it, as rows (the union of what every pass saw)."""

    def __init__(self, rows: AdapterState) -> None:
        self.rows = rows

    def __contains__(self, record_id: str) -> bool:
        return self.known(record_id) is not None

    def known(self, record_id: str) -> str | None:
        """The record's row: the keys of the refs it used, space-separated ("" in a row from
        before they were kept); None when the record was never seen."""
        return self.rows.get(RECORDS, record_id)

    def add(self, record_id: str, refs: Iterable[str], before: str | None = None) -> None:
        """The record uses ``refs`` now; ``before``: its row as kept (``known``), whose refs
        it no longer uses are dropped (or a project would stay a dependent of a partner it
        left, and be re-read for it, for ever)."""
        keys = sorted({short(ref, REF) for ref in refs})
        for gone in set((before or "").split()).difference(keys):
            self.rows.put(USES, gone + record_id, None)
        self.rows.put(RECORDS, record_id, " ".join(keys))
        for key in keys:
            self.rows.put(USES, key + record_id, "")

    def forget(self, record_id: str) -> None:
        """The record is gone from the source: its rows go too."""
        before = self.known(record_id)
        if before is None:
            return
        for key in before.split():
            self.rows.put(USES, key + record_id, None)
        self.rows.put(RECORDS, record_id, None)

    def dependents(self, refs: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for ref in set(refs):
            prefix = short(ref, REF)
            found.update(key[len(prefix) :] for key in self.rows.prefixed(USES, prefix))
        return found


class Versions:
    """h(uuid) -> h(version) of what a pass saw (diff mode), as rows."""

    def __init__(self, rows: AdapterState) -> None:
        self.rows = rows

    def get(self, key: str) -> str | None:
        return self.rows.get(VERSIONS, key)

    def set(self, key: str, value: str) -> None:
        self.rows.put(VERSIONS, key, value)


@dataclass
class State:
    rows: AdapterState = field(default_factory=AdapterState)
    mode: str = "full"  # full (first pass) | changes (legacy feed) | diff (full pass, diffed)
    phase: int = 0  # index into the enabled families during a pass
    offset: int = 0
    token: str | None = None  # changes-feed resumption token
    versions: Versions | None = None  # diff mode only (None: the changes feed is followed)
    pending: list[str] = field(default_factory=list)  # diff mode: dependents still to re-read
    # h(uuid) of the units projects named; None: not known (a cursor from before units).
    unit_refs: set[str] | None = field(default_factory=set)
    unit_changes: list[str] = field(default_factory=list)  # diff mode: changed unit uuids

    @property
    def index(self) -> ReverseIndex:
        return ReverseIndex(self.rows)

    def follow_versions(self) -> None:
        """Without the changes feed: every later pass is diffed on versions."""
        self.versions = Versions(self.rows)

    def seen(self, uuid: str, version: Any) -> bool:
        """Diff mode: True when uuid is known at this version; records the version when not
        (a row for what changed only: an unchanged one is written again by nothing)."""
        if self.versions is None:
            return False
        key, value = short(uuid, 6), short(str(version), 4)
        if self.versions.get(key) == value:
            return True
        self.versions.set(key, value)
        return False

    def remember(self, uuid: str, version: Any) -> None:
        """Record the version seen now, without looking up the one before."""
        if self.versions is not None:
            self.versions.set(short(uuid, 6), short(str(version), 4))

    def forget(self, record_id: str, uuid: str) -> None:
        """A record gone from the source (deleted, or hidden from this key): its rows go."""
        self.index.forget(record_id)
        if self.versions is not None:
            self.rows.put(VERSIONS, short(uuid, 6), None)

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
        return pack_cursor(PREFIX, doc, level=1)

    def resume_point(self) -> dict[str, Any]:
        """The cursor, and the rows written since the last one: what a record carrying it
        gets (``FetchedRecord.model_copy(update=...)``)."""
        return {"cursor": self.encode(), "state_rows": self.rows.take()}

    @classmethod
    def decode(cls, cursor: str | None, rows: AdapterState | None = None) -> State:
        """The position ``cursor`` names, reading and writing its rows in ``rows`` (a new,
        in-memory AdapterState when None)."""
        rows = AdapterState() if rows is None else rows
        rows.begin()
        if not cursor:
            rows.remember_written = False  # a first full read looks nothing up
            return cls(rows)
        if cursor.startswith(PREFIX):
            doc = unpack_cursor(PREFIX, cursor)
            legacy: tuple[list[Any], list[Any]] = ([], [])
        else:
            doc, legacy = _older(cursor)
        # Only a full pass writes what it never reads back: held in memory otherwise.
        rows.remember_written = doc["mode"] != "full"
        state = cls(
            rows,
            mode=doc["mode"],
            phase=doc.get("phase", 0),
            offset=doc.get("offset", 0),
            token=doc.get("token"),
            pending=doc.get("pending") or [],
            unit_refs=None if doc.get("unit_refs") is None else set(doc["unit_refs"]),
            unit_changes=doc.get("unit_changes") or [],
        )
        if doc.get("versions"):
            state.follow_versions()
        _keep_older(state, *legacy)
        return state


def _older(cursor: str) -> tuple[dict[str, Any], tuple[list[Any], list[Any]]]:
    """A pure1/pure2 cursor's position, and its index and version documents (ValueError for a
    damaged one)."""
    if cursor.startswith(PREFIX_1):
        doc = unpack_cursor(PREFIX_1, cursor)
        versions = doc.get("versions")
        doc["versions"] = versions is not None
        return doc, ([doc.get("index") or {}], [versions] if versions else [])
    head, *tails = re.split(f"(?=[{re.escape(SEP + SEP_VERSIONS)}])", cursor)
    doc = unpack_cursor(PREFIX_2, head)
    parts: tuple[list[Any], list[Any]] = ([], [])
    for tail in tails:
        what = parts[0] if tail[0] == SEP else parts[1]
        try:
            what.append(unpack_cursor("", tail[1:]))
        except ValueError:
            kind = "reverse index" if tail[0] == SEP else "versions"
            raise ValueError(f"damaged {PREFIX_2} cursor: its {kind}") from None
    return doc, parts


def _keep_older(state: State, indexes: list[Any], versions: list[Any]) -> None:
    """An older cursor's reverse index and versions, as rows (with the next cursor)."""
    try:
        for part in indexes:
            records = part.get("r") or []
            users: dict[int, list[str]] = {}
            for ref, positions in (part.get("m") or {}).items():
                for i in positions:
                    users.setdefault(i, []).append(ref)
            for i, record_id in enumerate(records):
                state.index.add(record_id, users.get(i, ()))
        if state.versions is not None:
            for part in versions:  # oldest first: a later one overrides
                for key, value in dict(part).items():
                    state.versions.set(key, value)
    except (TypeError, AttributeError, ValueError):
        raise ValueError("damaged older Pure cursor: its reverse index or versions") from None
