"""A data subject's requests (GDPR art. 15-17): what the store holds about a person, and their
erasure (or rectification) by a pseudonym.

Who kvrules names: the lead (principal investigator) of each remembered project, as the RIS
gives the name (``record_subjects``, and the case search's text made from it); partners and
co-author affiliations that are a person's name ("Wei Zhang", "Dr. Reza Ahmadi"), kept in the
record, the findings' evidence and the alerts' mails; and whoever the committee's own texts
mention (decision rationales, triage notes, mitigation actions and owners, adjudications,
pre-screened proposals, quarantined excerpts, and the audit log that records them). The RIS
keeps no person id in what kvrules stores, so a person is found by the name as the RIS writes
it, as a whole name (``kvrules.store.namematch``: "Chen Li" is not in "Chen Lingyun"), folded
(case, spacing, Unicode form and Turkish i do not matter).

Erasure replaces the name by a pseudonym ("(erased person 3f9a2c1b)") in every one of these
places (``PLACES``), and remembers a keyed digest of the name, and of each lead's display name
it was (with an alias: "张伟 (Zhang Wei)"), never the name, so that the next scan, which reads
the record again from the RIS, stores the pseudonym rather than the name (a title before a
name is dropped before the digest is looked up: "Dr. Reza Ahmadi"). No digest is remembered
for a partner's value holding more than the name ("Zhang Wei, Li Ning"): it would hide another
person, or an organisation, on every scan; such a value gets the name back from the RIS.

Audit entries that quote the name are rewritten too (erasure is erasure, art. 17): the
erasure's own entry, appended to the chain, seals each rewritten entry (``audit.seal``: its
old hash and new content; ``audit_entries_rewritten``), so ``audit verify`` still checks
every entry — a rewritten one against its seal, its place in the chain by the hashes the
entries after it carry — and lists each rewrite. The erasure's entry holds the pseudonym, the
counts, the request's reference and the seals, never the name.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kvrules.store import audit as _audit
from kvrules.store.audit import canonical_json
from kvrules.store.db import StoreError
from kvrules.store.folding import fold, fold_stored
from kvrules.store.migrations import AUDIT_NO_UPDATE
from kvrules.store.namematch import find_name, may_hold, name_words, names, replace_name

ERASED_ACTION = _audit.ERASED_ACTION
EXPORTED_ACTION = "privacy.exported"
# In the erasure's entry: audit entry id -> SHA-256 of its content as rewritten (``seal``).
SEALS = _audit.SEALS_KEY


class AuditLogUnprotected(StoreError):
    """The audit log's no-update trigger is gone: someone changed the file outside kvrules."""


@dataclass(frozen=True)
class Place:
    """Where the store keeps text that may name a person: ``table``'s ``columns`` (JSON, read
    string by string, when ``is_json``), keyed by ``key``, with the case they belong to."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    case_column: str | None
    is_json: bool = False


# Every stored place that holds a name (``test_every_text_column_is_a_place_or_said_to_hold_no_
# name`` fails when a table gains a text column neither here nor in ``NO_NAMES``).
PLACES = (
    Place("record_subjects", ("source_system", "record_id"), ("body",), None, is_json=True),
    Place("findings", ("id",), ("body",), "case_id", is_json=True),
    Place("alert_outbox", ("id",), ("payload",), "case_id", is_json=True),
    Place("decisions", ("id",), ("rationale",), "case_id"),
    Place("mitigations", ("id",), ("action", "owner"), "case_id"),
    Place("adjudications", ("id",), ("reason", "org_name", "org_key", "entry"), "case_id"),
    Place("prescreens", ("id",), ("proposal", "result", "events"), "case_id", is_json=True),
    Place("quarantine", ("source", "record_id"), ("excerpt",), None),
)
# Text columns that hold no name a person could ask about: ids, codes, times, hashes, list
# ids, tags; the search text and facets (rebuilt from record_subjects by triggers); accounts
# (``Held.account``: an account's name stays the actor of its entries, README); the key.
NO_NAMES = {
    "record_subjects": {"source_system", "record_id", "kind", "updated_at"},
    "subject_search": {"source_system", "record_id", "text"},
    "subject_facets": {"source_system", "record_id", "facet", "value"},
}


def normal(name: str) -> str:
    """A name as compared: folded, spaces collapsed."""
    return " ".join((fold(name) or "").split())


def is_full_name(name: str) -> bool:
    """Whether ``name`` is more than one word, or at least two characters of a script written
    without spaces ("张伟", "김민수"): a one-word name ("Will", "Ali") is too often a common
    word or part of other people's names to erase without reading the dry run."""
    words = normal(name).split()
    if len(words) >= 2:
        return True
    return len(words) == 1 and len(words[0]) >= 2 and all(map(_unspaced_script, words[0]))


def in_unspaced_script(name: str) -> bool:
    """Whether ``name`` holds letters of a script written without spaces: there, a name is
    found only where it stands apart ("张伟 (Zhang Wei)", a whole value), not inside a
    sentence ("由张伟负责"), where a longer run may as well be another name ("陈丽华")."""
    return any(map(_unspaced_script, name))


def _unspaced_script(ch: str) -> bool:
    """A letter of a script written without spaces between words (Han, kana, Hangul, Thai,
    Lao, Khmer, Myanmar, Tibetan): the Unicode names say which."""
    return unicodedata.name(ch, "").startswith(_UNSPACED)


_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")


def _key(conn: sqlite3.Connection) -> bytes:
    """The database's own key for the digests of erased names (made on first use)."""
    row = conn.execute("SELECT value FROM privacy_key WHERE id = 1").fetchone()
    if row is None:
        conn.execute("INSERT INTO privacy_key (id, value) VALUES (1, ?)", (secrets.token_hex(32),))
        row = conn.execute("SELECT value FROM privacy_key WHERE id = 1").fetchone()
    return bytes.fromhex(row["value"])


def digest(conn: sqlite3.Connection, name: str) -> str:
    return _hmac(conn, normal(name))


def _hmac(conn: sqlite3.Connection, normalised: str) -> str:
    return hmac.new(_key(conn), normalised.encode(), hashlib.sha256).hexdigest()


# Up to schema 17 (0.3.0) the fold kept the Turkish dotless i, U+0131 (schema 18 reads it
# as i): a name erased then is remembered by the digest of its 0.3.0 fold. The digest is keyed
# and one-way, so the migration cannot rewrite it; a name is looked up under both folds.
_DOTLESS_I = "\u0131"


def _normal_before_schema_18(name: str) -> str | None:
    """``name`` as 0.3.0 compared it, when that differs from ``normal`` (a dotless i, U+0131)."""
    if _DOTLESS_I not in name:
        return None
    text = unicodedata.normalize("NFKC", name)
    old = unicodedata.normalize("NFKC", text.casefold()).replace("i\u0307", "i")
    return " ".join(old.split())


def erased_pseudonym(conn: sqlite3.Connection, name: str) -> str | None:
    """The pseudonym a name was erased to, if it was: a scan stores it in the name's place."""
    if conn.execute("SELECT 1 FROM erased_people LIMIT 1").fetchone() is None:
        return None  # the usual case: nobody erased, no digest computed per record
    digests = [digest(conn, name)]
    if (old := _normal_before_schema_18(name)) is not None:
        digests.append(_hmac(conn, old))
    row = conn.execute(
        f"SELECT pseudonym FROM erased_people WHERE digest IN ({', '.join('?' * len(digests))})",
        digests,
    ).fetchone()
    return row["pseudonym"] if row else None


def keep_erased_out(conn: sqlite3.Connection, value: Any) -> Any:
    """``value`` (a record's body, a finding's) with every name or display name that was
    erased (whole, as ``erase`` remembered it) replaced by its pseudonym, in place."""
    if conn.execute("SELECT 1 FROM erased_people LIMIT 1").fetchone() is None:
        return value
    for holder, key in _named(value):
        text = holder[key]
        if pseudonym := erased_pseudonym(conn, text) or erased_pseudonym(
            conn, _without_title(text)
        ):
            holder[key] = pseudonym
    return value


def _named(value: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """(dict, key) of every "name" or "display_name" string in ``value``, at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _NAME_KEYS and isinstance(v, str):
                yield value, k
            else:
                yield from _named(v)
    elif isinstance(value, list):
        for v in value:
            yield from _named(v)


# The keys whose value is a name as a whole (a person's, or an organisation's that may be one)
_NAME_KEYS = ("name", "display_name")


def _is_name_path(path: str) -> bool:
    return path.rsplit(".", 1)[-1] in _NAME_KEYS


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every string in a JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


def _replaced(value: Any, name: str, pseudonym: str, whole: set[str]) -> Any:
    """``value`` with ``name`` replaced wherever it is a whole name. A value that is the name
    ("Dr. Reza Ahmadi"; a lead's display name also with an alias in brackets, "张伟 (Zhang
    Wei)") is replaced whole; a lead's such display name is added to ``whole`` (its digest
    keeps later scans from storing it again). Anywhere else only the occurrence is replaced:
    a partner's value holding more ("Zhang Wei, Li Ning") is not the person, and no digest is
    remembered for a partner's or organisation's name (it would hide it on every scan)."""
    if isinstance(value, str):
        return replace_name(value, name, pseudonym)
    if isinstance(value, list):
        return [_replaced(v, name, pseudonym, whole) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            lead = k == _LEAD_KEY
            if k in _NAME_KEYS and isinstance(v, str) and _is_the_name(v, name, alias=lead):
                if lead:
                    whole.add(v)
                out[k] = pseudonym
            else:
                out[k] = _replaced(v, name, pseudonym, whole)
        return out
    return value


# A person's display name in a record (a participant's); "name" may be an organisation's.
_LEAD_KEY = "display_name"
# Titles before a name ("Dr. Reza Ahmadi", "Prof Chen Li"): any word ending in a full stop,
# and these without one. Folded.
_TITLES = frozenset(["dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame"])
_ALIAS = re.compile(r"\([^()]*\)")


def _without_title(value: str) -> str:
    """``value`` without the titles before it ("Dr. Reza Ahmadi" → "Reza Ahmadi")."""
    words = value.split()
    while len(words) > 1 and (words[0].endswith(".") or (fold(words[0]) or "") in _TITLES):
        words = words[1:]
    return " ".join(words)


def _is_the_name(value: str, name: str, *, alias: bool) -> bool:
    """Whether ``value`` is ``name`` as a whole, a title before it allowed (and, with
    ``alias``, a bracketed alias after it: "张伟 (Zhang Wei)")."""
    spans = find_name(value, name, whole_value=True)
    if len(spans) != 1:
        return False
    start, end = spans[0]
    before, after = value[:start].strip(), value[end:].strip()
    if before and _without_title(f"{before} x") != "x":
        return False
    return not after or (alias and _ALIAS.fullmatch(after) is not None)


@dataclass
class Held:
    """What the store holds about one person."""

    records: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    audit_entries: list[dict[str, Any]] = field(default_factory=list)
    account: dict[str, Any] | None = None
    # of ``texts``, those that are the name as a whole (a name field, or a field holding just
    # the name: a mitigation's owner), not a mention in free text
    whole_names: int = 0

    def counts(self) -> dict[str, int]:
        in_names = self.whole_names
        return {
            "records": len(self.records),
            "texts": len(self.texts),
            "texts_that_are_names": in_names,
            "texts_of_free_text": len(self.texts) - in_names,
            "audit_entries": len(self.audit_entries),
            "account": int(self.account is not None),
        }


def _lead_of(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    people = (body.get("project") or {}).get("participants") or []
    return next(
        (p for p in people if names(p.get("display_name") or "", name, whole_value=True)), None
    )


_NOT_JSON = object()


def _cells(place: Place, row: sqlite3.Row, words: list[str]) -> Iterator[tuple[str, str, Any]]:
    """(column, stored text, its JSON value or ``_NOT_JSON``) of each column of ``row`` that
    may hold the name (``may_hold``): the one reading of a place both ``held`` and ``erase``
    use. A JSON column whose text does not parse is read as plain text."""
    for column in place.columns:
        raw = row[column]
        if not raw or not isinstance(raw, str) or not may_hold(raw, words):
            continue
        value: Any = _NOT_JSON
        if place.is_json:
            with contextlib.suppress(ValueError):
                value = json.loads(raw)
        yield column, raw, value


def _cell_hits(place: Place, row: sqlite3.Row, name: str) -> Iterator[tuple[str, str, str]]:
    """(column, path in its JSON or "", text) of each stored text in ``row`` naming ``name``."""
    for column, raw, value in _cells(place, row, name_words(name)):
        if value is _NOT_JSON:
            if names(raw, name):
                yield column, "", raw
            continue
        for path, text in _strings(value):
            if names(text, name, whole_value=_is_name_path(path)):
                yield column, path, text


def _cell_replaced(
    place: Place, row: sqlite3.Row, name: str, pseudonym: str, whole: set[str]
) -> dict[str, str]:
    """column -> its new text, for each column of ``row`` where ``name`` was replaced."""
    changed = {}
    for column, raw, value in _cells(place, row, name_words(name)):
        if value is _NOT_JSON:
            new = replace_name(raw, name, pseudonym)
        else:
            replaced = _replaced(value, name, pseudonym, whole)
            new = raw if replaced == value else json.dumps(replaced, ensure_ascii=False)
        if new != raw:
            changed[column] = new
    return changed


def _rows(conn: sqlite3.Connection, place: Place) -> list[sqlite3.Row]:
    """Every row of ``place`` (read whole: the name is compared folded, in Python; a person's
    request is rare, and no SQL comparison folds every script)."""
    extra = ("kind",) if place.table == "record_subjects" else ()
    case = f"{place.case_column} AS case_id" if place.case_column else "NULL AS case_id"
    select = ", ".join((*place.key, *place.columns, *extra, case))
    return conn.execute(f"SELECT {select} FROM {place.table}").fetchall()


def held(conn: sqlite3.Connection, name: str) -> Held:
    """Everything the store holds naming ``name`` (the access request's answer)."""
    out = Held()
    if not normal(name):
        return out
    cases = {
        (r["source_system"], r["record_id"]): (r["id"], r["status"])
        for r in conn.execute("SELECT id, source_system, record_id, status FROM cases")
    }
    words = name_words(name)
    for place in PLACES:
        for row in _rows(conn, place):
            key = [row[k] for k in place.key]
            for column, path, text in _cell_hits(place, row, name):
                if place.table == "record_subjects" and path.startswith("project.participants["):
                    continue  # the lead: in ``records`` below
                out.whole_names += _is_name_path(path) or _is_the_name(text, name, alias=False)
                out.texts.append(
                    {
                        "table": place.table,
                        "id": key[0] if len(key) == 1 else key,
                        "field": column,
                        **({"path": path} if path else {}),
                        "case_id": row["case_id"],
                        "text": text,
                    }
                )
            if place.table == "record_subjects" and may_hold(row["body"], words):
                body = json.loads(row["body"])
                if (lead := _lead_of(body, name)) is None:
                    continue
                thing = body.get("project") or {}
                case = cases.get((row["source_system"], row["record_id"]))
                out.records.append(
                    {
                        "source_system": row["source_system"],
                        "record_id": row["record_id"],
                        "kind": row["kind"],
                        "title": thing.get("title"),
                        "units": thing.get("units", []),
                        "name": lead.get("display_name"),
                        "role": lead.get("role"),
                        "case_id": case[0] if case else None,
                        "case_status": case[1] if case else None,
                    }
                )
    wanted = normal(name)
    # who opened the cases of the records they lead (``audit.VIEWED``)
    viewed = {_audit.viewed_subject(r["case_id"]) for r in out.records if r["case_id"]}
    for r in conn.execute("SELECT id, at, actor, action, subject, details FROM audit_log"):
        mine = r["subject"] in viewed or normal(r["actor"]) == wanted
        if not mine and not may_hold(r["details"], words):
            continue  # the usual entry, without parsing it
        details = json.loads(r["details"])
        quotes = any(names(text, name) for _, text in _strings(details))
        if quotes or normal(r["actor"]) == wanted or r["subject"] in viewed:
            out.audit_entries.append(
                {
                    "id": r["id"],
                    "at": r["at"],
                    "actor": r["actor"],
                    "action": r["action"],
                    "subject": r["subject"],
                    "details": details,
                    "quotes_the_name": quotes,
                }
            )
    for account in conn.execute("SELECT name, role, created_at, disabled_at FROM users"):
        if normal(account["name"]) == wanted:
            out.account = dict(account)
    return out


def new_pseudonym() -> str:
    # No square brackets: rich would read them as markup (as retention's PURGED says).
    return f"(erased person {secrets.token_hex(4)})"


def erase(conn: sqlite3.Connection, name: str, pseudonym: str, now_ts: str) -> tuple[Held, dict]:
    """Replace ``name`` by ``pseudonym`` wherever the store holds it, audit entries included,
    and remember its digest so scans keep it out; (what was found before, the seals of the
    audit entries rewritten). Call inside a transaction."""
    found = held(conn, name)
    whole: set[str] = {name}
    for place in PLACES:
        where = " AND ".join(f"{k} = ?" for k in place.key)
        for row in _rows(conn, place):
            changed = _cell_replaced(place, row, name, pseudonym, whole)
            if changed:
                sets = ", ".join(f"{c} = ?" for c in changed)
                key = [row[k] for k in place.key]
                conn.execute(
                    f"UPDATE {place.table} SET {sets} WHERE {where}", (*changed.values(), *key)
                )
                if place.table == "record_subjects":
                    fold_stored(conn, *key)  # the search text was rebuilt: fold it again
    seals = _rewrite_audit(conn, found, name, pseudonym)
    for each in whole:
        conn.execute(
            "INSERT OR REPLACE INTO erased_people (digest, pseudonym, erased_at) VALUES (?, ?, ?)",
            (digest(conn, each), pseudonym, now_ts),
        )
    return found, seals


def _rewrite_audit(
    conn: sqlite3.Connection, found: Held, name: str, pseudonym: str
) -> dict[str, str]:
    """Rewrite the audit entries that quote ``name``; their seals (entry id -> the SHA-256 of
    its content as rewritten, ``audit.seal``). The log's no-update trigger is lifted for this
    alone, inside the erasure's transaction: a failure leaves it (and the log) as they were."""
    quoting = [e for e in found.audit_entries if e["quotes_the_name"]]
    if not quoting:
        return {}  # the person's account as the actor alone: the name stays (README)
    seals = {}
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'"
    ).fetchone():
        raise AuditLogUnprotected(
            "the audit log's append-only trigger (audit_log_no_update) is missing: the "
            "database was changed outside kvrules; nothing was erased. Run `kvrules audit "
            "verify` and restore the file from a backup you trust"
        )
    conn.execute("DROP TRIGGER audit_log_no_update")
    for entry in quoting:
        details = _replaced(entry["details"], name, pseudonym, set())
        conn.execute(
            "UPDATE audit_log SET details = ? WHERE id = ?",
            (canonical_json(details), entry["id"]),
        )
        content = {k: entry[k] for k in ("id", "at", "actor", "action", "subject")}
        old_hash = conn.execute(
            "SELECT hash FROM audit_log WHERE id = ?", (entry["id"],)
        ).fetchone()[0]
        seals[str(entry["id"])] = _audit.seal(content | {"details": details}, old_hash)
    conn.execute(AUDIT_NO_UPDATE)
    return seals
