"""What an adapter is: fetch records from a RIS as canonical events, write risk tags back."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, Protocol, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from kvrules import jsonguard
from kvrules.model import CollaborationEvent

StateRow = tuple[str, str, str | None]
"""One row an adapter keeps between scans: (space, key, value); value None forgets the key."""


class FetchedRecord(BaseModel):
    """One source record: its events, or why it could not be mapped (it is then quarantined)."""

    record_id: str
    events: list[CollaborationEvent] = []
    error: str | None = Field(default=None, description="set when the record is unmappable")
    cursor: str | None = Field(
        default=None, description="resume point once this record has been durably processed"
    )
    state_rows: list[StateRow] = Field(
        default=[],
        description="rows of the adapter's state (AdapterState.take) kept with this cursor",
    )
    unread: str | None = Field(
        default=None,
        description="set on a marker (no events, no error) when the read missed records the "
        "source has, in one line (a listing that ended short of its count): the read is then "
        "incomplete, and a scan notes no record gone and counts no full read done",
    )


class StoredRows(Protocol):
    """The rows a source's adapter state holds in the state database (read-only)."""

    def get(self, space: str, key: str) -> str | None:
        """The value of ``key`` in ``space``, or None."""
        ...

    def prefixed(self, space: str, prefix: str) -> list[tuple[str, str]]:
        """The (key, value) rows of ``space`` whose key starts with ``prefix``."""
        ...


class AdapterState:
    """What an adapter keeps between scans beside its cursor, as rows: say, which records
    use which organisation, for a source that cannot answer that itself.

    A cursor is one string, written whole at every resume point, so it must stay small; a
    state that grows with the source goes here instead. The adapter reads with ``get`` and
    ``prefixed`` and writes with ``put``; at each resume point it hands what it wrote since
    the last one to the record carrying the cursor (``FetchedRecord.state_rows =
    state.take()``), and a scan stores those rows in the transaction that stores the cursor:
    the rows and the cursor never disagree, whatever crashes. Reads see what is stored plus
    what this read wrote (``remember_written``: False when nothing will be looked up, as in a
    first full read, so that the rows are not held in memory too).

    Without a state database (an adapter's own tests, ``kvrules fetch`` without ``--cursor``)
    the rows are kept in memory on the adapter, across its fetches.
    """

    def __init__(self, stored: StoredRows | None = None) -> None:
        self._stored = stored
        # Written during this read (all rows, when there is no database).
        self._written: dict[str, dict[str, str | None]] = {}
        self._pending: list[StateRow] = []
        self.remember_written = True

    def get(self, space: str, key: str) -> str | None:
        written = self._written.get(space)
        if written is not None and key in written:
            return written[key]
        return self._stored.get(space, key) if self._stored is not None else None

    def prefixed(self, space: str, prefix: str) -> dict[str, str]:
        """The rows of ``space`` whose key starts with ``prefix``, as key -> value."""
        rows = dict(self._stored.prefixed(space, prefix)) if self._stored is not None else {}
        for key, value in self._written.get(space, {}).items():
            if key.startswith(prefix):
                if value is None:
                    rows.pop(key, None)
                else:
                    rows[key] = value
        return rows

    def put(self, space: str, key: str, value: str | None) -> None:
        """Keep ``value`` under ``key`` (None: forget the key) from the next resume point."""
        self._pending.append((space, key, value))
        if self.remember_written or self._stored is None:
            self._written.setdefault(space, {})[key] = value

    def take(self) -> list[StateRow]:
        """The rows written since the last call, for the record that carries the cursor."""
        rows, self._pending = self._pending, []
        return rows

    def begin(self) -> None:
        """A new read: forget what was written but never taken (a read stopped midway)."""
        self._pending = []
        if self._stored is not None:
            self._written = {}


class RecordExplanation(BaseModel):
    """For ``kvrules fetch --explain``: which of a source record's fields the mapping read
    and which were present but ignored (field paths, ``[]`` for any list item)."""

    record_id: str
    read: list[str] = []
    ignored: list[str] = []
    title: str | None = Field(
        default=None, description="the record's title as the source gives it, to name it by"
    )
    notes: list[str] = Field(
        default=[],
        description="what else was read otherwise than asked, a line each (say, an "
        "organisation the source answered for under its new id: merged)",
    )


class TagWrite(BaseModel):
    """The outcome of one write-back: what was there, what is wanted, whether it was written,
    and, when nothing was written because the value is someone else's, why (``skipped``)."""

    record_id: str
    before: list[str]
    after: list[str]
    written: bool
    dry_run: bool
    skipped: str | None = None

    @property
    def changed(self) -> bool:
        return sorted(self.before) != sorted(self.after)

    @classmethod
    def planned(
        cls,
        record_id: str,
        before: list[str],
        after: list[str],
        *,
        dry_run: bool,
        written: list[str] | None,
    ) -> TagWrite:
        """The write about to be made (not yet written), skipped when ``before`` is not
        kvrules' own (``not_ours``): what every adapter's ``write_tags`` starts from."""
        return cls(
            record_id=record_id,
            before=before,
            after=after,
            written=False,
            dry_run=dry_run,
            skipped=not_ours(before, after, written),
        )


def not_ours(before: list[str], after: list[str], written: list[str] | None) -> str | None:
    """Why a record's current tags must be left alone, or None when kvrules may write ``after``.

    kvrules owns only what it wrote: a field that is empty, already holds ``after``, or still
    holds exactly what kvrules last wrote there (``written``; None: kvrules never wrote) is
    kvrules'. Anything else was set by a person (or another tool) and is never overwritten,
    whether the wish is lower or higher: the committee sees the finding either way.
    """
    current = sorted(set(before))
    if not current or current == sorted(set(after)):
        return None
    if written is not None and current == sorted(set(written)):
        return None
    wrote = (
        f"kvrules last wrote {', '.join(sorted(set(written))) or 'nothing'}"
        if written is not None
        else "not kvrules"
    )
    return f"holds {', '.join(current)}, set by someone else ({wrote}); left as is"


class Adapter(ABC):
    """Base class of RIS adapters; register subclasses through the ``register_adapters`` hook."""

    name: ClassVar[str]
    Config: ClassVar[type[BaseModel]]
    # True when ``fetch`` may run in a reader process of its own (kvrules.reader), off the
    # scan's interpreter: the class is importable by name, its Config pickles, and what fetch
    # learns for later calls comes back through ``fetch_notes``/``take_notes``.
    fetch_apart: ClassVar[bool] = False
    # The kinds of record (kvrules.records.KINDS: "project", "output", "visit", "application")
    # this adapter can read at all, whatever its settings; None: not declared. A report then
    # says "not read from this source" instead of "no data" for the others.
    record_kinds: ClassVar[frozenset[str] | None] = None

    def __init__(self, config: BaseModel) -> None:
        self.config = config

    @abstractmethod
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        """Yield records changed since ``cursor`` (all records when None), in a resumable order."""

    @abstractmethod
    def write_tags(
        self,
        record_id: str,
        tags: list[str],
        *,
        dry_run: bool = True,
        written: list[str] | None = None,
    ) -> TagWrite:
        """Make ``tags`` the kvrules risk tags of a record; touch nothing else; idempotent.

        ``written`` is what kvrules last wrote to this record (None: nothing). Compare it with
        the value read right before writing (``not_ours``): a value kvrules did not write is
        left as is and the result says why (``skipped``), in a dry run too."""

    def use_state(self, state: AdapterState) -> None:
        """Called by a scan before ``fetch``: the rows kept for this source (``AdapterState``).
        Without it (no state database) ``state`` keeps them in memory."""
        self._state = state

    @property
    def state(self) -> AdapterState:
        """Rows this adapter keeps between scans beside its cursor (``AdapterState``)."""
        state = getattr(self, "_state", None)
        if state is None:
            state = self._state = AdapterState()
        return state

    def fetch_notes(self) -> Any:
        """In a reader process: what ``fetch`` learnt since the last call that the adapter's
        other methods use (say, each record's tags as read); None when nothing."""
        return None

    def take_notes(self, notes: Any) -> None:  # noqa: B027  # optional hook, not abstract
        """In the scan's process: ``fetch_notes`` of the copy reading apart (None: a new
        read begins, forget what an earlier one learnt). The default keeps nothing."""

    def forget_notes(self, record_id: str) -> None:  # noqa: B027  # optional hook
        """In the scan's process: the scan has no tags of this record to write, so what the
        notes said of it is of no more use (kept, they would grow with the source). The
        default keeps nothing."""

    def taggable(self, record_id: str) -> bool:
        """Whether this record can carry tags at all (e.g. projects can, outputs cannot)."""
        return True

    def read_only(self) -> str | None:
        """Why this source, as configured, can take no tags at all (say, an API version that
        has no write endpoints), in one line that says what to change; None when it can. A
        scan with ``--apply`` then sends nothing and says this once (the tags stay queued for
        when it can), and ``kvrules config check`` says it. The default: it can."""
        return None

    def writable_tags(self, tags: list[str]) -> list[str]:
        """The part of ``tags`` this source can hold (e.g. only its risk classification
        values); kvrules keeps the rest. The default holds every tag."""
        return tags

    def location(self) -> str:
        """Where this adapter reads from, for messages: a host or a path, never a credential.
        The default names the ``base_url`` (scheme and host only) or ``path`` setting."""
        url = getattr(self.config, "base_url", None)
        if url:
            parts = urlsplit(str(url))
            return f"{parts.scheme}://{parts.hostname or ''}" + (
                f":{parts.port}" if parts.port else ""
            )
        path = getattr(self.config, "path", None)
        return str(path) if path else ""

    def probe(self) -> str:
        """Reach the source once, read nothing for good, and say what answered (for `kvrules
        config check --connect`); raise on failure. The default takes the first record."""
        for record in self.fetch(None):
            return f"{self.location() or self.name}: answered (first record {record.record_id})"
        return f"{self.location() or self.name}: answered (no records)"

    def explain(self, record: FetchedRecord) -> RecordExplanation | None:
        """Which source fields the mapping of this record read and which it ignored; None
        when the adapter cannot tell (optional hook: ``kvrules fetch --explain`` says so)."""
        return None

    def close(self) -> None:  # noqa: B027  # optional hook, deliberately not abstract
        """Release connections and threads the adapter holds; the default holds none."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pack_cursor(prefix: str, doc: Any, *, level: int = 6) -> str:
    """An adapter's resume state as one opaque string: ``prefix`` + base64url(zlib(JSON)).
    The prefix names the adapter and the format version (``pure1:``), so a cursor from another
    adapter or an older format is refused instead of read wrongly."""
    raw = json.dumps(doc, separators=(",", ":")).encode()
    return prefix + base64.urlsafe_b64encode(zlib.compress(raw, level)).decode()


def unpack_cursor(prefix: str, cursor: str) -> Any:
    """The document ``pack_cursor`` packed; ValueError (naming the prefix) for anything else,
    e.g. a cursor of another adapter or one damaged in the state database."""
    if not cursor.startswith(prefix):
        raise ValueError(f"not a {prefix} cursor")
    try:
        return jsonguard.loads(zlib.decompress(base64.urlsafe_b64decode(cursor[len(prefix) :])))
    except (ValueError, zlib.error, binascii.Error) as e:
        raise ValueError(f"damaged {prefix} cursor: {type(e).__name__}") from None
