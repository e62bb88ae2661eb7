"""kvrules adapter for RIS exports on disk: JSON lines of canonical collaboration events.

Built only on kvrules' public API, like any third-party adapter.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from kvrules import Adapter, CollaborationEvent, FetchedRecord, TagWrite, hookimpl


class FileConfig(BaseModel):
    path: Path = Field(description="a .jsonl file or a folder of them")
    tags_file: Path = Field(default=Path("kvrules-tags.csv"), description="write-back target")


class FileAdapter(Adapter):
    """Reads ``*.jsonl`` exports; the cursor is the content hash of each file already read."""

    name = "file"
    Config = FileConfig

    def _files(self) -> list[Path]:
        p = self.config.path
        return sorted(p.glob("*.jsonl")) if p.is_dir() else [p]

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        seen: dict[str, str] = json.loads(cursor) if cursor else {}
        for file in self._files():
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            if seen.get(str(file)) == digest:
                continue  # unchanged since the last run
            with file.open("rb") as fh:
                for number, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    record_id = f"{file.name}:{number}"
                    try:
                        event = CollaborationEvent.model_validate_json(line)
                    except ValidationError as e:
                        yield FetchedRecord(record_id=record_id, error=str(e.errors()[0]["msg"]))
                        continue
                    yield FetchedRecord(record_id=event.source.record_id, events=[event])
            seen[str(file)] = digest
            yield FetchedRecord(record_id=f"{file.name}:end", cursor=json.dumps(seen))

    def _read_tags(self) -> dict[str, list[str]]:
        if not self.config.tags_file.exists():
            return {}
        with self.config.tags_file.open(newline="") as fh:
            return {row["record_id"]: row["tags"].split() for row in csv.DictReader(fh)}

    def write_tags(self, record_id: str, tags: list[str], *, dry_run: bool = True) -> TagWrite:
        current = self._read_tags()
        before, after = current.get(record_id, []), sorted(set(tags))
        result = TagWrite(
            record_id=record_id, before=before, after=after, written=False, dry_run=dry_run
        )
        if dry_run or not result.changed:
            return result
        current[record_id] = after
        with self.config.tags_file.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["record_id", "tags"])
            for rid, values in sorted(current.items()):
                writer.writerow([rid, " ".join(values)])
        return result.model_copy(update={"written": True})


@hookimpl
def register_adapters(register):
    register(FileAdapter)
