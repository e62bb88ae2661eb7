"""``FileAdapter``: incremental reads of CSV / JSON-lines exports, write-back to a tags CSV."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from kvrules import (
    Adapter,
    EventKind,
    FetchedRecord,
    LimitExceeded,
    RecordLimits,
    TagWrite,
    check_events,
)

from . import csvformat, encoding, jsonl, safefile, tagfile
from .config import FileConfig
from .records import Found
from .state import Cursor, FileMark, Position, digest

log = logging.getLogger("kvrules_file")
SUFFIXES = (".csv", ".jsonl")
RACY_NS = 2_000_000_000  # coarser than any file system's mtime granularity


def _mark(stat: os.stat_result, data: bytes) -> FileMark:
    # A file modified within RACY_NS of being read may change again with the same mtime and
    # size (git's "racily clean" problem): store mtime 0 so the next fetch hashes it.
    racy = time.time_ns() - stat.st_mtime_ns < RACY_NS
    return FileMark(0 if racy else stat.st_mtime_ns, len(data), digest(data))


def _to_record(
    item: Found, kind: EventKind, file_time: datetime, limits: RecordLimits
) -> FetchedRecord:
    """One record, its names and titles within the limits; whatever goes wrong building it
    quarantines this record only."""
    try:
        record = item.to_record(kind, file_time)
        check_events(record.events, limits)
        return record
    except LimitExceeded as e:
        return FetchedRecord(record_id=item.record_id, error=str(e))
    except Exception as e:  # one record must never stop a scan
        return FetchedRecord(record_id=item.record_id, error=f"unmappable: {type(e).__name__}: {e}")


class FileAdapter(Adapter):
    """Reads ``*.csv`` (flat format, see ``csvformat``) and ``*.jsonl`` (canonical events).

    Record ids: a CSV project's ``project_id``; a JSONL event's ``source.record_id``.
    A project in a file the cursor has not seen is ``project.created``, else ``project.updated``.
    """

    name = "file"
    Config = FileConfig

    def __init__(self, config: FileConfig) -> None:
        super().__init__(config)
        self.config: FileConfig = config
        self._ids: dict[str, tuple[int, int, set[str]]] = {}  # key -> (mtime_ns, size, ids)

    # ---- reading ------------------------------------------------------------------------
    def _folder_owner(self) -> int:
        root = self.config.path
        return (root if root.is_dir() else root.parent).stat().st_uid

    def _files(self) -> list[tuple[str, Path]]:
        """The export files, each checked to be a regular file (a link in the folder stops the
        fetch with one line: it would read whatever it points at)."""
        root = self.config.path
        if not root.exists():
            raise FileNotFoundError(f"no export at {root}")
        owner = self._folder_owner()
        if root.is_file():
            return [(root.name, root)]
        skip = self.config.tags_path.resolve()
        files = []
        for p in sorted(root.iterdir()):
            if p.suffix.lower() not in SUFFIXES or p.parent.resolve() / p.name == skip:
                continue
            if p.is_dir() and not p.is_symlink():
                continue
            safefile.check_entry(p, owner)
            files.append((p.name, p))
        return files

    def _read(self, path: Path) -> tuple[os.stat_result, bytes]:
        return safefile.read_export(path, self._folder_owner())

    def _parse(self, path: Path, data: bytes) -> list[Found]:
        if encoding.is_binary(data):
            return [Found.failed(path.name, encoding.NOT_TEXT)]
        text = encoding.decode(data)
        if path.suffix.lower() == ".jsonl":
            return list(jsonl.parse(path, text, self.config.limits))
        return list(csvformat.parse(path, text, self.config.delimiter, self.config.limits))

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        """Records of files changed since ``cursor``; a cursor every ``page_size`` records."""
        state = Cursor.decode(cursor)
        files = self._files()
        present = {key for key, _ in files}
        # Marks of files not reached yet stay as they were: an interrupted fetch must not
        # forget them, or its resume would re-yield every unchanged file.
        marks = {k: m for k, m in state.files.items() if k in present}
        seen: dict[str, str] = {}  # record id -> file, to catch a project in two files
        for key, path in files:
            stat = path.lstat()  # checked a regular file by _files; never a link's target
            old = state.files.get(key)
            if old and (old.mtime_ns, old.size) == (stat.st_mtime_ns, stat.st_size):
                continue
            stat, data = self._read(path)
            mark = _mark(stat, data)
            if old and old.hash == mark.hash:  # touched, same content
                marks[key] = mark
                continue
            at = state.at
            skip = at.done if at and (at.file, at.hash) == (key, mark.hash) else 0
            kind = EventKind.PROJECT_UPDATED if old else EventKind.PROJECT_CREATED
            file_time = datetime.fromtimestamp(stat.st_mtime, UTC)
            found = self._parse(path, data)
            log.debug("%s: %d record(s), resuming after %d", path, len(found), skip)
            for n, item in enumerate(found[skip:], start=skip + 1):
                if item.record_id in seen:
                    item = Found.failed(
                        f"{key}:{item.record_id}",
                        f"{path}: record {item.record_id!r} is also in {seen[item.record_id]}",
                    )
                seen[item.record_id] = key
                record = _to_record(item, kind, file_time, self.config.limits)
                if n % self.config.page_size == 0 and n < len(found):
                    record.cursor = Cursor(marks, Position(key, mark.hash, n)).encode()
                yield record
            marks[key] = mark
            yield FetchedRecord(record_id=f"{key}:end", cursor=Cursor(marks).encode())
        yield FetchedRecord(record_id=":end", cursor=Cursor(marks).encode())

    # ---- write-back ---------------------------------------------------------------------
    def _known_ids(self) -> set[str]:
        ids: set[str] = set()
        for key, path in self._files():
            stat = path.lstat()
            cached = self._ids.get(key)
            if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
                stat, data = self._read(path)
                found = self._parse(path, data)
                cached = (stat.st_mtime_ns, stat.st_size, {f.record_id for f in found})
                self._ids[key] = cached
            ids |= cached[2]
        return ids

    def write_tags(
        self,
        record_id: str,
        tags: list[str],
        *,
        dry_run: bool = True,
        written: list[str] | None = None,
    ) -> TagWrite:
        """Set the record's row in the tags CSV (removed when ``tags`` is empty); a row someone
        else edited (not what kvrules last ``written``) is left as is (``not_ours``)."""
        tagfile.check_tags(tags)
        if record_id not in self._known_ids():
            # A typo or a stale id must not create a row the RIS import would choke on.
            raise LookupError(f"no record {record_id!r} in {self.config.path}")
        rows = tagfile.read(self.config.tags_path)
        before = rows[record_id][0] if record_id in rows else []
        after = sorted(set(tags))
        result = TagWrite.planned(record_id, before, after, dry_run=dry_run, written=written)
        if dry_run or not result.changed or result.skipped:
            return result
        if after:
            rows[record_id] = (after, tagfile.now())
        else:
            rows.pop(record_id, None)
        tagfile.write(self.config.tags_path, rows)
        log.info("tags of %s: %s -> %s", record_id, before, after)
        return result.model_copy(update={"written": True})
