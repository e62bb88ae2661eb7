"""The cursor: what each export file looked like when it was last read, and where a read stopped.

A file whose mtime and size are unchanged is skipped without reading it. Otherwise it is
hashed; a touched-but-identical file (a re-export of the same data) is skipped too. Within a
changed file, ``at`` records how many records were handed out, so a resumed fetch skips them,
provided the file still has the same content hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from kvrules import parse_untrusted_json

VERSION = 1


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class FileMark:
    mtime_ns: int
    size: int
    hash: str


@dataclass(frozen=True)
class Position:
    file: str
    hash: str
    done: int  # records of ``file`` already handed out


@dataclass
class Cursor:
    files: dict[str, FileMark] = field(default_factory=dict)
    at: Position | None = None

    def encode(self) -> str:
        files = {k: [m.mtime_ns, m.size, m.hash] for k, m in sorted(self.files.items())}
        at = asdict(self.at) if self.at else None
        return json.dumps({"v": VERSION, "files": files, "at": at}, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        try:
            doc = parse_untrusted_json(text)
            if doc.get("v") != VERSION:
                raise ValueError(f"version {doc.get('v')!r}")
            files = {k: FileMark(int(t), int(s), str(h)) for k, (t, s, h) in doc["files"].items()}
            at = Position(**doc["at"]) if doc.get("at") else None
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            # A cursor from another adapter or a corrupted store: refuse rather than rescan
            # silently, which would re-raise every finding as new.
            raise ValueError(f"not a file-adapter cursor: {e}") from None
        return cls(files, at)
