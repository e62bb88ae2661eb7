"""The append-only audit log: every entry is hash-chained to the one before it.

``hash = sha256(prev_hash + canonical JSON of {id, at, actor, action, subject, details})``.
Changing, inserting or deleting a row breaks the chain at that row; deleting the newest rows
(or restoring an older backup) does not, so publish ``head()`` somewhere outside the database
(the board report prints it as ``ID:HASH``) and pass it back to ``verify(expected_head=...)``;
``parse_anchor`` reads it as printed, a prefix of the hash of at least ``MIN_ANCHOR_HEX``
hex digits included.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kvrules.errors import KvrulesError

GENESIS = "0" * 64
# The shortest hash prefix an anchor may quote: 16 hex digits, 64 bits. Forging a rewritten log
# whose entry hash starts with a published prefix takes about 2**64 SHA-256 attempts.
MIN_ANCHOR_HEX = 16
_ANCHOR = re.compile(r"\s*(\d+)\s*:\s*([0-9a-fA-F]+)\s*")
REDACTED = "[redacted]"
# Keys whose values must never reach the database, whatever a caller passes.
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|api[-_]?key|authori[sz]ation|cookie", re.I)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditProblem:
    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit row {self.row_id}: {self.problem}"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def redact(value: Any) -> Any:
    """Replace the values of secret-looking keys, at any depth."""
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


DROPPED_TEXT = "(text not kept: an erasure ran while this entry waited to be written)"


def without_text(value: Any) -> Any:
    """``value`` with every string replaced by ``DROPPED_TEXT``, at any depth: an entry made
    before an erasure that could not rewrite it (kept in memory while a scan wrote)."""
    if isinstance(value, str):
        return DROPPED_TEXT
    if isinstance(value, dict):
        return {k: without_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_text(v) for v in value]
    return value


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode()).hexdigest()


def _body(row_id: int, at: str, actor: str, action: str, subject: str, details: Any) -> dict:
    return {
        "id": row_id,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
    }


def append(
    conn: sqlite3.Connection, at: str, actor: str, action: str, subject: str, details: dict
) -> AuditEntry:
    """Append one entry; call inside the transaction of the change it records."""
    details = redact(details)
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last["hash"] if last else GENESIS
    # The id is part of the hash, so it is chosen here; AUTOINCREMENT state keeps it monotonic.
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name='audit_log'").fetchone()
    row_id = max(seq[0] if seq else 0, last["id"] if last else 0) + 1
    digest = entry_hash(prev, _body(row_id, at, actor, action, subject, details))
    conn.execute(
        "INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, at, actor, action, subject, canonical_json(details), prev, digest),
    )
    return AuditEntry(row_id, at, actor, action, subject, details, prev, digest)


def entries(conn: sqlite3.Connection, subject: str | None = None) -> list[AuditEntry]:
    sql = "SELECT * FROM audit_log"
    args: tuple = ()
    if subject is not None:
        sql, args = sql + " WHERE subject = ?", (subject,)
    return [_entry(r) for r in conn.execute(sql + " ORDER BY id", args)]


def newer(
    conn: sqlite3.Connection, subject: str, after: int, *, other_than: str
) -> list[AuditEntry]:
    """``subject``'s entries with an id above ``after`` not made by ``other_than``, oldest
    first (read through the subject index: the entries of one case since one page)."""
    rows = conn.execute(
        "SELECT * FROM audit_log WHERE subject = ? AND id > ? AND actor != ? ORDER BY id",
        (subject, after, other_than),
    )
    return [_entry(r) for r in rows]


def newer_of_any(
    conn: sqlite3.Connection, subjects: set[str], after: int, *, other_than: str
) -> list[AuditEntry]:
    """As ``newer`` for several subjects at once: the entries since ``after`` are read once
    (by id: few, since a page was drawn) and kept when their subject is one of ``subjects``."""
    rows = conn.execute(
        "SELECT * FROM audit_log WHERE id > ? AND actor != ? ORDER BY id", (after, other_than)
    )
    return [_entry(r) for r in rows if r["subject"] in subjects]


def latest(conn: sqlite3.Connection, subject: str) -> AuditEntry | None:
    """``subject``'s newest entry."""
    row = conn.execute(
        "SELECT * FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT 1", (subject,)
    ).fetchone()
    return _entry(row) if row else None


def entries_of_action(conn: sqlite3.Connection, action: str) -> list[AuditEntry]:
    """Every entry of one kind ("case.closed"), oldest first: the board report's closures
    without reading (and parsing the details of) the whole log."""
    rows = conn.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY id", (action,))
    return [_entry(r) for r in rows]


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and whether entries lie beyond it either way."""

    entries: list[AuditEntry]
    has_older: bool
    has_newer: bool


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: of one subject, by one actor (a person's account, "cli:…", "system"),
    at or after ``since`` and before ``until`` (ts() text, UTC)."""

    subject: str | None = None
    actor: str | None = None
    since: str | None = None
    until: str | None = None

    def where(self) -> tuple[list[str], list[Any]]:
        clauses, args = [], []
        for sql, value in (
            ("subject = ?", self.subject),
            ("actor = ?", self.actor),
            ("at >= ?", self.since),
            ("at < ?", self.until),
        ):
            if value is not None:
                clauses.append(sql)
                args.append(value)
        return clauses or ["1"], args


def page(
    conn: sqlite3.Connection,
    subject: str | None = None,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 100,
    only: AuditFilter | None = None,
) -> AuditPage:
    """At most ``limit`` entries (of ``subject``, or as ``only`` filters), newest first: the
    newest, those just older than id ``before``, or those just newer than id ``after``. Read
    through the id (and the subject index): a page costs the same at 100 entries as at a
    million; an actor or date filter reads on by id until the page is full."""
    only = only or AuditFilter(subject=subject)
    bounds, base = only.where()
    where, args = list(bounds), list(base)
    if before is not None:
        where.append("id < ?")
        args.append(before)
    if after is not None:
        where.append("id > ?")
        args.append(after)
    order = "ASC" if after is not None and before is None else "DESC"
    sql = f"SELECT * FROM audit_log WHERE {' AND '.join(where)} ORDER BY id {order} LIMIT ?"
    rows = [_entry(r) for r in conn.execute(sql, (*args, limit))]
    rows.sort(key=lambda e: -e.id)

    def exists(test: str, row_id: int) -> bool:
        sql = f"SELECT 1 FROM audit_log WHERE {' AND '.join(bounds)} AND id {test} ? LIMIT 1"
        return conn.execute(sql, (*base, row_id)).fetchone() is not None

    if not rows:
        return AuditPage([], before is not None, after is not None)
    return AuditPage(rows, exists("<", rows[-1].id), exists(">", rows[0].id))


def matching(conn: sqlite3.Connection, only: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry ``only`` selects, oldest first, streamed (an export of the log)."""
    clauses, args = only.where()
    sql = f"SELECT * FROM audit_log WHERE {' AND '.join(clauses)} ORDER BY id"
    for r in conn.execute(sql, args):
        yield _entry(r)


def _entry(r: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        r["id"],
        r["at"],
        r["actor"],
        r["action"],
        r["subject"],
        json.loads(r["details"]),
        r["prev_hash"],
        r["hash"],
    )


class MalformedAnchor(KvrulesError, ValueError):
    """An anchored head that is not ``ID:HASH`` as the report prints it."""


def parse_anchor(text: str) -> tuple[int, str]:
    """(entry id, hash or hash prefix, lower case) of an anchor ``ID:HASH`` as ``kvrules
    report`` and ``kvrules audit verify`` print it; MalformedAnchor, worded for the person
    who typed it, otherwise."""
    m = _ANCHOR.fullmatch(text)
    if m is None or len(m.group(2)) > 64:
        raise MalformedAnchor(
            f"--head {text!r} is not ID:HASH as the report prints it (an entry number, a colon "
            f"and at least {MIN_ANCHOR_HEX} hex digits of its hash, e.g. 414:09a9a28483648044)"
        )
    if len(m.group(2)) < MIN_ANCHOR_HEX:
        raise MalformedAnchor(
            f"--head {text!r} quotes {len(m.group(2))} hex digits of the hash: at least "
            f"{MIN_ANCHOR_HEX} are needed for the check to mean anything"
        )
    return int(m.group(1)), m.group(2).lower()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(id, hash) of the newest entry, (0, GENESIS) when empty: the value to anchor elsewhere."""
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (last["id"], last["hash"]) if last else (0, GENESIS)


def verify(
    conn: sqlite3.Connection, expected_head: tuple[int, str] | None = None
) -> list[AuditProblem]:
    """Every problem in the chain, in row order (``check``)."""
    return check(conn, expected_head)[0]


def check(
    conn: sqlite3.Connection, expected_head: tuple[int, str] | None = None
) -> tuple[list[AuditProblem], list[tuple[int, int]]]:
    """(the problems, the rewrites: (entry id, erasure entry id) of each entry an erasure
    rewrote as its seal allows), in one walk of the log. The problems are in row order (the
    first is the first broken link), those against ``expected_head`` last.

    An entry a person's erasure rewrote (``kvrules.store.privacy``) no longer matches its
    hash; it is checked against the seal the erasure's own entry holds for it
    (``sealed_rewrites``): only an erasure entry whose own hash checks, in its place in the
    chain, and that is newer than the entry it seals counts. With ``expected_head``, an entry
    older than the anchor rewritten by an erasure newer than it is a problem too: the anchor
    vouched for its content, and only that erasure's request can say it was a real one."""
    problems: list[AuditProblem] = []
    prev_hash, prev_id = GENESIS, 0
    seen: dict[int, str] = {}
    rewrites = sealed_rewrites(conn)
    problems += rewrites.problems
    for r in conn.execute("SELECT * FROM audit_log ORDER BY id"):
        row_id = r["id"]
        if row_id != prev_id + 1:  # ids are gapless: rollbacks also roll back the sequence
            problems.append(AuditProblem(row_id, f"rows missing between {prev_id} and {row_id}"))
        if r["prev_hash"] != prev_hash:
            problems.append(
                AuditProblem(row_id, f"prev_hash does not match the hash of row {prev_id}")
            )
        body = _row_body(r)
        if body is None:
            problems.append(AuditProblem(row_id, "details are not valid JSON"))
            body = _body(row_id, r["at"], r["actor"], r["action"], r["subject"], r["details"])
        if entry_hash(r["prev_hash"], body) != r["hash"]:
            sealed = rewrites.seals.get(row_id)
            if sealed is None or sealed[0] != seal(body, r["hash"]):
                problems.append(
                    AuditProblem(row_id, "content does not match its hash (row altered)")
                )
            else:
                rewrites.rewritten.append((row_id, sealed[1]))
        seen[row_id] = r["hash"]
        prev_hash, prev_id = r["hash"], row_id
    problems.sort(key=lambda p: p.row_id)  # an erasure's malformed seals in their row's place
    if expected_head is not None:
        problems += _anchor_problems(seen, prev_id, expected_head)
        problems += [
            AuditProblem(
                row,
                f"rewritten by erasure {by}, newer than the anchored entry {expected_head[0]}: "
                f"check erasure {by} answers a real request, then publish a new head",
            )
            for row, by in rewrites.rewritten
            if row <= expected_head[0] < by
        ]
    return problems, rewrites.rewritten


def rewrite_in_words(row: int, erasure: int) -> str:
    """An entry a person's erasure rewrote, as ``audit verify`` and the web's audit page say
    it: which entry, which erasure; never what the entry said before."""
    return f"row {row} rewritten by erasure {erasure} (a person's erasure, sealed)"


def rewritten_by_erasure(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """(entry id, erasure entry id) of every entry an erasure rewrote whose content matches
    the erasure's seal for it: what ``audit verify`` lists as "row N rewritten by erasure M"."""
    return check(conn)[1]


def _row_body(r: sqlite3.Row) -> dict[str, Any] | None:
    try:
        details = json.loads(r["details"])
    except (TypeError, ValueError):
        return None
    return _body(r["id"], r["at"], r["actor"], r["action"], r["subject"], details)


# Who looked at whose data (review of 0.3.0, item 7): a case page opened, the case list
# searched. A view is its case's under a subject of its own, so the case's History and the
# version its forms carry are not lists of views; a search keeps its text (it names people:
# ``kvrules privacy`` finds and erases it as any other quoted name).
VIEWED = "case.viewed"
SEARCHED = "cases.searched"
SEARCH_SUBJECT = "search:cases"


def viewed_subject(case_id: int) -> str:
    return f"viewed:case:{case_id}"


ERASED_ACTION = "privacy.erased"
SEALS_KEY = "audit_entries_rewritten"


def seal(body: dict[str, Any], old_hash: str) -> str:
    """The seal of an entry an erasure rewrote: SHA-256 of its hash (which the rewrite keeps,
    and the chain after it carries) and its content as rewritten. Only the details change;
    the seal binds the rest, so a changed time, actor, action or subject is found."""
    return hashlib.sha256((old_hash + canonical_json(body)).encode()).hexdigest()


@dataclass
class _Rewrites:
    # entry id -> (its seal, the erasure entry holding it): the newest such erasure's
    seals: dict[int, tuple[str, int]]
    problems: list[AuditProblem]
    rewritten: list[tuple[int, int]]


_ENTRY_ID = re.compile(r"[0-9]{1,18}")


def sealed_rewrites(conn: sqlite3.Connection) -> _Rewrites:
    """The seals of the erasure entries that may hold them: an entry of ``ERASED_ACTION``
    whose own hash matches its content and follows the hash of the entry before it (one
    changed, or added, outside the chain seals nothing), sealing entries older than itself."""
    sealed: dict[int, tuple[str, int]] = {}
    problems: list[AuditProblem] = []
    for r in conn.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY id", (ERASED_ACTION,)):
        body = _row_body(r)
        if body is None or entry_hash(r["prev_hash"], body) != r["hash"]:
            continue  # its own check says so
        before = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (r["id"] - 1,)).fetchone()
        if (before["hash"] if before else GENESIS) != r["prev_hash"]:
            continue  # the chain check says so
        seals = body["details"].get(SEALS_KEY) if isinstance(body["details"], dict) else None
        if not seals:
            continue
        if not isinstance(seals, dict) or not all(
            isinstance(k, str) and _ENTRY_ID.fullmatch(k) and isinstance(v, str)
            for k, v in seals.items()
        ):
            problems.append(
                AuditProblem(r["id"], f"{SEALS_KEY} is not entry ids and seals: ignored")
            )
            continue
        for k, v in seals.items():
            if int(k) < r["id"]:
                sealed[int(k)] = (v, r["id"])
            else:
                problems.append(
                    AuditProblem(r["id"], f"seals entry {k}, not older than itself: ignored")
                )
    return _Rewrites(sealed, problems, [])


def _anchor_problems(
    seen: dict[int, str], newest: int, expected_head: tuple[int, str]
) -> list[AuditProblem]:
    """Whether the anchored entry is still in the log with the hash published (a prefix of
    at least ``MIN_ANCHOR_HEX`` digits, as the report prints it, counts)."""
    want_id, want_hash = expected_head
    want_hash = want_hash.lower()
    if len(want_hash) < MIN_ANCHOR_HEX:
        raise MalformedAnchor(f"an anchored hash has at least {MIN_ANCHOR_HEX} hex digits")
    found = seen.get(want_id)
    if found is None:
        return [
            AuditProblem(
                want_id,
                f"anchored entry is missing: the log ends at entry {newest} "
                "(newest rows removed, or an older backup restored)",
            )
        ]
    if not found.startswith(want_hash):
        return [
            AuditProblem(
                want_id,
                f"anchored hash {want_hash[:16]}… differs from the entry's {found[:16]}… "
                "(the log up to it was rewritten)",
            )
        ]
    return []
