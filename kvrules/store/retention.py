"""Retention: remove or blank personal data whose time is up, without touching what the
committee decided or the hash-chained audit log.

Each category is a set of rows with a *reference time* (when they were last needed); rows
whose reference time is before the category's cut-off go. ``survey`` counts them (a dry run),
``purge`` removes or blanks them; the caller wraps each category in its own transaction with
one audit entry (see ``Store.purge_expired``). ``compact`` then rewrites the file (VACUUM) and
empties the write-ahead log, so the content leaves the disk and not only the tables.

What is never purged: open and triaged cases, cases whose latest decision set a review date
that has not been dealt with, cases with open mitigation items (their content and evidence
stay whatever their age); cases, findings' rule/severity/fingerprint/dates, decisions,
mitigations, adjudications, triage, accounts and the audit log themselves.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from kvrules.store.db import parse_ts, ts

SUBJECTS_AFTER_CLOSE = "subjects_after_close"
SUBJECTS_WITHOUT_CASE = "subjects_without_case"
QUARANTINE = "quarantine"
DELIVERED_ALERTS = "delivered_alerts"
FINDINGS_EVIDENCE = "findings_evidence_after_close"
PRESCREENS = "prescreens"
CATEGORIES = (
    SUBJECTS_AFTER_CLOSE,
    SUBJECTS_WITHOUT_CASE,
    QUARANTINE,
    DELIVERED_ALERTS,
    FINDINGS_EVIDENCE,
    PRESCREENS,
)
DESCRIPTIONS = {
    SUBJECTS_AFTER_CLOSE: "record content of decided/closed cases (removed)",
    SUBJECTS_WITHOUT_CASE: "record content of records without findings (removed)",
    QUARANTINE: "quarantined records (removed)",
    DELIVERED_ALERTS: "bodies of delivered/dead-lettered alerts (blanked; key and status kept)",
    FINDINGS_EVIDENCE: "evidence values of closed cases' findings (redacted; rule, severity, "
    "fingerprint and dates kept)",
    PRESCREENS: "pre-screened proposals and their answers (removed; one sent to the committee "
    "goes with its case)",
}
ACTION = "retention.purged"
COMPACT_WAIT = 10.0  # seconds the final checkpoint lets other connections' reads finish
# What redacted evidence values read (no square brackets: rich would take them for markup).
PURGED = "(purged: retention policy)"
_CLOSED = ("decided", "closed")


@dataclass(frozen=True)
class Cutoff:
    """One category's rule: rows last needed before ``before`` go. ``keep`` is the period."""

    category: str
    keep: str
    before: datetime

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown retention category {self.category!r}")


@dataclass(frozen=True)
class CategoryResult:
    """What a category holds past its cut-off: how many rows, their oldest and newest
    reference times, and how many were kept although old (open case, pending review)."""

    category: str
    keep: str | None  # None: kept forever, nothing surveyed
    cutoff: datetime | None
    count: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    protected: int = 0
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "category": self.category,
            "what": DESCRIPTIONS[self.category],
            "keep": self.keep,
            "cutoff": iso(self.cutoff),
            "count": self.count,
            "oldest": iso(self.oldest),
            "newest": iso(self.newest),
            "kept_protected": self.protected,
            "applied": self.applied,
        }

    def audit_details(self) -> dict[str, Any]:
        """Counts and dates only: never the content that went."""
        d = self.as_dict()
        return {k: d[k] for k in ("category", "keep", "cutoff", "count", "oldest", "newest")} | {
            "kept_protected": self.protected
        }


# -- cases: which are closed long enough, which are protected ---------------------------------


@dataclass(frozen=True)
class _CaseAge:
    id: int
    protected: bool  # never purged (see the module docstring)
    last_activity: str  # ts() text


def _case_ages(conn: sqlite3.Connection, today: date) -> dict[tuple[str, str], _CaseAge]:
    """Every case by (source_system, record_id), with its last committee-side activity: a new
    finding or status change, a decision, triage, a mitigation update. Re-screening a record
    only refreshes ``findings.last_seen`` and is not activity."""
    rows = conn.execute(
        "SELECT c.id, c.source_system, c.record_id, c.status, c.updated_at, c.decided_at,"
        " (SELECT MAX(at) FROM decisions d WHERE d.case_id = c.id) AS decided,"
        " (SELECT review_due FROM decisions d WHERE d.case_id = c.id"
        "  ORDER BY d.id DESC LIMIT 1) AS review_due,"
        " (SELECT MAX(updated_at) FROM mitigations m WHERE m.case_id = c.id) AS mitigated,"
        " (SELECT COUNT(*) FROM mitigations m WHERE m.case_id = c.id AND m.status = 'open')"
        "  AS open_mitigations,"
        " (SELECT at FROM case_triage t WHERE t.case_id = c.id) AS triaged"
        " FROM cases c"
    )
    out = {}
    for r in rows:
        closed = r["status"] in _CLOSED
        review = r["review_due"]
        # A review date still ahead, or passed but not yet acted on (the case is still
        # 'decided': reopen_due_reviews has not run), keeps the case whole.
        review_pending = bool(review) and (review >= today.isoformat() or r["status"] == "decided")
        protected = not closed or review_pending or r["open_mitigations"] > 0
        moments = (r["updated_at"], r["decided_at"], r["decided"], r["mitigated"], r["triaged"])
        out[(r["source_system"], r["record_id"])] = _CaseAge(
            r["id"], protected, max(m for m in moments if m)
        )
    return out


def _end_of(day: str | None) -> str:
    """A project's or visit's end date as the last moment of that day, in ts() text."""
    if not day:
        return ""
    try:
        return ts(datetime.combine(date.fromisoformat(day[:10]), time.max, UTC))
    except ValueError:
        return ""


# -- what each category holds past its cut-off ------------------------------------------------


@dataclass(frozen=True)
class _Due:
    keys: list[Any]
    moments: list[str]  # reference times of the rows in ``keys``, as ts() text
    protected: int = 0


def _subjects_due(conn: sqlite3.Connection, before: str, today: date, *, with_case: bool) -> _Due:
    cases = _case_ages(conn, today)
    started = ts(datetime.combine(today, time.min, UTC))  # today's start: "ended" before it
    keys, moments, protected = [], [], 0
    for r in conn.execute(
        "SELECT source_system, record_id, updated_at,"
        " COALESCE(json_extract(body, '$.project.end'), json_extract(body, '$.visit.end'))"
        " AS ends FROM record_subjects"
    ):
        key = (r["source_system"], r["record_id"])
        case = cases.get(key)
        if (case is not None) != with_case:
            continue
        # A project or visit still running (or recently ended) keeps its content: it is
        # re-screened when a list changes. One that ended, without a case, is counted from its
        # end: scans that still read it in the RIS would otherwise keep it forever
        # (``kvrules.ended``).
        ends = _end_of(r["ends"])
        if case is None and ends and ends < started:
            moment = ends
        else:
            moment = max(r["updated_at"] if case is None else case.last_activity, ends)
        if moment >= before:
            continue
        if case is not None and case.protected:
            protected += 1
            continue
        keys.append(key)
        moments.append(moment)
    return _Due(keys, moments, protected)


def _quarantine_due(conn: sqlite3.Connection, before: str) -> _Due:
    rows = conn.execute(
        "SELECT source, record_id, MAX(last_seen, COALESCE(released_at, '')) AS moment"
        " FROM quarantine WHERE MAX(last_seen, COALESCE(released_at, '')) < ?",
        (before,),
    ).fetchall()
    return _Due([(r["source"], r["record_id"]) for r in rows], [r["moment"] for r in rows])


def _alerts_due(conn: sqlite3.Connection, before: str) -> _Due:
    rows = conn.execute(
        "SELECT id, COALESCE(delivered_at, dead_at) AS moment FROM alert_outbox"
        " WHERE COALESCE(delivered_at, dead_at) < ?"
        " AND json_extract(payload, '$.purged') IS NULL",
        (before,),
    ).fetchall()
    return _Due([r["id"] for r in rows], [r["moment"] for r in rows])


def _evidence_due(conn: sqlite3.Connection, before: str, today: date) -> _Due:
    by_id = {c.id: c for c in _case_ages(conn, today).values()}
    keys, moments, protected = [], [], 0
    for r in conn.execute("SELECT id, case_id, body FROM findings ORDER BY id"):
        case = by_id.get(r["case_id"])
        if case is None or case.last_activity >= before or _redacted(json.loads(r["body"])):
            continue
        if case.protected:
            protected += 1
            continue
        keys.append(r["id"])
        moments.append(case.last_activity)
    return _Due(keys, moments, protected)


def _prescreens_due(conn: sqlite3.Connection, before: str, today: date) -> _Due:
    """Pre-screens counted from when they were made; one sent to the committee stays while
    its case is protected, and is counted from the case's last activity after that."""
    by_id = {c.id: c for c in _case_ages(conn, today).values()}
    keys, moments, protected = [], [], 0
    for row in conn.execute("SELECT id, at, case_id FROM prescreens ORDER BY id"):
        case = by_id.get(row["case_id"]) if row["case_id"] is not None else None
        moment = max(row["at"], case.last_activity) if case is not None else row["at"]
        if moment >= before:
            continue
        if case is not None and case.protected:
            protected += 1
            continue
        keys.append(row["id"])
        moments.append(moment)
    return _Due(keys, moments, protected)


def _redacted(body: dict[str, Any]) -> bool:
    return all(e.get("actual") == PURGED for e in body.get("evidence", []))


def _due(conn: sqlite3.Connection, category: str, before: datetime, today: date) -> _Due:
    cut = ts(before)
    if category == SUBJECTS_AFTER_CLOSE:
        return _subjects_due(conn, cut, today, with_case=True)
    if category == SUBJECTS_WITHOUT_CASE:
        return _subjects_due(conn, cut, today, with_case=False)
    if category == QUARANTINE:
        return _quarantine_due(conn, cut)
    if category == DELIVERED_ALERTS:
        return _alerts_due(conn, cut)
    if category == PRESCREENS:
        return _prescreens_due(conn, cut, today)
    return _evidence_due(conn, cut, today)


def _result(cutoff: Cutoff, due: _Due, *, applied: bool) -> CategoryResult:
    return CategoryResult(
        category=cutoff.category,
        keep=cutoff.keep,
        cutoff=cutoff.before,
        count=len(due.keys),
        oldest=parse_ts(min(due.moments)) if due.moments else None,
        newest=parse_ts(max(due.moments)) if due.moments else None,
        protected=due.protected,
        applied=applied,
    )


# -- the public functions ---------------------------------------------------------------------


def survey(conn: sqlite3.Connection, cutoff: Cutoff, now: datetime) -> CategoryResult:
    """What ``purge`` would do for one category; changes nothing."""
    return _result(cutoff, _due(conn, cutoff.category, cutoff.before, now.date()), applied=False)


def purge(conn: sqlite3.Connection, cutoff: Cutoff, now: datetime) -> CategoryResult:
    """Remove or blank one category's expired rows; call inside a transaction."""
    due = _due(conn, cutoff.category, cutoff.before, now.date())
    category = cutoff.category
    if category in (SUBJECTS_AFTER_CLOSE, SUBJECTS_WITHOUT_CASE):
        conn.executemany(
            "DELETE FROM record_subjects WHERE source_system = ? AND record_id = ?", due.keys
        )
    elif category == QUARANTINE:
        conn.executemany("DELETE FROM quarantine WHERE source = ? AND record_id = ?", due.keys)
    elif category == PRESCREENS:
        conn.executemany("DELETE FROM prescreens WHERE id = ?", [(k,) for k in due.keys])
    elif category == DELIVERED_ALERTS:
        # The row, its idempotency key and status stay: enqueueing the same key again is still
        # a no-op, so nobody is alerted twice. The title is the rule's, not the record's.
        conn.executemany(
            "UPDATE alert_outbox SET payload = json_object('purged', 'retention', 'purged_at',"
            " ?, 'title', json_extract(payload, '$.title')) WHERE id = ?",
            [(ts(now), row_id) for row_id in due.keys],
        )
    else:
        for finding_id in due.keys:
            row = conn.execute("SELECT body FROM findings WHERE id = ?", (finding_id,)).fetchone()
            # the list entries it kept go too: their matches hold the RIS's spelling ("part")
            conn.execute(
                "UPDATE findings SET body = ?, listed = NULL, lapsed = NULL WHERE id = ?",
                (
                    json.dumps(redact_evidence(json.loads(row["body"])), ensure_ascii=False),
                    finding_id,
                ),
            )
    return _result(cutoff, due, applied=True)


def redact_evidence(body: dict[str, Any]) -> dict[str, Any]:
    """A finding's JSON with every evidence value (and the list element it names) replaced;
    the stored fingerprint, rule, severity and dates are untouched."""
    evidence = [{**e, "actual": PURGED, "subject": None} for e in body.get("evidence", [])]
    return {**body, "evidence": evidence}


def alert_purged(payload: dict[str, Any]) -> bool:
    """True for an outbox body blanked by the retention policy (it cannot be sent again)."""
    return payload.get("purged") == "retention"


@contextmanager
def secure_delete(conn: sqlite3.Connection) -> Iterator[None]:
    """Zero deleted content in the pages themselves while purging (PRAGMA secure_delete), so it
    is gone from the freed pages even before ``compact`` (or if VACUUM cannot run)."""
    before = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(before)}")


def compact(conn: sqlite3.Connection, wait: float | None = None) -> dict[str, Any]:
    """Rewrite the file without the freed pages (VACUUM) and fold the write-ahead log back in,
    truncating it. Outside any transaction. The checkpoint waits up to ``wait`` seconds
    (default ``COMPACT_WAIT``) for other connections' reads (a web request, a scan) to end;
    ``checkpoint_complete`` is False when one still held an older snapshot, whose pages then
    stay in the file until a later checkpoint: run it again."""

    def size() -> int:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        return pages * conn.execute("PRAGMA page_size").fetchone()[0]

    before = size()
    conn.execute("VACUUM")
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {int((COMPACT_WAIT if wait is None else wait) * 1000)}")
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return {"bytes_before": before, "bytes_after": size(), "checkpoint_complete": not busy}
