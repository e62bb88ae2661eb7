"""A data subject's requests (GDPR art. 15-17): what the store holds about a person, and their
erasure (or rectification) by a pseudonym.

Who kvrules names: the lead (principal investigator) of each remembered project, as the RIS
gives the name (``record_subjects``, and the case search's text made from it), and whoever
the committee's own texts mention (decision rationales, mitigation actions and owners,
adjudication reasons, pre-screened proposals, quarantined excerpts). The RIS keeps no person
id in what kvrules stores, so a person is found by the name as the RIS writes it (compared
folded: case and spacing do not matter).

Erasure replaces the name by a pseudonym ("(erased person 3f9a2c1b)") in all of these, and
remembers a keyed digest of the name (never the name) so that the next scan, which reads the
record again from the RIS, stores the pseudonym rather than the name. The hash-chained audit
log is not touched, as ``purge`` leaves it: an entry that quotes the name (a rationale typed
by a member) stays, is counted and its id listed, for the data-protection officer to weigh
against the log's integrity (art. 17(3)(b) and (e)). The erasure's own entry holds the
pseudonym, the counts and the request's reference, never the name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from kvrules.store.folding import fold, fold_stored

ERASED_ACTION = "privacy.erased"
EXPORTED_ACTION = "privacy.exported"

# (table, key column, text columns, case column or None): the committee's free texts.
_TEXTS = (
    ("decisions", "id", ("rationale",), "case_id"),
    ("mitigations", "id", ("action", "owner"), "case_id"),
    ("adjudications", "id", ("reason",), "case_id"),
    ("prescreens", "id", ("proposal", "result", "events"), "case_id"),
    ("quarantine", "record_id", ("excerpt",), None),
)


def normal(name: str) -> str:
    """A name as compared: folded, spaces collapsed."""
    return " ".join((fold(name) or "").split())


def _pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in name.split()]
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def _key(conn: sqlite3.Connection) -> bytes:
    """The database's own key for the digests of erased names (made on first use)."""
    row = conn.execute("SELECT value FROM privacy_key WHERE id = 1").fetchone()
    if row is None:
        conn.execute("INSERT INTO privacy_key (id, value) VALUES (1, ?)", (secrets.token_hex(32),))
        row = conn.execute("SELECT value FROM privacy_key WHERE id = 1").fetchone()
    return bytes.fromhex(row["value"])


def digest(conn: sqlite3.Connection, name: str) -> str:
    return hmac.new(_key(conn), normal(name).encode(), hashlib.sha256).hexdigest()


def erased_pseudonym(conn: sqlite3.Connection, name: str) -> str | None:
    """The pseudonym a name was erased to, if it was: a scan stores it in the name's place."""
    if conn.execute("SELECT 1 FROM erased_people LIMIT 1").fetchone() is None:
        return None  # the usual case: nobody erased, no digest computed per record
    row = conn.execute(
        "SELECT pseudonym FROM erased_people WHERE digest = ?", (digest(conn, name),)
    ).fetchone()
    return row["pseudonym"] if row else None


@dataclass
class Held:
    """What the store holds about one person."""

    records: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    audit_entries: list[dict[str, Any]] = field(default_factory=list)
    account: dict[str, Any] | None = None

    def counts(self) -> dict[str, int]:
        return {
            "records": len(self.records),
            "texts": len(self.texts),
            "audit_entries_kept": len(self.audit_entries),
            "account": int(self.account is not None),
        }


def _leads(conn: sqlite3.Connection, name: str) -> list[sqlite3.Row]:
    """Remembered records whose participants include ``name``: read through the search text
    (which holds the name lower-cased), then compared exactly, folded."""
    wanted = normal(name)
    first = wanted.split(" ")[0] if wanted else ""
    rows = conn.execute(
        "SELECT s.source_system, s.record_id, s.kind, s.body FROM record_subjects s"
        " JOIN subject_search t USING (source_system, record_id) WHERE t.text LIKE ?",
        (f"%{first}%",),
    ).fetchall()
    found = []
    for r in rows:
        body = json.loads(r["body"])
        people = (body.get("project") or {}).get("participants") or []
        if any(normal(p.get("display_name") or "") == wanted for p in people):
            found.append(r)
    return found


def held(conn: sqlite3.Connection, name: str) -> Held:
    """Everything the store holds naming ``name`` (the access request's answer)."""
    out = Held()
    cases = {
        (r["source_system"], r["record_id"]): (r["id"], r["status"])
        for r in conn.execute("SELECT id, source_system, record_id, status FROM cases")
    }
    for r in _leads(conn, name):
        body = json.loads(r["body"])
        thing = body.get("project") or {}
        lead = next(
            p
            for p in thing.get("participants", [])
            if normal(p.get("display_name") or "") == normal(name)
        )
        case = cases.get((r["source_system"], r["record_id"]))
        out.records.append(
            {
                "source_system": r["source_system"],
                "record_id": r["record_id"],
                "kind": r["kind"],
                "title": thing.get("title"),
                "units": thing.get("units", []),
                "name": lead.get("display_name"),
                "role": lead.get("role_given") or lead.get("role"),
                "case_id": case[0] if case else None,
                "case_status": case[1] if case else None,
            }
        )
    pattern = _pattern(name)
    for table, key, columns, case_column in _TEXTS:
        select = ", ".join((key, *columns, case_column or "NULL AS case_id"))
        for r in conn.execute(f"SELECT {select} FROM {table}"):
            for column in columns:
                if r[column] and pattern.search(r[column]):
                    out.texts.append(
                        {
                            "table": table,
                            "id": r[key],
                            "field": column,
                            "case_id": r["case_id"],
                            "text": r[column],
                        }
                    )
    for r in conn.execute("SELECT id, at, actor, action, subject, details FROM audit_log"):
        if pattern.search(r["details"]) or normal(r["actor"]) == normal(name):
            out.audit_entries.append(
                {
                    "id": r["id"],
                    "at": r["at"],
                    "actor": r["actor"],
                    "action": r["action"],
                    "subject": r["subject"],
                    "details": json.loads(r["details"]),
                }
            )
    account = conn.execute(
        "SELECT name, role, created_at, disabled_at FROM users WHERE name = ?", (name,)
    ).fetchone()
    if account is not None:
        out.account = dict(account)
    return out


def new_pseudonym() -> str:
    # No square brackets: rich would read them as markup (as retention's PURGED says).
    return f"(erased person {secrets.token_hex(4)})"


def erase(conn: sqlite3.Connection, name: str, pseudonym: str, now_ts: str) -> Held:
    """Replace ``name`` by ``pseudonym`` in records and texts, and remember its digest so
    scans keep it out; what was found (before). Call inside a transaction."""
    found = held(conn, name)
    wanted = normal(name)
    for rec in found.records:
        key = (rec["source_system"], rec["record_id"])
        body = json.loads(
            conn.execute(
                "SELECT body FROM record_subjects WHERE source_system = ? AND record_id = ?", key
            ).fetchone()["body"]
        )
        for p in body["project"]["participants"]:
            if normal(p.get("display_name") or "") == wanted:
                p["display_name"] = pseudonym
        conn.execute(
            "UPDATE record_subjects SET body = ? WHERE source_system = ? AND record_id = ?",
            (json.dumps(body, ensure_ascii=False), *key),
        )
        fold_stored(conn, *key)  # the search text was rebuilt by its trigger: fold it again
    pattern = _pattern(name)
    for text in found.texts:
        key_column = next(k for t, k, _, _ in _TEXTS if t == text["table"])
        conn.execute(
            f"UPDATE {text['table']} SET {text['field']} = ? WHERE {key_column} = ?",
            (pattern.sub(pseudonym, text["text"]), text["id"]),
        )
    conn.execute(
        "INSERT OR REPLACE INTO erased_people (digest, pseudonym, erased_at) VALUES (?, ?, ?)",
        (digest(conn, name), pseudonym, now_ts),
    )
    return found
