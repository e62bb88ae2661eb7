"""SQLite store of reference lists: one row per list edition (with provenance) plus its entries.

Editions are never overwritten silently, so "listed in FY24, not in FY25" stays answerable
(:meth:`Store.history`). Each import is one transaction: a failed import changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any

from kvrules.errors import ReferenceDataError
from kvrules.private import create_private
from kvrules.refdata.models import Entry, HistoryRow, ListInfo, ror_id
from kvrules.refdata.normalise import bulk_name_key, name_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (
  list_id TEXT NOT NULL,
  edition TEXT NOT NULL,
  title TEXT NOT NULL,
  publisher TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('designation', 'assessment', 'registry')),
  published TEXT,
  source_url TEXT,
  licence TEXT,
  citation TEXT,
  retrieved_at TEXT,
  sha256 TEXT,
  partial INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  imported_at TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (list_id, edition)
);
CREATE TABLE IF NOT EXISTS entries (
  pk INTEGER PRIMARY KEY,
  list_id TEXT NOT NULL,
  edition TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  name TEXT NOT NULL,
  country TEXT,
  ror_id TEXT,
  parent_ror_id TEXT,
  parent_name TEXT,
  identifiers TEXT NOT NULL DEFAULT '{}',
  attributes TEXT NOT NULL DEFAULT '{}',
  UNIQUE (list_id, edition, entry_id),
  FOREIGN KEY (list_id, edition) REFERENCES lists (list_id, edition) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS entries_ror ON entries (ror_id);
CREATE TABLE IF NOT EXISTS entry_names (
  entry_pk INTEGER NOT NULL REFERENCES entries (pk) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('primary', 'alias', 'native', 'affiliate', 'acronym')),
  key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_names_key ON entry_names (key);
CREATE INDEX IF NOT EXISTS entry_names_entry ON entry_names (entry_pk);
CREATE TABLE IF NOT EXISTS current_pins (
  list_id TEXT PRIMARY KEY,
  edition TEXT NOT NULL
);
"""

_LIST_COLUMNS = (
    "list_id, edition, title, publisher, kind, published, source_url, licence, citation, "
    "retrieved_at, sha256, partial, notes"
)


# A fiscal year edition ("FY25", "FY2025", "FY25 (retrieved …)"): the US federal fiscal year
# FYnn begins on 1 October of the year before; a dated edition ("2026-12-01", an update's
# "2026-12-07T14:00:00Z")
_FISCAL_YEAR = re.compile(r"^FY\s?(\d{4}|\d{2})(?!\d)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?![\d])")


def edition_date(edition: str) -> date | None:
    """The date an edition's own name gives it, in the list's publication order: FYnn → the
    first day of that fiscal year, an ISO date → that date; None for other names (v1.55)."""
    text = edition.strip()
    if fiscal := _FISCAL_YEAR.match(text):
        year = int(fiscal.group(1))
        return date((year + 2000 if year < 100 else year) - 1, 10, 1)
    if dated := _ISO_DATE.match(text):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(dated.group(1))
    return None


def _oldest_first(row: sqlite3.Row) -> tuple[str, str, int]:
    """An edition's place among its list's editions, oldest first: its publication date; where
    the publisher gives none, the date its name gives (FY24 before FY25, whichever was imported
    last: ``edition_date``); else the day it was retrieved, else imported (the shipped ROR
    sample, a file imported by hand: as old as what it was taken from). Editions of one day
    follow their import order."""
    named = edition_date(row["edition"])
    when = (
        row["published"]
        or (named.isoformat() if named else None)
        or (row["retrieved_at"] or "")[:10]
        or row["imported_at"][:10]
    )
    return row["list_id"], when, row["seq"]


def current_edition(editions: Sequence[ListInfo], pinned: str | None = None) -> ListInfo:
    """Which of a list's editions (oldest first) screens: the one place that decides it.

    The edition made current with `kvrules refdata current` (``pinned``) while it is stored;
    else a complete edition replaces a partial one, a newer one an older one
    (docs/reference-data.md, "Which edition screens"): the newest complete edition, else,
    while only partial ones are stored, the newest of those."""
    chosen = [i for i in editions if pinned is not None and i.edition == pinned]
    if chosen:
        return chosen[0]
    complete = [i for i in editions if not i.partial]
    return (complete or list(editions))[-1]


class EditionExistsError(ReferenceDataError):
    """The list edition is already stored (pass replace=True to re-import it)."""

    def __init__(self, list_id: str, edition: str) -> None:
        self.list_id, self.edition = list_id, edition
        super().__init__(f"{list_id} edition {edition} is already stored (--replace replaces it)")


class Store:
    """Reference lists in one SQLite file (WAL mode, so readers do not block an import)."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            create_private(self.path)  # 0600, and so are its -wal and -shm
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @property
    def index_path(self) -> str | None:
        """Where the resolver's built index is kept (:mod:`kvrules.refdata.cache`), beside the
        store; None for a store in memory."""
        return None if self.path == ":memory:" else self.path + ".index"

    def _forget_index(self) -> None:
        """Remove the kept index once the lists change: the next run rebuilds it (the index's
        key would tell it apart anyway; removing it frees the disk at once)."""
        if self.index_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.index_path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def add_edition(
        self,
        info: ListInfo,
        entries: Iterable[Entry],
        *,
        replace: bool = False,
        amend: Callable[[], dict[str, Any]] | None = None,
    ) -> int:
        """Store one list edition atomically; return the number of entries written.

        ``entries`` is consumed once, inside the transaction, so a generator over a large file is
        written as it is read; an exception it raises rolls the edition back. ``amend`` gives,
        once they are read, the provenance the entries decide (``partial``, ``notes``)."""
        seen: set[str] = set()
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            exists = db.execute(
                "SELECT partial FROM lists WHERE list_id=? AND edition=?",
                (info.list_id, info.edition),
            ).fetchone()
            # A complete edition supersedes a partial transcription of the same edition (the
            # shipped DoD 1286 list), so importing the official list needs no --replace.
            supersedes = exists is not None and bool(exists[0]) and not info.partial
            if exists and not (replace or supersedes):
                raise EditionExistsError(info.list_id, info.edition)
            if exists:
                db.execute(
                    "DELETE FROM lists WHERE list_id=? AND edition=?", (info.list_id, info.edition)
                )
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM lists").fetchone()[0]
            db.execute(
                f"INSERT INTO lists ({_LIST_COLUMNS}, imported_at, seq) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    info.list_id,
                    info.edition,
                    info.title,
                    info.publisher,
                    info.kind,
                    info.published.isoformat() if info.published else None,
                    info.source_url,
                    info.licence,
                    info.citation,
                    info.retrieved_at.isoformat() if info.retrieved_at else None,
                    info.sha256,
                    int(info.partial),
                    info.notes,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    seq,
                ),
            )
            for entry in entries:
                if entry.entry_id in seen:
                    raise ValueError(f"duplicate entry_id {entry.entry_id!r} in {info.list_id}")
                seen.add(entry.entry_id)
                cur = db.execute(
                    "INSERT INTO entries (list_id, edition, entry_id, entity_type, name, country, "
                    "ror_id, parent_ror_id, parent_name, identifiers, attributes) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        info.list_id,
                        info.edition,
                        entry.entry_id,
                        entry.entity_type,
                        entry.name,
                        entry.country,
                        entry.ror_id,
                        entry.parent_ror_id,
                        entry.parent_name,
                        json.dumps(entry.identifiers, ensure_ascii=False, sort_keys=True),
                        json.dumps(entry.attributes, ensure_ascii=False, sort_keys=True),
                    ),
                )
                pk = cur.lastrowid
                db.executemany(
                    "INSERT INTO entry_names (entry_pk, name, type, key) VALUES (?,?,?,?)",
                    [(pk, n, t, bulk_name_key(n)) for n, t in entry.all_names()],
                )
            late = amend() if amend else {}
            if supersedes and not replace and late.get("partial", info.partial):
                # a streamed file (ROR) turned out partial only once read: it supersedes no
                # partial edition, as a partial file of any other list does not (rolled back)
                raise EditionExistsError(info.list_id, info.edition)
            if late:
                db.execute(
                    "UPDATE lists SET partial=?, notes=? WHERE list_id=? AND edition=?",
                    (
                        int(late.get("partial", info.partial)),
                        late.get("notes", info.notes),
                        info.list_id,
                        info.edition,
                    ),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._forget_index()
        return len(seen)

    def delete_edition(self, list_id: str, edition: str) -> bool:
        with self._tx():
            cur = self._db.execute(
                "DELETE FROM lists WHERE list_id=? AND edition=?", (list_id, edition)
            )
            self._db.execute(
                "DELETE FROM current_pins WHERE list_id=? AND edition=?", (list_id, edition)
            )
        self._forget_index()
        return cur.rowcount > 0

    def _tx(self) -> _Tx:
        return _Tx(self._db)

    # -- reading -----------------------------------------------------------------------------

    def state_token(self) -> str:
        """Changes whenever what the resolver indexes may have changed: every edition's import
        (order, time, file hash) and the entries' count and highest row id."""
        lists = self._db.execute(
            "SELECT list_id, edition, seq, imported_at, sha256, partial, published FROM lists "
            "ORDER BY list_id, edition"
        ).fetchall()
        entries = self._db.execute("SELECT COUNT(*), MAX(pk) FROM entries").fetchone()
        pins = sorted(self.pins().items())
        return json.dumps([[list(r) for r in lists], list(entries), pins])

    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM lists LIMIT 1").fetchone() is None

    def lists(self, list_id: str | None = None) -> list[ListInfo]:
        """All stored editions, oldest first within a list (``_oldest_first``)."""
        sql = f"SELECT {_LIST_COLUMNS}, imported_at, seq FROM lists"
        args: tuple[str, ...] = ()
        if list_id:
            sql += " WHERE list_id=?"
            args = (list_id,)
        rows = self._db.execute(sql, args).fetchall()
        return [_info(r) for r in sorted(rows, key=_oldest_first)]

    def pins(self) -> dict[str, str]:
        """list id → the edition made current with :meth:`pin` (`kvrules refdata current`)."""
        return {r[0]: r[1] for r in self._db.execute("SELECT list_id, edition FROM current_pins")}

    def pin(self, list_id: str, edition: str | None) -> None:
        """Make ``edition`` of ``list_id`` the one that screens, whatever its date (an older
        edition, when the newest is wrong); None: the newest screens again."""
        if edition is not None and edition not in self.editions(list_id):
            raise ReferenceDataError(f"{list_id} has no edition {edition!r} stored")
        with self._tx():
            self._db.execute("DELETE FROM current_pins WHERE list_id=?", (list_id,))
            if edition is not None:
                self._db.execute(
                    "INSERT INTO current_pins (list_id, edition) VALUES (?, ?)",
                    (list_id, edition),
                )
        self._forget_index()

    def counts(self) -> dict[tuple[str, str], int]:
        rows = self._db.execute("SELECT list_id, edition, COUNT(*) FROM entries GROUP BY 1, 2")
        return {(r[0], r[1]): r[2] for r in rows}

    def editions(self, list_id: str) -> list[str]:
        """Editions of a list, oldest first (by date, then import order: ``_oldest_first``)."""
        return [i.edition for i in self.lists(list_id)]

    def latest(self, list_id: str) -> ListInfo | None:
        """The edition of ``list_id`` that screens (``current_edition``); None if none is
        stored."""
        found = self.lists(list_id)
        return current_edition(found, self.pins().get(list_id)) if found else None

    def latest_editions(self) -> list[ListInfo]:
        """The edition that screens of every stored list (``current_edition``): what `refdata
        lists` marks current, and what match, check and scans use."""
        infos, pins = self.lists(), self.pins()
        return [
            current_edition(list(editions), pins.get(list_id))
            for list_id, editions in groupby(infos, key=lambda i: i.list_id)
        ]

    def entries(self, list_id: str, edition: str | None = None) -> list[Entry]:
        """Entries of one edition (the latest when ``edition`` is None)."""
        if edition is None:
            info = self.latest(list_id)
            if info is None:
                return []
            edition = info.edition
        return list(self._entries("e.list_id=? AND e.edition=?", (list_id, edition)))

    def entry_names(self, list_id: str, edition: str) -> dict[str, tuple[str, str | None]]:
        """entry id → (name, ROR id) of one edition: enough to compare editions, light enough
        for a full ROR dump."""
        rows = self._db.execute(
            "SELECT entry_id, name, ror_id FROM entries WHERE list_id=? AND edition=?",
            (list_id, edition),
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def entries_named(self, list_id: str, edition: str, keys: Iterable[str]) -> list[Entry]:
        """Entries of one edition carrying any of the normalised name ``keys`` (an indexed
        look-up: picks the few registry records a list can link to out of a full ROR dump)."""
        wanted, found = sorted(set(keys)), []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            where = (
                "e.list_id=? AND e.edition=? AND e.pk IN "
                f"(SELECT entry_pk FROM entry_names WHERE key IN ({marks}))"
            )
            found += self._entries(where, (list_id, edition, *chunk))
        return found

    def links_lacking(self, registry: ListInfo | None = None) -> int:
        """How many entries of the lists that screen (the latest edition of each designation or
        assessment) carry a ROR id that ``registry`` (default: the latest ROR edition) has no
        record for: the record's names are not in the index for them, only the entries' own."""
        registry = registry or self.latest("ror")
        if registry is None:
            return 0
        lacking = 0
        for info in self.latest_editions():
            if info.kind == "registry":
                continue
            lacking += self._db.execute(
                "SELECT COUNT(*) FROM entries e WHERE e.list_id=? AND e.edition=? "
                "AND e.ror_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entries r "
                "WHERE r.ror_id = e.ror_id AND r.list_id=? AND r.edition=?)",
                (info.list_id, info.edition, registry.list_id, registry.edition),
            ).fetchone()[0]
        return lacking

    def iter_latest(self) -> Iterator[tuple[ListInfo, Entry]]:
        """Every entry of the latest edition of every list (what the resolver indexes), and the
        registry records listed entries link to that the registry's screening edition lacks,
        from the newest older edition that has them (:meth:`carried_records`)."""
        latest = self.latest_editions()
        for info in latest:
            for entry in self._entries("e.list_id=? AND e.edition=?", (info.list_id, info.edition)):
                yield info, entry
        yield from self.carried_records(latest)

    def carried_records(
        self, latest: list[ListInfo] | None = None
    ) -> Iterator[tuple[ListInfo, Entry]]:
        """The registry records (ROR) that entries of the screening lists link to and the
        registry's screening edition lacks when it is a partial import, each from the newest older
        edition that has it, with that edition as its provenance: a listed organisation keeps
        its registry names (哈尔滨工业大学 of Harbin Institute of Technology) whatever part of
        the registry was imported last, and a match says which edition the names come from."""
        latest = latest if latest is not None else self.latest_editions()
        listed = [i for i in latest if i.kind != "registry"]
        # a complete edition is the registry: a record it lacks was withdrawn or merged there,
        # and a superseded edition's copy of it is not screened (only a partial import, which
        # lacks records for want of the rest of the file, borrows them)
        for registry in (i for i in latest if i.kind == "registry" and i.partial):
            lacking = {
                row[0]
                for info in listed
                for row in self._db.execute(
                    "SELECT DISTINCT e.ror_id FROM entries e WHERE e.list_id=? AND e.edition=? "
                    "AND e.ror_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entries r "
                    "WHERE r.ror_id = e.ror_id AND r.list_id=? AND r.edition=?)",
                    (info.list_id, info.edition, registry.list_id, registry.edition),
                )
            }
            older = [i for i in self.lists(registry.list_id) if i.edition != registry.edition]
            for info in reversed(older):  # newest first
                if not lacking:
                    break
                for entry in self._entries(
                    "e.list_id=? AND e.edition=? AND e.ror_id IS NOT NULL",
                    (info.list_id, info.edition),
                ):
                    if entry.ror_id in lacking:
                        lacking.discard(entry.ror_id)
                        yield info, entry

    def _entries(self, where: str, args: tuple[str, ...]) -> Iterator[Entry]:
        rows = self._db.execute(
            "SELECT e.*, n.name AS n_name, n.type AS n_type FROM entries e "
            f"LEFT JOIN entry_names n ON n.entry_pk = e.pk WHERE {where} "
            "ORDER BY e.pk, n.rowid",
            args,
        )
        current: sqlite3.Row | None = None
        names: dict[str, list[str]] = {}

        def build(row: sqlite3.Row) -> Entry:
            return Entry.model_construct(
                entry_id=row["entry_id"],
                name=row["name"],
                aliases=names.get("alias", []),
                acronyms=names.get("acronym", []),
                native_names=names.get("native", []),
                affiliates=names.get("affiliate", []),
                country=row["country"],
                ror_id=row["ror_id"],
                identifiers=json.loads(row["identifiers"]),
                parent_ror_id=row["parent_ror_id"],
                parent_name=row["parent_name"],
                entity_type=row["entity_type"],
                attributes=json.loads(row["attributes"]),
            )

        for row in rows:
            if current is not None and row["pk"] != current["pk"]:
                yield build(current)
                names = {}
            current = row
            if row["n_type"] and row["n_type"] != "primary":
                names.setdefault(row["n_type"], []).append(row["n_name"])
        if current is not None:
            yield build(current)

    def history(
        self,
        *,
        ror: str | None = None,
        name: str | None = None,
        country: str | None = None,
        entry_id: str | None = None,
        list_id: str | None = None,
    ) -> list[HistoryRow]:
        """Per list and edition, whether the organisation was on it.

        Looks the organisation up by ROR id, by exact normalised name or alias (optionally within
        ``country``) or by entry id; every edition of every list that ever held it is reported,
        including editions that did not (``listed=False``): that is the "in FY24, not in FY25" view.
        """
        clauses, args = [], []
        if ror:
            clauses.append("e.ror_id = ?")
            args.append(ror_id(ror))
        if name:
            clauses.append(
                "e.pk IN (SELECT entry_pk FROM entry_names WHERE key = ? AND type != 'acronym')"
            )
            args.append(name_key(name))
        if entry_id:
            clauses.append("e.entry_id = ?")
            args.append(entry_id)
        if not clauses:
            raise ValueError("history needs ror, name or entry_id")
        sql = (
            "SELECT e.list_id, e.edition, e.entry_id, e.name, e.country FROM entries e WHERE ("
            + (" OR ".join(clauses) + ")")
        )
        if country:
            sql += " AND (e.country = ? OR e.country IS NULL)"
            args.append(country.upper())
        if list_id:
            sql += " AND e.list_id = ?"
            args.append(list_id)
        hits: dict[tuple[str, str], sqlite3.Row] = {}
        for row in self._db.execute(sql, args):
            hits.setdefault((row["list_id"], row["edition"]), row)
        out: list[HistoryRow] = []
        for lid in sorted({k[0] for k in hits}):
            editions = self.lists(lid)
            screens = current_edition(editions, self.pins().get(lid)).edition
            for edition in (i.edition for i in editions):
                row = hits.get((lid, edition))
                found = (row["entry_id"], row["name"]) if row is not None else (None, None)
                out.append(HistoryRow(lid, edition, row is not None, *found, edition == screens))
        return out


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _info(row: sqlite3.Row) -> ListInfo:
    return ListInfo(
        list_id=row["list_id"],
        edition=row["edition"],
        title=row["title"],
        publisher=row["publisher"],
        kind=row["kind"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        source_url=row["source_url"],
        licence=row["licence"],
        citation=row["citation"],
        retrieved_at=datetime.fromisoformat(row["retrieved_at"]) if row["retrieved_at"] else None,
        sha256=row["sha256"],
        partial=bool(row["partial"]),
        notes=row["notes"],
    )
