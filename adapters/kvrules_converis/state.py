"""The sync cursor: where a pass stands and the `Updated on` watermarks of each stream.

Encoded as ``converis1:`` + base64url(zlib(JSON)), one opaque string for the caller to store.

Converis has no changes feed, so an incremental pass reads each stream (projects, each link
type, organisations) sorted by ``Updated on`` descending and stops below the watermark minus an
overlap window. Timestamps have one-second resolution and batch imports share them, so the
records already handled inside the window are remembered (id -> updatedOn) and skipped;
anything else in the window is new, even if it carries an older timestamp than the watermark
(a late commit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kvrules import pack_cursor, unpack_cursor

from .mapping import parse_time

PREFIX = "converis1:"


@dataclass
class Mark:
    at: str | None = None  # the newest updatedOn seen (ISO)
    recent: dict[str, str] = field(default_factory=dict)  # id -> updatedOn within the window

    def floor(self, overlap: float) -> datetime | None:
        t = parse_time(self.at)
        return None if t is None else t - timedelta(seconds=overlap)

    def is_new(self, rec_id: Any, updated: str | None) -> bool:
        return self.recent.get(str(rec_id)) != updated

    def note(self, rec_id: Any, updated: str | None, overlap: float) -> None:
        """Remember a record handled in this pass (the first one noted sets the watermark)."""
        if updated is None:
            return
        if self.at is None:
            self.at = updated
        t, floor = parse_time(updated), self.floor(overlap)
        if t is not None and floor is not None and t >= floor:
            self.recent[str(rec_id)] = updated

    def merged(self, older: Mark | None, overlap: float) -> Mark:
        """This pass's mark plus what the previous one still holds inside the window."""
        if self.at is None:
            return older or Mark()
        floor = self.floor(overlap)
        keep = dict(older.recent) if older else {}
        keep.update(self.recent)
        return Mark(
            self.at,
            {
                k: v
                for k, v in keep.items()
                if (t := parse_time(v)) is not None and floor is not None and t >= floor
            },
        )

    def dump(self) -> dict[str, Any]:
        return {"at": self.at, "recent": self.recent}

    @classmethod
    def load(cls, doc: dict[str, Any]) -> Mark:
        return cls(doc.get("at"), dict(doc.get("recent") or {}))


@dataclass
class State:
    mode: str = "full"  # full (first pass) | incremental
    phase: str = "start"  # full: start|projects ; incremental: collect|projects|todo
    start: int = 1  # startRecord of the next project page
    marks: dict[str, Mark] = field(default_factory=dict)  # per stream, from the last pass
    next_marks: dict[str, Mark] = field(default_factory=dict)  # being built by this pass
    todo: list[int] = field(default_factory=list)  # incremental: projects to re-read

    def encode(self) -> str:
        doc = {
            "mode": self.mode,
            "phase": self.phase,
            "start": self.start,
            "marks": {k: m.dump() for k, m in self.marks.items()},
            "next": {k: m.dump() for k, m in self.next_marks.items()},
            "todo": self.todo,
        }
        return pack_cursor(PREFIX, doc, level=6)

    @classmethod
    def decode(cls, cursor: str | None) -> State:
        if not cursor:
            return cls()
        doc = unpack_cursor(PREFIX, cursor)
        return cls(
            mode=doc["mode"],
            phase=doc["phase"],
            start=doc.get("start", 1),
            marks={k: Mark.load(v) for k, v in (doc.get("marks") or {}).items()},
            next_marks={k: Mark.load(v) for k, v in (doc.get("next") or {}).items()},
            todo=list(doc.get("todo") or []),
        )
