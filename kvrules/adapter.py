"""What an adapter is: fetch records from a RIS as canonical events, write risk tags back."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from kvrules.model import CollaborationEvent


class FetchedRecord(BaseModel):
    """One source record: its events, or why it could not be mapped (it is then quarantined)."""

    record_id: str
    events: list[CollaborationEvent] = []
    error: str | None = Field(default=None, description="set when the record is unmappable")
    cursor: str | None = Field(
        default=None, description="resume point once this record has been durably processed"
    )


class RecordExplanation(BaseModel):
    """For ``kvrules fetch --explain``: which of a source record's fields the mapping read
    and which were present but ignored (field paths, ``[]`` for any list item)."""

    record_id: str
    read: list[str] = []
    ignored: list[str] = []


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
    wrote = f"kvrules last wrote {sorted(set(written))}" if written is not None else "not kvrules"
    return f"holds {current}, set by someone else ({wrote}); left as is"


class Adapter(ABC):
    """Base class of RIS adapters; register subclasses through the ``register_adapters`` hook."""

    name: ClassVar[str]
    Config: ClassVar[type[BaseModel]]
    # True when ``fetch`` may run in a reader process of its own (kvrules.reader), off the
    # scan's interpreter: the class is importable by name, its Config pickles, and what fetch
    # learns for later calls comes back through ``fetch_notes``/``take_notes``.
    fetch_apart: ClassVar[bool] = False

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

    def fetch_notes(self) -> Any:
        """In a reader process: what ``fetch`` learnt since the last call that the adapter's
        other methods use (say, each record's tags as read); None when nothing."""
        return None

    def take_notes(self, notes: Any) -> None:  # noqa: B027  # optional hook, not abstract
        """In the scan's process: ``fetch_notes`` of the copy reading apart (None: a new
        read begins, forget what an earlier one learnt). The default keeps nothing."""

    def taggable(self, record_id: str) -> bool:
        """Whether this record can carry tags at all (e.g. projects can, outputs cannot)."""
        return True

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
        return json.loads(zlib.decompress(base64.urlsafe_b64decode(cursor[len(prefix) :])))
    except (ValueError, zlib.error, binascii.Error) as e:
        raise ValueError(f"damaged {prefix} cursor: {type(e).__name__}") from None
