"""Findings (deduplicated by fingerprint) and the cases they belong to (one per source record)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kvrules.findings import Finding
from kvrules.plain import (
    each_in_words,
    entries_behind,
    for_home,
    lapse_in_words,
    listed_organisation,
    lists_dropped,
    organisations_left,
    said,
    technically,
    what_changed,
    without_implied,
)
from kvrules.rulebook.ir import Severity
from kvrules.store import adjudications as _adjudications
from kvrules.store import subjects as _subjects
from kvrules.store.db import parse_ts, ts

CASE_STATUSES = ("open", "triaged", "decided", "closed")
DECISIONS = ("approve", "approve-with-mitigations", "reject")


@dataclass(frozen=True)
class Case:
    id: int
    source_system: str
    record_id: str
    status: str
    severity: Severity
    decision: str | None
    opened_at: datetime
    updated_at: datetime  # the case's own changes: what retention counts as committee activity
    decided_at: datetime | None
    # when a scan last changed one of its findings (updated in place, a lapse noted); None:
    # never. Kept apart from ``updated_at``: re-screening is not committee activity, and a
    # closed case re-screened under an edited rule must still age out (kvrules.store.retention)
    findings_changed_at: datetime | None = None

    @property
    def changed_at(self) -> datetime:
        """When the case was last updated as people read it: its own changes or a finding's."""
        if self.findings_changed_at is None:
            return self.updated_at
        return max(self.updated_at, self.findings_changed_at)


@dataclass(frozen=True)
class StoredFinding:
    id: int
    case_id: int
    finding: Finding
    first_seen: datetime
    last_seen: datetime
    # the list entries it rests on, as found (None: found before findings kept them)
    listed: list[dict[str, Any]] | None = None
    # which later editions no longer list them ({"at", "editions"}; None: all still listed)
    lapsed: dict[str, Any] | None = None
    # what changed since it was found, oldest first (``update_changed_finding``)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def changes_in_words(self, home_country: str | None = None) -> list[str]:
        """Each change since it was found, in a sentence (when, which scan, what), as an
        institution in ``home_country`` reads it (the evidence's words: ``in_words``)."""
        return [change_in_words(change, home_country) for change in self.changes]

    def in_words(
        self, record: Mapping[str, Any] | None, home_country: str | None = None
    ) -> list[str]:
        """The evidence in words, naming the list entries as they were found (``record``: the
        record as remembered now), as an institution in ``home_country`` reads it (``for_home``:
        the same words ``check`` uses); what later editions no longer list is
        ``lapse_in_words``."""
        return [for_home(s, home_country) for s in said(self.finding.evidence, record, self.listed)]

    def lapse_in_words(self) -> list[str]:
        """What later editions no longer list of what it rests on, in words (or nothing)."""
        return lapse_in_words(self.lapsed, self.listed, self.finding.evidence)

    def technically(self, record: Mapping[str, Any] | None) -> list[str]:
        """The evidence's technical form, with the list entries as they were found."""
        return technically(self.finding.evidence, record, self.listed)


def _case(r: sqlite3.Row) -> Case:
    return Case(
        id=r["id"],
        source_system=r["source_system"],
        record_id=r["record_id"],
        status=r["status"],
        severity=Severity(r["severity"]),
        decision=r["decision"],
        opened_at=parse_ts(r["opened_at"]),
        updated_at=parse_ts(r["updated_at"]),
        decided_at=parse_ts(r["decided_at"]) if r["decided_at"] else None,
        findings_changed_at=(
            parse_ts(r["findings_changed_at"]) if r["findings_changed_at"] else None
        ),
    )


def get_case(conn: sqlite3.Connection, case_id: int) -> Case | None:
    r = conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
    return _case(r) if r else None


def get_cases(conn: sqlite3.Connection, case_ids: Iterable[int]) -> dict[int, Case]:
    """case id -> case, for those of these ids that exist, in one statement."""
    rows = conn.execute(
        "SELECT * FROM cases WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(case_ids))),),
    )
    return {r["id"]: _case(r) for r in rows}


def require_case(conn: sqlite3.Connection, case_id: int) -> Case:
    case = get_case(conn, case_id)
    if case is None:
        raise KeyError(f"no case {case_id}")
    return case


def find_case(conn: sqlite3.Connection, source_system: str, record_id: str) -> Case | None:
    r = conn.execute(
        "SELECT * FROM cases WHERE source_system = ? AND record_id = ?", (source_system, record_id)
    ).fetchone()
    return _case(r) if r else None


def list_cases(conn: sqlite3.Connection, status: str | None = None) -> list[Case]:
    if status is None:
        rows = conn.execute("SELECT * FROM cases ORDER BY id")
    else:
        rows = conn.execute("SELECT * FROM cases WHERE status = ? ORDER BY id", (status,))
    return [_case(r) for r in rows]


def upsert_case(
    conn: sqlite3.Connection, source_system: str, record_id: str, severity: Severity, now: datetime
) -> tuple[Case, str | None]:
    """Open the record's case or raise its severity; reopen a decided case on a new finding.

    Returns the case and what happened to it: "opened", "reopened" or None.
    """
    existing = find_case(conn, source_system, record_id)
    if existing is None:
        cur = conn.execute(
            "INSERT INTO cases (source_system, record_id, severity, severity_rank, opened_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (source_system, record_id, severity.value, severity.rank, ts(now), ts(now)),
        )
        return require_case(conn, cur.lastrowid or 0), "opened"
    highest = max(existing.severity, severity, key=lambda s: s.rank)
    # A new finding on a decided case is new information: the committee looks again.
    reopen = existing.status in ("decided", "closed")
    conn.execute(
        "UPDATE cases SET severity = ?, severity_rank = ?, updated_at = ?,"
        " status = CASE WHEN ? THEN 'open' ELSE status END WHERE id = ?",
        (highest.value, highest.rank, ts(now), reopen, existing.id),
    )
    return require_case(conn, existing.id), "reopened" if reopen else None


def decision_before_reopening(conn: sqlite3.Connection, case_id: int) -> dict[str, str]:
    """What the committee had decided on a case a finding reopens: its last decision and when
    (``{"decision": "reject", "decided_at": "2026-12-07T09:12:00+00:00"}``), or nothing for a
    case closed without a decision. Said with the reopening: the committee is told what it is
    asked to look at again. The moment is kept in UTC, as stored; it is said as a day in the
    institution's time zone where it is shown (``kvrules.plain.decided_day``)."""
    row = conn.execute(
        "SELECT decision, at FROM decisions WHERE case_id = ? ORDER BY id DESC LIMIT 1",
        (case_id,),
    ).fetchone()
    return {"decision": row[0], "decided_at": str(row[1])} if row else {}


def insert_finding(
    conn: sqlite3.Connection, case_id: int, finding: Finding, now: datetime
) -> tuple[int, bool]:
    """Store a finding unless its fingerprint is known; returns (finding row id, created)."""
    fp = finding.fingerprint
    # Callers hold the write lock (BEGIN IMMEDIATE), so check-then-insert cannot race.
    row = conn.execute("SELECT id FROM findings WHERE fingerprint = ?", (fp,)).fetchone()
    if row is not None:
        conn.execute("UPDATE findings SET last_seen = ? WHERE id = ?", (ts(now), row["id"]))
        return row["id"], False
    # the record as screened for this finding (the scan stores it before evaluating)
    screened = _subjects.get(conn, finding.source_system, finding.source_record_id)
    listed = entries_behind(finding.evidence, screened)
    cur = conn.execute(
        "INSERT INTO findings (fingerprint, case_id, rule_id, rulebook_id, rulebook_version,"
        " severity, event_id, body, first_seen, last_seen, listed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fp,
            case_id,
            finding.rule_id,
            finding.rulebook.id,
            finding.rulebook.version,
            Severity(finding.severity).value,
            finding.event_id,
            finding.to_json(),
            ts(now),
            ts(now),
            json.dumps(listed, ensure_ascii=False),
        ),
    )
    return cur.lastrowid or 0, True


@dataclass(frozen=True)
class OfRule:
    """A stored finding of the same rule on the same record as a finding found now."""

    row: sqlite3.Row  # id, case_id, rulebook_version, listed, changes
    finding: Finding


def findings_of_rule(conn: sqlite3.Connection, finding: Finding) -> list[OfRule]:
    """The record's stored findings of ``finding``'s rulebook and rule, oldest first (indexed:
    cases(source_system, record_id), findings(rulebook_id, case_id)); most records have none.
    Read once for ``update_same_finding`` and ``update_changed_finding``."""
    rows = conn.execute(
        "SELECT f.id, f.case_id, f.body, f.rulebook_version, f.listed, f.changes FROM findings f"
        " JOIN cases c ON c.id = f.case_id"
        " WHERE c.source_system = ? AND c.record_id = ? AND f.rulebook_id = ? AND f.rule_id = ?"
        " ORDER BY f.id",
        (finding.source_system, finding.source_record_id, finding.rulebook.id, finding.rule_id),
    )
    return [OfRule(r, Finding.from_dict(json.loads(r["body"]))) for r in rows.fetchall()]


def update_same_finding(
    conn: sqlite3.Connection, finding: Finding, now: datetime, stored: list[OfRule]
) -> tuple[int, int, str] | None:
    """A stored finding of the record with the substance of ``finding`` (``Finding.substance``:
    the rule, severity and evidence, not the test's wording) takes ``finding``'s fingerprint,
    body and rulebook version: the rule it rests on was edited, what it found was not.
    ``stored``: ``findings_of_rule``. Returns (finding id, case id, the rulebook version it
    rested on), or None when no stored finding is the same."""
    substance = finding.substance if stored else None
    for one in stored:
        r = one.row
        if one.finding.substance != substance:
            continue
        body = finding.to_json()
        conn.execute(
            "UPDATE findings SET fingerprint = ?, rulebook_version = ?, event_id = ?, body = ?,"
            " last_seen = ? WHERE id = ?",
            (
                finding.fingerprint,
                finding.rulebook.version,
                finding.event_id,
                body,
                ts(now),
                r["id"],
            ),
        )
        _add_risk_types(conn, r["case_id"], body)
        _findings_changed(conn, r["case_id"], now)
        return r["id"], r["case_id"], r["rulebook_version"]
    return None


@dataclass(frozen=True)
class FindingChange:
    """A stored finding updated in place as its evidence changed (``update_changed_finding``)."""

    finding_id: int
    case_id: int
    change: dict[str, Any]  # as kept in the finding's ``changes`` (what, when, which scan)

    @property
    def escalates(self) -> bool:
        """More severe, or naming an organisation it never named: new to the committee, so
        it alerts and reopens a decided case as a new finding does. Anything else (evidence
        reworded by the record, a partner gone, or back: ``named_again``) is kept in its
        history and alerts no one."""
        return bool(self.change.get("named")) or bool(self.change.get("more_severe"))


def update_changed_finding(
    conn: sqlite3.Connection,
    finding: Finding,
    now: datetime,
    scan: str | None,
    stored: list[OfRule],
) -> FindingChange | None:
    """The stored finding ``finding`` is, though its evidence changed: the same rule on the
    same record, about the same thing (``Finding.about``: it names one of the same
    organisations, or neither names any). It is updated in place, keeping its id and
    ``first_seen``, and what changed is appended to its ``changes`` (when, which scan, what
    it now names or no longer names, its severity, the evidence added and removed). A
    partner added to a project makes the rules that read the partner list name one more
    organisation: before, each such rule made a second finding, and alerted again.
    ``stored``: ``findings_of_rule``. Returns None when no stored finding is about the same
    thing (a new finding)."""
    about = finding.about
    best: tuple[tuple[int, int], sqlite3.Row, Finding] | None = None
    for one in stored:
        shared = about & one.finding.about
        if (about or one.finding.about) and not shared:
            continue  # about another organisation altogether: another finding
        # most in common, then the latest (a store scanned by older code may hold several)
        key = (len(shared), one.row["id"])
        if best is None or key > best[0]:
            best = (key, one.row, one.finding)
    if best is None:
        return None
    _, row, before = best
    body = finding.to_json()
    screened = _subjects.get(conn, finding.source_system, finding.source_record_id)
    listed_before = json.loads(row["listed"] or "null")
    listed = _listed_again(before, listed_before, finding, screened)
    # list hits said with the edition and entry they rest on (data honesty: list@edition)
    words = (
        each_in_words(before.evidence, screened, listed_before),
        each_in_words(finding.evidence, screened, listed),
    )
    change = _change(before, finding, now, scan, _named_before(stored), words)
    changes = [*json.loads(row["changes"] or "[]"), change]
    conn.execute(
        "UPDATE findings SET fingerprint = ?, rulebook_version = ?, severity = ?, event_id = ?,"
        " body = ?, last_seen = ?, listed = ?, changes = ? WHERE id = ?",
        (
            finding.fingerprint,
            finding.rulebook.version,
            Severity(finding.severity).value,
            finding.event_id,
            body,
            ts(now),
            json.dumps(listed, ensure_ascii=False),
            json.dumps(changes, ensure_ascii=False),
            row["id"],
        ),
    )
    _add_risk_types(conn, row["case_id"], body)
    _findings_changed(conn, row["case_id"], now)
    return FindingChange(row["id"], row["case_id"], change)


def _named_before(stored: list[OfRule]) -> frozenset[str]:
    """Every organisation the rule's stored findings on the record name or have named: what
    they name now and, from their histories, what they came to name and ceased to name (the
    names at first finding are those still named or named no longer). A partner that leaves
    and comes back is no news to the committee: before, a source that dropped and restored it
    re-alerted and reopened the decided case on every return. Several stored findings (a
    store scanned by older code) count together: the committee was told of each."""
    names: set[str] = set()
    for one in stored:
        names |= one.finding.about
        for change in json.loads(one.row["changes"] or "[]"):
            for key in ("named", "named_again", "no_longer_named"):
                names.update(change.get(key) or ())
    return frozenset(names)


def _change(
    before: Finding,
    after: Finding,
    now: datetime,
    scan: str | None,
    named_before: frozenset[str],
    words: tuple[list[str], list[str]],
) -> dict[str, Any]:
    """What changed between the stored finding and the one found now, as kept in its history.
    ``named_before``: what the rule named on the record earlier (``_named_before``); an
    organisation of it named again is ``named_again``, which escalates nothing. ``words``:
    each piece of evidence of ``before`` and ``after`` in words (``each_in_words``: a list
    hit with its edition and entry)."""
    change: dict[str, Any] = {"at": ts(now), "scan": scan, "event": after.event_id}
    added = after.about - before.about
    if named := sorted(added - named_before):
        change["named"] = named
    if again := sorted(added & named_before):
        change["named_again"] = again
    if gone := sorted(before.about - after.about):
        change["no_longer_named"] = gone
    was, now_is = Severity(before.severity), Severity(after.severity)
    if was != now_is:
        change["severity"] = [was.value, now_is.value]
        change["more_severe"] = now_is.rank > was.rank
    if before.rulebook.version != after.rulebook.version:
        change["rulebook_version"] = [before.rulebook.version, after.rulebook.version]

    said_before, said_after = words
    if added := _evidence_not_in(after, said_after, before, said_before):
        change["evidence_added"] = added
    if removed := _evidence_not_in(before, said_before, after, said_after):
        change["evidence_removed"] = removed
    return change


def _evidence_not_in(
    finding: Finding, words: list[str], other: Finding, other_words: list[str]
) -> list[str]:
    """The sentences (``words``, one per piece) of ``finding``'s evidence that ``other`` does
    not say, compared as people read them: a piece is the same when it reads the same (a
    research area found among more areas: "research area: EU dual-use Annex I category 9"
    both times) or holds the same values in another order or case (a list re-ordered, a
    keyword re-cased). Compared by their raw values, such a piece was said both added and no
    longer seen. Each said once, without what another implies ("is in CN" beside "is outside
    the EU (CN)")."""
    said = {_as_read(text) for text in other_words}
    held = {(e.stable_path, _as_held(e.actual)) for e in other.evidence}
    return without_implied(
        list(
            dict.fromkeys(
                text
                for e, text in zip(finding.evidence, words, strict=True)
                if _as_read(text) not in said and (e.stable_path, _as_held(e.actual)) not in held
            )
        )
    )


def _as_read(text: str) -> str:
    return " ".join(text.split()).casefold()


def _as_held(value: Any) -> str:
    """A value as it compares for people: lists in no particular order, text by its words."""
    if isinstance(value, list | tuple | set | frozenset):
        return repr(sorted(_as_held(v) for v in value))
    return _as_read(value) if isinstance(value, str) else repr(value)


def _listed_again(
    before: Finding,
    listed: list[dict[str, Any]] | None,
    after: Finding,
    screened: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    """The list entries the updated finding rests on: those of evidence it had already, as
    they were found (never rebuilt from a later edition), and for new evidence as screened
    now; ``evidence`` indexes the new evidence."""
    was = {(e.stable_path, e.test): i for i, e in enumerate(before.evidence)}
    by_index: dict[int, list[dict[str, Any]]] = {}
    for entry in listed or []:
        by_index.setdefault(entry.get("evidence", -1), []).append(entry)
    kept: list[dict[str, Any]] = []
    for i, e in enumerate(after.evidence):
        old = was.get((e.stable_path, e.test))
        entries = by_index.get(old, []) if old is not None and listed is not None else None
        if entries is None:
            entries = entries_behind([e], screened)
        kept += [{**entry, "evidence": i} for entry in entries]
    return kept


def _findings_changed(conn: sqlite3.Connection, case_id: int, now: datetime) -> None:
    """A case reads as updated when any of its findings changes (updated in place, a lapse
    noted): ``Case.changed_at``. Not ``updated_at``: retention counts that as committee
    activity, and a scan is none (a closed case would never be purged)."""
    conn.execute("UPDATE cases SET findings_changed_at = ? WHERE id = ?", (ts(now), case_id))


def _add_risk_types(conn: sqlite3.Connection, case_id: int, body: str) -> None:
    """The risk filter (``case_risk_types``) is filled by a trigger on INSERT only: a risk
    type a finding updated in place adds must reach it here, or the case is not found by it."""
    conn.execute(
        "INSERT OR IGNORE INTO case_risk_types (risk, case_id)"
        " SELECT value, ? FROM json_each(?, '$.risks')",
        (case_id, body),
    )


def touch_finding(
    conn: sqlite3.Connection, fingerprint: str, now: datetime
) -> tuple[int, int, str] | None:
    """Refresh ``last_seen`` of a known finding; (finding id, case id, the rulebook version
    it rests on), or None when unknown."""
    row = conn.execute(
        "UPDATE findings SET last_seen = ? WHERE fingerprint = ?"
        " RETURNING id, case_id, rulebook_version",
        (ts(now), fingerprint),
    ).fetchone()
    return (row["id"], row["case_id"], row["rulebook_version"]) if row else None


def rest_on_rule_now(
    conn: sqlite3.Connection, finding_id: int, case_id: int, finding: Finding, now: datetime
) -> None:
    """The stored finding ``finding_id`` found again, the same evidence, by another version of
    its rulebook (the fingerprint leaves the version out): it takes the body (title,
    rationale, citations) and version of ``finding``, as ``update_same_finding`` does for an
    edited rule whose tests changed. Before, it stayed on the version that first found it
    (reviewer: us-dod-1286 2026.11's corrected rationale never reached a finding of 2026.10)."""
    body = finding.to_json()
    conn.execute(
        "UPDATE findings SET rulebook_version = ?, event_id = ?, body = ? WHERE id = ?",
        (finding.rulebook.version, finding.event_id, body, finding_id),
    )
    _add_risk_types(conn, case_id, body)
    _findings_changed(conn, case_id, now)


def case_findings(conn: sqlite3.Connection, case_id: int) -> list[StoredFinding]:
    rows = conn.execute("SELECT * FROM findings WHERE case_id = ? ORDER BY id", (case_id,))
    return [
        StoredFinding(
            id=r["id"],
            case_id=r["case_id"],
            finding=Finding.from_dict(json.loads(r["body"])),
            first_seen=parse_ts(r["first_seen"]),
            last_seen=parse_ts(r["last_seen"]),
            listed=json.loads(r["listed"]) if r["listed"] is not None else None,
            lapsed=json.loads(r["lapsed"]) if r["lapsed"] else None,
            changes=json.loads(r["changes"]) if r["changes"] else [],
        )
        for r in rows
    ]


def change_in_words(change: Mapping[str, Any], home_country: str | None = None) -> str:
    """ "2026-12-07 11:50 UTC, scan of file at …: now also names Harbin Institute of Technology
    (CN); severity medium → high; evidence added: …", as a site in ``home_country`` reads it
    (``what_changed``)."""
    when = str(change.get("at", ""))[:16].replace("T", " ")
    scan = f", {change['scan']}" if change.get("scan") else ""
    return f"{when} UTC{scan}: {what_changed(change, home_country)}"


def set_status(
    conn: sqlite3.Connection,
    case_id: int,
    status: str,
    now: datetime,
    decision: str | None = None,
) -> Case:
    if status not in CASE_STATUSES:
        raise ValueError(f"unknown case status {status!r}; expected one of {CASE_STATUSES}")
    if status == "decided" and decision not in DECISIONS:
        raise ValueError(f"a decision is one of {DECISIONS}")
    conn.execute(
        "UPDATE cases SET status = ?, decision = COALESCE(?, decision), updated_at = ?,"
        " decided_at = CASE WHEN ? = 'decided' THEN ? ELSE decided_at END WHERE id = ?",
        (status, decision, ts(now), status, ts(now), case_id),
    )
    return require_case(conn, case_id)


def note_lapsed(
    conn: sqlite3.Connection,
    case_id: int,
    record: dict[str, Any] | None,
    screened_against: Iterable[str],
    now: datetime,
) -> list[tuple[StoredFinding, dict[str, Any] | None]]:
    """Compare what each stored finding of the case rests on with the record as screened now:
    a list entry (its ``listed`` entries, as found) whose list no longer names the
    organisation, in the edition screened now, is noted in ``lapsed["editions"]``; an
    organisation of its evidence that the record no longer holds in ``lapsed["left"]`` (who,
    when the scan saw it, the date of the record's version). Each is cleared when it is back.
    The evidence itself is never rewritten. Returns the findings whose note changed, with the
    new note."""
    current = {s.split("@", 1)[0]: s for s in screened_against}  # list id → "list@edition"
    changed = []
    for stored in case_findings(conn, case_id):
        before = stored.lapsed or {}
        gone: list[str] = []
        set_aside: list[dict[str, Any]] = []
        if stored.listed:
            dropped, left = lists_dropped(stored.finding.evidence, record, stored.listed)
            # an adviser's "not the same organisation" took the match away, not the list
            by_verdict = _set_aside_by_verdict(conn, stored, record, dropped)
            dropped -= {v["list"] for v in by_verdict}
            set_aside = by_verdict
            # a partner that has left the record is no lapse: what was noted of it stays
            noted = {s.split("@", 1)[0]: s for s in before.get("editions") or []}
            gone = sorted(
                {current[name] for name in dropped if name in current}
                | {noted[name] for name in left if name in noted}
            )
        was_left = {entry.get("who"): entry for entry in before.get("left") or []}
        left_now = [
            was_left.get(who) or {"who": who, "at": ts(now), "changed": _version_date(record)}
            for who in organisations_left(stored.finding.evidence, record)
        ]
        if (
            gone == (before.get("editions") or [])
            and left_now == (before.get("left") or [])
            and set_aside == (before.get("set_aside") or [])
        ):
            continue
        lapsed = (
            {"at": ts(now), "editions": gone}
            | ({"left": left_now} if left_now else {})
            | ({"set_aside": set_aside} if set_aside else {})
            if gone or left_now or set_aside
            else None
        )
        conn.execute(
            "UPDATE findings SET lapsed = ? WHERE id = ?",
            (json.dumps(lapsed) if lapsed else None, stored.id),
        )
        changed.append((stored, lapsed))
    if changed:
        _findings_changed(conn, case_id, now)
    return changed


def _set_aside_by_verdict(
    conn: sqlite3.Connection,
    stored: StoredFinding,
    record: Mapping[str, Any] | None,
    dropped: set[str],
) -> list[dict[str, Any]]:
    """Of the lists a finding's entries are no longer matched on, those an adviser's "not
    the same organisation" verdict set aside (the enrichment suppresses that match): the
    adjudication, by whom and when, is the cause, not a later edition of the list."""
    evidence = list(stored.finding.evidence)
    found: dict[str, dict[str, Any]] = {}
    for entry in stored.listed or []:
        if entry.get("list") not in dropped or entry["list"] in found:
            continue
        org = listed_organisation(evidence, record, entry)
        if org is None:
            continue
        verdict = _adjudications.get(
            conn, entry["list"], str(entry.get("entry")), org["name"], org.get("country")
        )
        if verdict is not None and verdict.verdict == "not-same":
            found[entry["list"]] = {
                "list": entry["list"],
                "edition": entry.get("edition"),
                "who": org["name"],
                "adjudication": verdict.id,
                "by": verdict.actor,
                "at": ts(verdict.at),
            }
    return list(found.values())


def _version_date(record: Mapping[str, Any] | None) -> str | None:
    """When the RIS says the record's version read now happened (the event's date)."""
    return str((record or {}).get("occurred_at") or "") or None


def lapsed_findings(conn: sqlite3.Connection, source_system: str, record_id: str) -> list[Finding]:
    """The lapsed findings (``note_lapsed``) of the record's case while it is undecided."""
    rows = conn.execute(
        "SELECT f.body FROM cases c JOIN findings f ON f.case_id = c.id"
        " WHERE c.source_system = ? AND c.record_id = ? AND c.status IN ('open', 'triaged')"
        " AND f.lapsed IS NOT NULL ORDER BY f.id",
        (source_system, record_id),
    )
    return [Finding.from_dict(json.loads(r["body"])) for r in rows]
