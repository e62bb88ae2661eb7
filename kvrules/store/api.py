"""``Store``: the one object the pipeline, the CLI and delivery use for durable state.

Every method is atomic on its own and joins an enclosing ``store.transaction()``; each state
change that matters to the committee writes its audit entry in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kvrules import staterows as _staterows
from kvrules.actors import SYSTEM_ACTOR
from kvrules.adapter import StateRow
from kvrules.alerting import Alert, AlertItem
from kvrules.findings import Finding
from kvrules.rulebook.ir import Severity
from kvrules.store import audit as _audit
from kvrules.store import cases as _cases
from kvrules.store import closing as _closing
from kvrules.store import outbox as _outbox
from kvrules.store import quarantine as _quarantine
from kvrules.store import retention as _retention
from kvrules.store import scanmarks as _scanmarks
from kvrules.store import sources as _sources
from kvrules.store import subjects as _subjects
from kvrules.store import writeback as _writeback
from kvrules.store.casework import CaseworkStore
from kvrules.store.committee_api import CommitteeStore
from kvrules.store.db import (
    Clock,
    Database,
    SchemaMismatch,
    StoreError,
    connect,
    connect_read_only,
    is_busy,
    migrate,
    newer_schema,
    schema_version,
    set_busy_timeout,
    ts,
    utcnow,
)
from kvrules.store.handover import HandoverStore
from kvrules.store.migrations import MIGRATIONS
from kvrules.store.prescreens import PrescreenStore
from kvrules.store.privacy_api import PrivacyStore
from kvrules.store.storage import storage_error
from kvrules.store.upgrade import Upgrade

# SQLite's page cache while a scan writes (KiB; SQLite's default is 2,000): each record lands in
# several indexes keyed by record id (its snapshot, remembered body, search text, facets, scan
# marks), on random pages of tables that grow with the portfolio. With the default cache most
# of those pages were read again from the file and written out at each commit. Bounded, so
# the scan's memory stays flat however many records are stored (kvrules.memory). 24 MiB, not
# 32: at 32 a 100,000-project scan peaked at 300.5 MB with its reader (the goal is 300), once
# the language guess read an English word list (≈ 23 MB).
SCAN_CACHE_KIB = 24_576


def _on_stderr(line: str) -> None:
    """Where an upgrade is said when the caller does not say where: the operator's terminal,
    or the log of a service (``serve``)."""
    print(line, file=sys.stderr)


def _require_latest(conn: sqlite3.Connection, path: Path, current: int | None = None) -> None:
    """Refuse, in words and without writing, a database whose schema is not this kvrules'."""
    if current is None:
        current = schema_version(conn)
    latest = MIGRATIONS[-1].version
    if current == latest:
        return
    if current > latest:
        raise newer_schema(path, current, latest)
    if current == 0:
        raise StoreError(f"{path} is not a kvrules database (it has no schema)")
    raise SchemaMismatch(
        f"{path} has schema {current}; this kvrules reads schema {latest}: run `kvrules db "
        f"upgrade --db {path}` (or any scan) first, which keeps the previous file; nothing "
        "was changed",
        current,
        latest,
    )


# (case id, rule as it is now, the rule it rested on) → the fingerprints of the case's findings
# that rest on the edited rule now, said once (``Store._log_rule_edits``)
_RuleEdits = dict[tuple[int, str, str], list[str]]


@dataclass(frozen=True)
class RecordedFinding:
    case_id: int
    finding_id: int
    new: bool  # False: a finding already stored (its last_seen refreshed, or updated in place)
    case_event: str | None = None  # "opened" / "reopened" / None
    alert_ids: list[int] = field(default_factory=list)
    # a stored finding updated in place as its evidence changed (``update_changed_finding``)
    changed: bool = False


class Store(CommitteeStore, CaseworkStore, PrescreenStore, HandoverStore, PrivacyStore):
    """The kvrules SQLite database. Open with ``Store.open(path)``; not shared across threads."""

    def __init__(self, db: Database, path: Path, clock: Clock) -> None:
        db.schema = MIGRATIONS[-1].version  # every way to open checked it is this one
        self._db = db
        self.path = path
        self.clock = clock

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        clock: Clock | None = None,
        create: bool = False,
        read_only: bool = False,
        say: Callable[[str], None] = _on_stderr,
        migrate_schema: bool = True,
        busy_timeout: float | None = None,
    ) -> Store:
        """Open (creating the file if needed) and migrate; safe to call on every start. A
        missing folder is created only with ``create`` (a command that may start a database,
        after ``settings.require_folders``), else refused in one line: no command starts a
        database at a mistyped path.

        An older database is upgraded, never silently: a copy is kept first
        (``X.schema-N.bak``), ``say`` is told (stderr by default) and the audit log records
        it (kvrules.store.upgrade). ``read_only``: open without writing anything, also where
        nothing can be written (kvrules.store.db.connect_read_only); an older database is
        then refused with what to run, not upgraded behind a command that only reads.

        ``migrate_schema=False`` (the web app, on every request): the schema version is only
        read, never written, so opening takes no write lock and works beside a scan that holds
        it; an older schema is refused with what to run (``serve`` upgrades once at start).
        ``busy_timeout``: seconds a write waits for another writer before ``StoreBusy``
        (default SQLite's 30 s set in ``connect``). ``clock``: the time the store reads (default
        ``utcnow``, the real one)."""
        path = Path(path)
        # the module's utcnow, looked up now: a test fixes the clock of the stores a command opens
        clock = clock if clock is not None else utcnow
        if read_only:
            return cls._open_read_only(path, clock)
        if not (create or path.parent.is_dir()):
            raise StoreError(
                f"no folder {path.parent} for the state database {path}; create it or check "
                "the path"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(connect(path), path)
        except (OSError, sqlite3.Error) as e:
            failed = storage_error(e, path)  # a full, read-only or failing disk: said so
            raise failed or StoreError(f"cannot open the state database {path}: {e}") from None
        try:
            if busy_timeout is not None:
                set_busy_timeout(db.conn, busy_timeout)
                db.busy_wait = busy_timeout
            if not migrate_schema:
                _require_latest(db.conn, path)
                return cls(db, path, clock)
            now = clock()
            migrate(db, now, upgrading=Upgrade(path, now, say))
        except StoreError:
            db.close()
            raise
        except sqlite3.DatabaseError as e:  # not a database, a damaged one, or a busy one
            db.close()
            if is_busy(e):
                raise StoreError(
                    f"the database {path} is busy ({e}): a scan or another kvrules process is "
                    "writing; try again when it has finished"
                ) from None
            raise StoreError(f"{path} is not a usable kvrules database: {e}") from None
        except BaseException:
            db.close()
            raise
        return cls(db, path, clock)

    @staticmethod
    def schema_of(path: str | Path) -> tuple[int, int]:
        """(the schema of the database at ``path``, the schema this release reads), read
        without changing the file: what ``config check`` says of a database to upgrade."""
        path = Path(path)
        conn = _read_only(path)
        try:
            return schema_version(conn), MIGRATIONS[-1].version
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path} is not a usable kvrules database: {e}") from None
        finally:
            conn.close()

    @staticmethod
    def verify_audit_at(
        path: str | Path, expected_head: tuple[int, str] | None = None
    ) -> tuple[list[_audit.AuditProblem], tuple[int, str], int, list[tuple[int, int]]]:
        """(breaks in the hash chain, the newest entry, the file's schema, the entries erasures
        rewrote as (entry id, erasure entry id)) of the database at
        ``path``, read-only and whatever its schema: the audit log's table and hashing are
        those of schema 1, so the copy kept before an upgrade (``X.schema-N.bak``) is
        verified as it is, never upgraded (it is the way back to the previous release)."""
        path = Path(path)
        conn = _read_only(path)
        try:
            current, latest = schema_version(conn), MIGRATIONS[-1].version
            if current > latest:
                raise newer_schema(path, current, latest)
            if current == 0:
                raise StoreError(f"{path} is not a kvrules database (it has no schema)")
            problems, rewritten = _audit.check(conn, expected_head)
            return problems, _audit.head(conn), current, rewritten
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path} is not a usable kvrules database: {e}") from None
        finally:
            conn.close()

    @classmethod
    def _open_read_only(cls, path: Path, clock: Clock) -> Store:
        db = Database(_read_only(path), path)
        try:
            current = schema_version(db.conn)
        except sqlite3.DatabaseError as e:
            db.close()
            raise StoreError(f"{path} is not a usable kvrules database: {e}") from None
        try:
            _require_latest(db.conn, path, current)
        except StoreError:
            db.close()
            raise
        return cls(db, path, clock)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group calls atomically: all land or none does. Nests (inner levels are savepoints)."""
        with self._db.transaction():
            yield self

    @property
    def schema_version(self) -> int:
        return schema_version(self._db.conn)

    def _now(self, now: datetime | None) -> datetime:
        return now if now is not None else self.clock()

    def _log(self, actor: str, action: str, subject: str, details: dict, now: datetime) -> None:
        _audit.append(self._db.conn, ts(now), actor, action, subject, details)

    # -- sources ---------------------------------------------------------------------------

    def register_source(self, name: str, adapter: str | None = None) -> None:
        with self._db.transaction() as c:
            _sources.ensure_source(c, name, self.clock(), adapter)

    def source_adapters(self) -> dict[str, str]:
        """Each scanned source's adapter name (``register_source``)."""
        return _sources.adapters(self._db.conn)

    def get_cursor(self, source: str) -> str | None:
        return _sources.get_cursor(self._db.conn, source)

    def set_cursor(self, source: str, cursor: str | None) -> None:
        """Save a resume point; do it in the transaction that stored the records before it."""
        with self._db.transaction() as c:
            _sources.set_cursor(c, source, cursor, self.clock())

    def remember_screening(
        self,
        screened_against: Sequence[str],
        titles: Mapping[str, str],
        scripts: Mapping[str, Any] | None = None,
    ) -> None:
        """The list editions the last scan screened with (``Enricher.screened_against``),
        the lists' titles and the scripts their names are written in
        (``Resolver.scripts_held``): what a case page or report says a partner on no list was
        not found in (every stored record was re-screened against them), and which names
        were not screened against a list holding no name in their script."""
        doc: dict[str, Any] = {"screened": list(screened_against), "titles": dict(titles)}
        if scripts is not None:
            doc["scripts"] = dict(scripts)
        if self.get_cursor(_SCREENING) != (text := json.dumps(doc, ensure_ascii=False)):
            self.set_cursor(_SCREENING, text)

    def screening(self) -> tuple[list[str], dict[str, str]]:
        """(editions screened, list id → title) as the last scan remembered them; nothing
        before a scan with lists has run."""
        doc = self._screening()
        return list(doc.get("screened") or []), dict(doc.get("titles") or {})

    def screened_scripts(self) -> dict[str, Any]:
        """The scripts the names of the lists the last scan screened with are written in
        (``Resolver.scripts_held``), for ``kvrules.refdata.normalise.without_script``; empty
        before a scan remembered them (a scan by an earlier release)."""
        scripts = self._screening().get("scripts")
        return scripts if isinstance(scripts, dict) else {}

    def _screening(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.get_cursor(_SCREENING) or "{}")
        except ValueError:
            doc = {}
        return doc if isinstance(doc, dict) else {}

    def keep_adapter_state(
        self, source: str, rows: Sequence[StateRow], *, replace: bool = False
    ) -> None:
        """Store rows of a source's adapter state; do it in the transaction of their cursor.
        ``replace``: these rows replace all the source's (a read from no cursor rebuilt them)."""
        with self._db.transaction() as c:
            _staterows.keep(c, source, rows, replace=replace)

    def unconfigured_adapter_state(self, configured: Iterable[str]) -> dict[str, int]:
        """source -> rows of adapter state kept for each source not in ``configured`` (one
        removed from the configuration: nothing else would ever drop them)."""
        kept = _staterows.kept_by_source(self._db.conn)
        return {s: n for s, n in sorted(kept.items()) if s not in set(configured)}

    def forget_sources(self, sources: Iterable[str], *, actor: str) -> dict[str, int]:
        """Drop the adapter state and the cursor of sources no longer configured, audited
        (``source.forgotten``); one that comes back is read in full, which rebuilds them.
        Returns source -> the rows dropped."""
        now = self.clock()
        dropped = {}
        with self._db.transaction() as c:
            for source in sources:
                dropped[source] = _staterows.forget_source(c, source)
                _sources.set_cursor(c, source, None, now)
                details = {"adapter_state_rows": dropped[source]}
                self._log(actor, "source.forgotten", f"source:{source}", details, now)
        return dropped

    def adapter_state(
        self, source: str, *, fresh: bool = False
    ) -> _staterows.StoredState | _staterows.NoRowsYet:
        """A source's stored adapter state, read through a connection of its own (close it);
        ``fresh``: none, for a read from no cursor (its rows will replace the stored ones)."""
        return _staterows.NoRowsYet() if fresh else _staterows.StoredState(self.path, source)

    def observe_record(self, source: str, record_id: str, material: Any) -> _sources.Change:
        """Remember the hash of a record's material content; say whether it is new or changed."""
        with self._db.transaction(savepoint=False) as c:  # a read, then one change
            return _sources.observe(c, source, record_id, material, self.clock())

    def observed_records(self, source: str) -> list[str]:
        """Every record id of ``source`` a scan has observed (``observe_record``)."""
        return _sources.observed(self._db.conn, source)

    # -- what the scan under way has met (kvrules.store.scanmarks) ---------------------------

    @contextmanager
    def scan_cache(self) -> Iterator[None]:
        """A scan's page cache (``SCAN_CACHE_KIB``) on this store's connection while it runs."""
        with self._db.page_cache(SCAN_CACHE_KIB):
            yield

    def forget_scan_marks(self) -> None:
        """Drop every scan's marks (a scan begins: its report's marks start empty)."""
        _scanmarks.forget(self._db.conn)

    def scan_mark(
        self, report: int, what: str, system: str, record_id: str, kind: str = ""
    ) -> bool:
        """Mark a record for the scan of ``report``; True if it was not marked yet. Inside
        a transaction, the mark lands or goes with it."""
        return _scanmarks.mark(self._db.conn, report, what, system, record_id, kind)

    def scan_note_ended(self, report: int, record_id: str, entry: dict[str, Any]) -> bool:
        """Keep a long-ended project's entry for the scan of ``report``'s --json; True if
        the record was not noted yet (``kvrules.store.scanmarks.note_ended``)."""
        return _scanmarks.note_ended(self._db.conn, report, record_id, json.dumps(entry))

    def scan_ended(self, report: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """(record id, entry) of each long-ended project the scan of ``report`` noted."""
        for record_id, entry in _scanmarks.ended(self._db.conn, report):
            yield record_id, json.loads(entry)

    def scan_marked(
        self, report: int, what: str, system: str, record_id: str, kind: str = ""
    ) -> bool:
        return _scanmarks.is_marked(self._db.conn, report, what, system, record_id, kind)

    def scan_marks(self, report: int, what: str) -> int:
        """How many records the scan of ``report`` marked ``what``."""
        return _scanmarks.count(self._db.conn, report, what)

    def observed_unmarked_count(self, source: str, report: int, what: str) -> int:
        """How many observed records of ``source`` (``observe_record``) the scan of
        ``report`` did not mark ``what``."""
        return _scanmarks.observed_unmarked_count(self._db.conn, source, report, what)

    def observed_unmarked(self, source: str, report: int, what: str) -> Iterator[str]:
        """Their ids, in key order, streamed (``record_gone`` may be called between them)."""
        return _scanmarks.observed_unmarked(self._db.conn, source, report, what)

    def record_gone(self, source: str, source_system: str, record_id: str, read_at: str) -> bool:
        """A complete read of ``source`` (finished at ``read_at``) no longer saw the record:
        deleted there, or hidden from kvrules' account. Its observation goes (seen again, it
        is new); a write-back not yet done is dropped, audited; its case, if any, keeps its
        status and gets a history line for the committee. True when it has a case."""
        now = self.clock()
        subject = f"record:{source}/{record_id}"
        with self._db.transaction() as c:
            _sources.forget_observed(c, source, record_id)
            self._log(SYSTEM_ACTOR, "record.gone", subject, {"source": source, "at": read_at}, now)
            row = _writeback.for_record(c, source, record_id)
            if row is not None and row.status != "done":
                _writeback.drop(c, row.id)
                details = {"tags": sorted(set(row.tags)), "status": row.status, "source": source}
                self._log(SYSTEM_ACTOR, "writeback.dropped", subject, details, now)
            case = _cases.find_case(c, source_system, record_id)
            if case is not None:
                details = {"source": source, "record": record_id, "at": read_at}
                self._log(SYSTEM_ACTOR, "case.source-gone", f"case:{case.id}", details, now)
            return case is not None

    def cases_source_gone(self) -> dict[int, dict[str, Any]]:
        """The cases whose record a complete read no longer found (``record_gone``): case id
        → the details of the latest such note (source, the read's time)."""
        gone: dict[int, dict[str, Any]] = {}
        for entry in self.audit_entries_of_action("case.source-gone"):
            gone[int(entry.subject.removeprefix("case:"))] = dict(entry.details)
        return gone

    def touch_subject(self, source_system: str, record_id: str) -> None:
        """The record was read again, unchanged: keep its remembered content (retention)."""
        with self._db.transaction(savepoint=False) as c:
            _subjects.touch(c, source_system, record_id, self.clock())

    # -- findings and cases ----------------------------------------------------------------

    def record_finding(
        self,
        finding: Finding,
        channels: Sequence[str] | Mapping[str, Sequence[str]] = (),
        *,
        actor: str = SYSTEM_ACTOR,
        scan: str | None = None,
    ) -> RecordedFinding:
        """Store a finding, open/raise/reopen its case, and queue its alerts, atomically.

        ``channels``: where each target the finding alerts (``Finding.alert_targets``: its
        route, then any ``also_alert``) is sent, as ``record_findings``' ``routes``: target →
        configured channel names (a target not in it alerts nowhere); or one list of channel
        names, for every target. Nothing when the rule asks for no alert. The route's alert
        keeps its key (``fingerprint.channel``), another target's names it. A known
        fingerprint only refreshes ``last_seen``: the
        committee never gets the same finding twice. A stored finding whose evidence changed
        is updated in place (``_known_finding``), and alerts only when that escalates it.
        ``scan``: which scan found it, for the finding's history and the audit log.
        """
        now = self.clock()
        edited: _RuleEdits = {}
        with self._db.transaction() as c:
            known = self._known_finding(c, finding, now, actor, scan, edited)
            self._log_rule_edits(actor, edited, now)
            escalated = known is not None and known[2] is not None and known[2].escalates
            if known is not None and not escalated:
                return RecordedFinding(
                    case_id=known[1], finding_id=known[0], new=False, changed=known[2] is not None
                )
            case, event = _cases.upsert_case(
                c, finding.source_system, finding.source_record_id, Severity(finding.severity), now
            )
            if known is not None:
                finding_id = known[0]
            else:
                finding_id, _ = _cases.insert_finding(c, case.id, finding, now)
            subject = f"case:{case.id}"
            reopening = None
            if event == "reopened":
                reopening = _reopening(c, case.id, known[2] if known is not None else None)
            if event:
                details = _case_event(finding, scan) | (reopening or {})
                self._log(actor, f"case.{event}", subject, details, now)
            alert_ids: list[int] = []
            keys: list[str] = []
            for target in finding.alert_targets:
                if isinstance(channels, Mapping):
                    target_channels = channels.get(target, ())
                else:
                    target_channels = channels
                for channel in target_channels:
                    key = f"{finding.fingerprint}.{channel}"
                    if target != finding.alert:  # also alerted: its own alert beside the route's
                        key = f"{finding.fingerprint}.{target}.{channel}"
                    alert = Alert.for_finding(
                        finding, key=key, case_id=case.id, created_at=now, route=target
                    )
                    if escalated:  # says what changed, as ``record_findings``' alert does
                        alert.items[0].change = _cases.what_changed(known[2].change)
                        alert.items[0].change_kept = known[2].change
                    alert.items[0].reopened = reopening
                    row_id, _ = _outbox.enqueue(
                        c,
                        key=key,
                        channel=channel,
                        route=alert.route,
                        payload=alert.model_dump(mode="json"),
                        now=now,
                        case_id=case.id,
                        finding_id=finding_id,
                    )
                    alert_ids.append(row_id)
                    keys.append(key)
            if known is not None:  # updated in place and audited as such
                return RecordedFinding(case.id, finding_id, False, event, alert_ids, True)
            self._log(
                actor,
                "finding.recorded",
                subject,
                {
                    "fingerprint": finding.fingerprint,
                    "rule": _rule_ref(finding),
                    "severity": Severity(finding.severity).value,
                    "alerts": keys,
                },
                now,
            )
            return RecordedFinding(case.id, finding_id, True, event, alert_ids)

    def record_findings(
        self,
        findings: Sequence[Finding],
        routes: Mapping[str, Sequence[str]],
        *,
        actor: str = SYSTEM_ACTOR,
        scan: str | None = None,
    ) -> list[RecordedFinding]:
        """Store one record's findings; queue ONE alert per route and channel for the new ones.

        The committee gets one message per record and change (all new findings in it), not
        one per rule. ``routes`` maps a rule's alert target to channel names. Known
        fingerprints only refresh ``last_seen`` and alert nobody. A stored finding whose
        evidence changed is updated in place (``_known_finding``); it alerts, raises and
        reopens its case only when it is more severe or names an organisation it did not.
        ``scan``: which scan found them, for the findings' history and the audit log.
        """
        if not findings:  # most records of a scan: no savepoint to open and release for them
            return []
        now = self.clock()
        results: list[RecordedFinding] = []
        fresh: dict[str, list[tuple[Finding, int, int]]] = {}
        # finding id → what changed (as its history keeps it), for an escalated one's alert
        changed: dict[int, dict[str, Any]] = {}
        edited: _RuleEdits = {}  # said once per case and rule edit, after the loop
        reopens: dict[int, dict[str, Any]] = {}  # case id → why it reopened (``_reopening``)
        with self._db.transaction() as c:
            for finding in findings:
                known = self._known_finding(c, finding, now, actor, scan, edited)
                if known is not None:
                    finding_id, case_id, change = known
                    event = None
                    if change is not None and change.escalates:
                        case, event = _cases.upsert_case(
                            c,
                            finding.source_system,
                            finding.source_record_id,
                            Severity(finding.severity),
                            now,
                        )
                        if event:
                            details = _case_event(finding, scan)
                            if event == "reopened":
                                reopens[case.id] = _reopening(c, case.id, change)
                                details |= reopens[case.id]
                            self._log(actor, f"case.{event}", f"case:{case.id}", details, now)
                        for target in finding.alert_targets:  # its route, and any alerted too
                            fresh.setdefault(target, []).append((finding, case_id, finding_id))
                        if finding.alert_targets:
                            changed[finding_id] = change.change
                    results.append(
                        RecordedFinding(case_id, finding_id, False, event, changed=bool(change))
                    )
                    continue
                case, event = _cases.upsert_case(
                    c,
                    finding.source_system,
                    finding.source_record_id,
                    Severity(finding.severity),
                    now,
                )
                finding_id, _ = _cases.insert_finding(c, case.id, finding, now)
                if event:
                    details = _case_event(finding, scan)
                    if event == "reopened":
                        reopens[case.id] = _reopening(c, case.id, None)
                        details |= reopens[case.id]
                    self._log(actor, f"case.{event}", f"case:{case.id}", details, now)
                self._log(
                    actor,
                    "finding.recorded",
                    f"case:{case.id}",
                    {
                        "fingerprint": finding.fingerprint,
                        "rule": _rule_ref(finding),
                        "severity": Severity(finding.severity).value,
                    },
                    now,
                )
                results.append(RecordedFinding(case.id, finding_id, True, event))
                for target in finding.alert_targets:  # its route, and any alerted too
                    fresh.setdefault(target, []).append((finding, case.id, finding_id))
            self._log_rule_edits(actor, edited, now)
            for route, group in fresh.items():
                channels = routes.get(route, ())
                alert_ids = self._enqueue_group(c, route, group, channels, now, changed, reopens)
                for i, result in enumerate(results):
                    if (result.new or result.changed) and any(
                        fid == result.finding_id for _, _, fid in group
                    ):
                        results[i] = RecordedFinding(  # a finding leading two routes' groups
                            result.case_id,  # keeps the ids of both
                            result.finding_id,
                            result.new,
                            result.case_event,
                            [*result.alert_ids, *alert_ids],
                            result.changed,
                        )
                        break  # the ids are counted once, on the group's first finding
        return results

    def _known_finding(
        self,
        c: sqlite3.Connection,
        finding: Finding,
        now: datetime,
        actor: str,
        scan: str | None,
        edited: _RuleEdits,
    ) -> tuple[int, int, _cases.FindingChange | None] | None:
        """(finding id, case id, what changed) of the stored finding ``finding`` is, or None
        when it is new: the same fingerprint (``last_seen`` refreshed; found by another
        version of its rulebook, it rests on that version now, audited), the same substance
        found by an edited rule (updated in place to rest on the rule as it is now, and
        audited), or the same rule on the same record about the same organisations with
        other evidence (``update_changed_finding``: updated in place with its history, and
        audited; the change is returned, as it may escalate the finding). The first two
        neither open a case nor alert anyone: the committee never gets the same finding
        twice. ``edited``: where findings resting on an edited rule are gathered, to be said
        once per case and edit (``_log_rule_edits``)."""
        known = _cases.touch_finding(c, finding.fingerprint, now)
        if known is not None:
            finding_id, case_id, version_before = known
            if version_before != finding.rulebook.version:  # its rulebook's new version
                _cases.rest_on_rule_now(c, finding_id, case_id, finding, now)
                _note_rule_edit(edited, case_id, finding, version_before)
            return finding_id, case_id, None
        stored = _cases.findings_of_rule(c, finding)
        if not stored:
            return None  # most new findings: nothing of the rule on the record yet
        updated = _cases.update_same_finding(c, finding, now, stored)
        if updated is None:
            changed = _cases.update_changed_finding(c, finding, now, scan, stored)
            if changed is None:
                return None
            details = {k: v for k, v in changed.change.items() if k != "at"}
            self._log(
                actor,
                "finding.changed",
                f"case:{changed.case_id}",
                {
                    "finding": changed.finding_id,
                    "fingerprint": finding.fingerprint,
                    "rule": _rule_ref(finding),
                    **details,
                },
                now,
            )
            return changed.finding_id, changed.case_id, changed
        finding_id, case_id, version_before = updated
        _note_rule_edit(edited, case_id, finding, version_before)
        return finding_id, case_id, None

    def _log_rule_edits(self, actor: str, edited: _RuleEdits, now: datetime) -> None:
        """One ``finding.updated`` per case and rule edit, naming every finding of the case
        that now rests on the edited rule: two partners' findings of one rule said the same
        sentence twice on the case page."""
        for (case_id, rule, rested_on), fingerprints in edited.items():
            details = {"fingerprints": fingerprints, "rule": rule, "rested_on": rested_on}
            self._log(actor, "finding.updated", f"case:{case_id}", details, now)

    def _enqueue_group(
        self, c, route, group, channels, now, changed=None, reopens=None
    ) -> list[int]:
        """One alert per channel for the route's findings of one record (``changed``: finding
        id → what changed as its history keeps it, for findings updated in place that alert
        again; said in the site's words when the alert is sent: ``AlertItem.named``;
        ``reopens``: case id → why a decided case reopened, said on its first item)."""
        changed = changed or {}
        reopens = dict(reopens or {})
        group = sorted(group, key=lambda g: -Severity(g[0].severity).rank)
        fingerprints = ",".join(sorted(f.fingerprint for f, _, _ in group))
        digest = hashlib.sha256(fingerprints.encode()).hexdigest()[:20]
        lead, case_id, finding_id = group[0]
        items = [
            AlertItem(
                case_id=cid,
                source_system=f.source_system,
                record_id=f.source_record_id,
                finding=f,
                change=_cases.what_changed(changed[fid]) if fid in changed else None,
                change_kept=changed.get(fid),
                reopened=reopens.pop(cid, None),  # the case's first item says it, once
            )
            for f, cid, fid in group
        ]
        more = f" (+{len(group) - 1} more)" if len(group) > 1 else ""
        ids = []
        for channel in channels:
            key = f"{digest}.{route}.{channel}"
            alert = Alert(
                key=key,
                route=route,
                severity=lead.severity,
                created_at=now,
                title=f"[{Severity(lead.severity).value}] {lead.rule_title}{more}",
                items=items,
            )
            row_id, _ = _outbox.enqueue(
                c,
                key=key,
                channel=channel,
                route=route,
                payload=alert.model_dump(mode="json"),
                now=now,
                case_id=case_id,
                finding_id=finding_id,
            )
            ids.append(row_id)
            self._log(
                SYSTEM_ACTOR,
                "alert.queued",
                f"case:{case_id}",
                {"key": key, "findings": len(items), "route": route, "channel": channel},
                now,
            )
        return ids

    def case(self, case_id: int) -> _cases.Case | None:
        return _cases.get_case(self._db.conn, case_id)

    def cases_by_id(self, case_ids: Iterable[int]) -> dict[int, _cases.Case]:
        """The cases of these ids that exist (by id), in one statement: a page of cases is
        not read one by one."""
        return _cases.get_cases(self._db.conn, case_ids)

    def case_for(self, source_system: str, record_id: str) -> _cases.Case | None:
        return _cases.find_case(self._db.conn, source_system, record_id)

    def cases(self, status: str | None = None) -> list[_cases.Case]:
        return _cases.list_cases(self._db.conn, status)

    def rulebook_versions_found(self) -> dict[str, str]:
        """Rulebook id → the version of its most recently seen stored finding: what a scan
        re-screening for changed rulebooks compares with where no scan remembered the versions
        (a database kvrules before 0.2.0 kept). Rulebooks that found nothing are not known."""
        rows = self._db.conn.execute(  # SQLite: the bare column comes from the MAX row
            "SELECT rulebook_id, rulebook_version, MAX(last_seen) FROM findings "
            "GROUP BY rulebook_id"
        )
        return {r[0]: r[1] for r in rows}

    def case_findings(self, case_id: int) -> list[_cases.StoredFinding]:
        return _cases.case_findings(self._db.conn, case_id)

    def note_lapsed(
        self,
        source_system: str,
        record_id: str,
        screened_against: Sequence[str],
        *,
        actor: str = SYSTEM_ACTOR,
    ) -> None:
        """The record was screened again (``screened_against``: the editions): note on its
        case's findings which list entries they rest on a later edition no longer lists, in
        the audit log too. The findings keep their evidence as found; the committee decides."""
        if _cases.find_case(self._db.conn, source_system, record_id) is None:
            return  # most records of a scan have no case: no write transaction for them
        now = self.clock()
        with self._db.transaction() as c:
            case = _cases.find_case(c, source_system, record_id)
            if case is None:
                return
            record = _subjects.get(c, source_system, record_id)
            set_aside_said: set[int] = set()
            # One entry per thing that happened, naming every finding it touches: a partner
            # leaving a record its three findings rest on was said three times, word for word.
            said: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
            for stored, lapsed in _cases.note_lapsed(c, case.id, record, screened_against, now):
                before, after = stored.lapsed or {}, lapsed or {}
                if (before.get("editions") or []) != (editions := after.get("editions") or []):
                    action = "finding.lapsed" if editions else "finding.listed-again"
                    said.setdefault((action, "editions", tuple(editions)), []).append(stored.id)
                # once per adjudication and case, however many findings rested on the match
                for verdict in after.get("set_aside") or []:
                    known = {v.get("adjudication") for v in before.get("set_aside") or []}
                    if verdict["adjudication"] in known | set_aside_said:
                        continue
                    set_aside_said.add(verdict["adjudication"])
                    self._log(actor, "finding.set-aside", f"case:{case.id}", verdict, now)
                was = {e.get("who") for e in before.get("left") or []}
                now_left = {e.get("who") for e in after.get("left") or []}
                for action, who in (
                    ("finding.left-record", now_left - was),
                    ("finding.back-in-record", was - now_left),
                ):
                    if who:
                        said.setdefault((action, "organisations", tuple(sorted(who))), []).append(
                            stored.id
                        )
            for (action, key, what), finding_ids in said.items():
                details = {"findings": finding_ids, key: list(what)}
                self._log(actor, action, f"case:{case.id}", details, now)

    def lapsed_findings(self, source_system: str, record_id: str) -> list[Finding]:
        """The findings of the record's undecided (open or triaged) case that rest on list
        entries a later edition no longer lists: they stand until the committee decides."""
        return _cases.lapsed_findings(self._db.conn, source_system, record_id)

    def set_case_status(
        self,
        case_id: int,
        status: str,
        *,
        actor: str,
        decision: str | None = None,
        note: str | None = None,
    ) -> _cases.Case:
        """Move a case along the workflow (triaged, decided with a decision, closed). A case
        that needs a committee decision is closed only once one is in effect
        (``NotClosable``, a ValueError, otherwise: ``kvrules.store.closing``)."""
        now = self.clock()
        with self._db.transaction() as c:
            details = {"status": status, "decision": decision, "note": note}
            if status == "closed":
                before = _cases.require_case(c, case_id)
                if why := _closing.refusal(c, before):
                    raise _closing.NotClosable({case_id: why})
                details["basis"] = _closing.closing_basis(before)
            case = _cases.set_status(c, case_id, status, now, decision)
            self._log(actor, f"case.{status}", f"case:{case_id}", details, now)
            return case

    # -- alert outbox ----------------------------------------------------------------------

    def enqueue_alert(
        self,
        alert: Alert,
        channel: str,
        *,
        case_id: int | None = None,
        finding_id: int | None = None,
    ) -> int:
        """Queue an alert built elsewhere; a second call with the same key is a no-op."""
        now = self.clock()
        with self._db.transaction() as c:
            row_id, _ = _outbox.enqueue(
                c,
                key=alert.key,
                channel=channel,
                route=alert.route,
                payload=alert.model_dump(mode="json"),
                now=now,
                case_id=case_id,
                finding_id=finding_id,
            )
            return row_id

    def due_alerts(
        self, now: datetime | None = None, *, limit: int = 100, channel: str | None = None
    ) -> list[_outbox.OutboxAlert]:
        return _outbox.due(self._db.conn, self._now(now), limit, channel)

    def claim_alerts(
        self, ids: list[int], *, now: datetime | None = None, lease: timedelta
    ) -> list[int]:
        """Lease due rows for sending; rows another worker holds are left out."""
        with self._db.transaction() as c:
            return _outbox.claim(c, ids, self._now(now), lease)

    def begin_sending(self, ids: list[int], *, now: datetime | None = None) -> set[int]:
        """Durably note that these rows are about to be sent; returns those that may be a
        repeat (an earlier attempt never recorded its outcome)."""
        with self._db.transaction() as c:
            return _outbox.begin_send(c, ids, self._now(now))

    def mark_delivered(self, row_id: int, *, now: datetime | None = None) -> bool:
        now = self._now(now)
        with self._db.transaction() as c:
            row = _outbox.mark_delivered(c, row_id, now)
            if row is not None:
                details = {"key": row.key, "channel": row.channel, "attempts": row.attempts}
                if row.possible_repeat:
                    details["possible_repeat"] = True
                self._log(SYSTEM_ACTOR, "alert.delivered", _alert_subject(row), details, now)
            return row is not None

    def mark_failed(
        self,
        row_id: int,
        error: str,
        *,
        now: datetime | None = None,
        policy: _outbox.RetryPolicy | None = None,
        permanent: bool = False,
        unreachable: bool = False,
        retry_after: timedelta | None = None,
    ) -> _outbox.OutboxAlert | None:
        """Count a failure: retry later with backoff, or dead-letter (audited). An
        ``unreachable`` channel (an outage) is retried for as long as it lasts; the retry comes
        no sooner than ``retry_after`` (the wait the other end asked for)."""
        now = self._now(now)
        with self._db.transaction() as c:
            before = _outbox.get(c, row_id)
            if before is None or before.status != "pending":
                return before
            row = _outbox.mark_failed(
                c,
                row_id,
                now,
                error,
                policy or _outbox.RetryPolicy(),
                permanent=permanent,
                unreachable=unreachable,
                retry_after=retry_after,
            )
            if row is not None and row.status == "dead":
                details = {
                    "key": row.key,
                    "channel": row.channel,
                    "attempts": row.attempts,
                    "error": row.last_error,
                }
                self._log(SYSTEM_ACTOR, "alert.dead-lettered", _alert_subject(row), details, now)
            return row

    def defer_alerts(self, row_ids: list[int], until: datetime, reason: str) -> None:
        """Alerts not tried because their channel kept failing: due again at ``until``."""
        with self._db.transaction() as c:
            _outbox.defer(c, row_ids, until, reason)

    def expedite_alerts(self, *, actor: str) -> int:
        """Alerts waiting out a retry delay become due now (audited); how many."""
        now = self.clock()
        with self._db.transaction() as c:
            keys = _outbox.expedite(c, now)
            if keys:
                self._log(actor, "alerts.expedited", "alerts", {"keys": keys}, now)
        return len(keys)

    def requeue_alert(self, row_id: int, *, actor: str) -> bool:
        """Retry a dead-lettered alert from scratch (same key, so no duplicate reaches anyone)."""
        now = self.clock()
        with self._db.transaction() as c:
            before = _outbox.get(c, row_id)
            if before is not None and _retention.alert_purged(before.payload):
                raise ValueError(f"alert {row_id}: its body was purged (retention); not re-sent")
            row = _outbox.requeue(c, row_id, now)
            if row is not None:
                self._log(actor, "alert.requeued", _alert_subject(row), {"key": row.key}, now)
            return row is not None

    def alert(self, row_id: int) -> _outbox.OutboxAlert | None:
        return _outbox.get(self._db.conn, row_id)

    def alert_by_key(self, key: str) -> _outbox.OutboxAlert | None:
        return _outbox.by_key(self._db.conn, key)

    def alerts(self, status: str | None = None) -> list[_outbox.OutboxAlert]:
        """All outbox rows, or those ``pending`` / ``delivered`` / ``dead``."""
        return _outbox.listing(self._db.conn, status)

    def alerts_in_flight(self, now: datetime | None = None) -> list[datetime]:
        """The lease ends of alerts whose attempt began with no outcome recorded, still leased
        (``kvrules.store.outbox.in_flight``)."""
        return _outbox.in_flight(self._db.conn, self._now(now))

    def pending_alert_count(self) -> int:
        """Outbox rows neither delivered nor dead-lettered (waiting, or retried)."""
        return _outbox.pending_count(self._db.conn)

    # -- write-back queue ------------------------------------------------------------------

    def enqueue_writeback(self, source: str, record_id: str, tags: list[str]) -> int:
        now = self.clock()
        with self._db.transaction() as c:
            row_id, changed = _writeback.enqueue(c, source, record_id, tags, now)
            if changed:  # the same tags, already written, are not news for the audit log
                subject = f"record:{source}/{record_id}"
                details = {"tags": sorted(set(tags))}
                self._log(SYSTEM_ACTOR, "writeback.queued", subject, details, now)
            return row_id

    def due_writebacks(
        self, now: datetime | None = None, *, source: str | None = None, limit: int = 500
    ) -> list[_writeback.WriteBack]:
        return _writeback.due(self._db.conn, self._now(now), source, limit)

    def begin_writeback(self, row_id: int, tags: list[str]) -> None:
        """Durably note a write about to be made (its outcome may never be recorded)."""
        with self._db.transaction() as c:
            _writeback.begin_write(c, row_id, tags)

    def mark_writeback_done(
        self,
        row_id: int,
        tags: list[str],
        *,
        dry_run: bool = False,
        before: list[str] | None = None,
        wrote: bool = True,
        skipped: str | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> bool:
        """Record the outcome of a write-back, audited with the value found (``before``) and the
        one wanted: written (``wrote``: kvrules now owns it), already there, or ``skipped``
        because someone else set the value (then done until the wish changes). A dry run is
        audited but leaves the row pending."""
        now = self.clock()
        with self._db.transaction() as c:
            row = _writeback.get(c, row_id)
            if row is None:
                return False
            done = dry_run is False and _writeback.mark_done(
                c, row_id, tags, now, wrote=wrote, skipped=skipped
            )
            if dry_run:
                _writeback.note_planned(c, row_id, tags)
            if skipped:
                action = "writeback.skipped"
            else:
                action = "writeback.dry-run" if dry_run else "writeback.written"
            details: dict = {"tags": sorted(set(tags))}
            if before is not None:
                details["before"] = sorted(set(before))
            if skipped:
                details.update(reason=skipped, dry_run=dry_run)
            self._log(actor, action, f"record:{row.source}/{row.record_id}", details, now)
            return done

    def writeback_for(self, source: str, record_id: str) -> _writeback.WriteBack | None:
        """The record's write-back row (what kvrules wants there, wrote, or left), or None."""
        return _writeback.for_record(self._db.conn, source, record_id)

    def writebacks(self, status: str | None = None) -> list[_writeback.WriteBack]:
        """All write-back rows, or those ``pending`` / ``done`` / ``dead`` (set aside)."""
        return _writeback.listing(self._db.conn, status)

    def requeue_writeback(self, row_id: int, *, actor: str) -> bool:
        """Give a set-aside write-back back to the next scan (after its plugin was fixed);
        False when the row is not set aside (pending already, or done)."""
        now = self.clock()
        with self._db.transaction() as c:
            row = _writeback.requeue(c, row_id, now)
            if row is not None:
                subject = f"record:{row.source}/{row.record_id}"
                details = {"tags": sorted(set(row.tags)), "error": row.last_error}
                self._log(actor, "writeback.requeued", subject, details, now)
            return row is not None

    def mark_writeback_failed(
        self, row_id: int, error: str, *, policy: _outbox.RetryPolicy | None = None
    ) -> _writeback.WriteBack | None:
        with self._db.transaction() as c:
            return _writeback.mark_failed(
                c, row_id, self.clock(), error, policy or _outbox.RetryPolicy()
            )

    # -- quarantine ------------------------------------------------------------------------

    def quarantine(
        self, source: str, record_id: str, reason: str, excerpt: str | None = None
    ) -> bool:
        """Hold an unmappable record aside (audited the first time); True when newly held."""
        now = self.clock()
        with self._db.transaction() as c:
            new = _quarantine.put(c, source, record_id, reason, excerpt, now)
            if new:
                subject = f"record:{source}/{record_id}"
                self._log(SYSTEM_ACTOR, "record.quarantined", subject, {"reason": reason}, now)
            return new

    def release_quarantine(self, source: str, record_id: str) -> bool:
        # Called for every record a scan maps cleanly, and almost none is held: look first.
        if not _quarantine.is_held(self._db.conn, source, record_id):
            return False
        now = self.clock()
        with self._db.transaction() as c:
            released = _quarantine.release(c, source, record_id, now)
            if released:
                self._log(SYSTEM_ACTOR, "record.released", f"record:{source}/{record_id}", {}, now)
            return released

    def quarantined(self, source: str | None = None) -> list[_quarantine.Quarantined]:
        return _quarantine.held(self._db.conn, source)

    # -- retention -------------------------------------------------------------------------

    def retention_survey(
        self, cutoffs: Sequence[_retention.Cutoff]
    ) -> list[_retention.CategoryResult]:
        """What ``purge_expired`` would remove or blank, per category; changes nothing."""
        now = self.clock()
        return [_retention.survey(self._db.conn, cutoff, now) for cutoff in cutoffs]

    def purge_expired(
        self, cutoffs: Sequence[_retention.Cutoff], *, actor: str = SYSTEM_ACTOR
    ) -> list[_retention.CategoryResult]:
        """Apply a retention policy: one transaction per category, with ONE audit entry
        (``retention.purged``: counts and cut-off, never content) when anything went.

        Deleted content is zeroed in its pages (secure_delete); call ``compact`` afterwards so
        the file and its write-ahead log no longer hold it.
        """
        results = []
        with _retention.secure_delete(self._db.conn):
            for cutoff in cutoffs:
                now = self.clock()
                with self._db.transaction() as c:
                    result = _retention.purge(c, cutoff, now)
                    if result.count:
                        subject = f"retention:{cutoff.category}"
                        self._log(actor, _retention.ACTION, subject, result.audit_details(), now)
                results.append(result)
        return results

    def compact(self, *, wait: float | None = None) -> dict[str, Any]:
        """VACUUM and truncate the write-ahead log (outside any transaction), waiting up to
        ``wait`` seconds for other readers; see ``retention.compact``."""
        if self._db.in_transaction:
            raise RuntimeError("compact() cannot run inside a transaction")
        return _retention.compact(self._db.conn, wait)

    # -- audit log -------------------------------------------------------------------------

    def audit(
        self, actor: str, action: str, subject: str, details: dict[str, Any] | None = None
    ) -> _audit.AuditEntry:
        """Append an entry (secret-looking keys are redacted). Joins an open transaction.
        Never an erasure's entry (``audit_entries_made`` says why)."""
        if action == _audit.ERASED_ACTION:
            raise ValueError(f"{_audit.ERASED_ACTION} entries are made by erase_person only")
        now = self.clock()
        with self._db.transaction() as c:
            return _audit.append(c, ts(now), actor, action, subject, details or {})

    def audit_entries_made(self, made: list[tuple[str, str, str, str, dict[str, Any]]]) -> None:
        """Append entries made earlier, each (at, actor, action, subject, details), in one
        transaction: what was looked at while a scan held the write lock (``kvrules.web.looks``).
        Never an erasure's entry: its seals vouch for rewritten entries, so only
        ``erase_person`` makes one (ValueError)."""
        if any(action == _audit.ERASED_ACTION for _, _, action, _, _ in made):
            raise ValueError(f"{_audit.ERASED_ACTION} entries are made by erase_person only")
        with self._db.transaction() as c:
            erased = c.execute(
                "SELECT MAX(at) FROM audit_log WHERE action = ?", (_audit.ERASED_ACTION,)
            ).fetchone()[0]
            for at, actor, action, subject, details in made:
                if erased is not None and at <= erased:
                    # made before an erasure that could not rewrite it: its text may name
                    # the person erased, so it is not kept
                    details = _audit.without_text(details)
                _audit.append(c, at, actor, action, subject, details)

    def audit_entries(self, subject: str | None = None) -> list[_audit.AuditEntry]:
        return _audit.entries(self._db.conn, subject)

    def audit_entries_of_action(self, action: str) -> list[_audit.AuditEntry]:
        """Every audit entry of one kind ("case.closed"), oldest first."""
        return _audit.entries_of_action(self._db.conn, action)

    def audit_page(
        self,
        subject: str | None = None,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 100,
        only: _audit.AuditFilter | None = None,
    ) -> _audit.AuditPage:
        """One page of the audit log, newest first (``kvrules.store.audit.page``)."""
        return _audit.page(
            self._db.conn, subject, before=before, after=after, limit=limit, only=only
        )

    def audit_matching(self, only: _audit.AuditFilter) -> list[_audit.AuditEntry]:
        """Every entry ``only`` selects, oldest first (the audit log's export)."""
        return list(_audit.matching(self._db.conn, only))

    def audit_head(self) -> tuple[int, str]:
        """(id, hash) of the newest entry: publish it outside the database to detect truncation."""
        return _audit.head(self._db.conn)

    def verify_audit(
        self, expected_head: tuple[int, str] | None = None
    ) -> list[_audit.AuditProblem]:
        """Every break in the hash chain, first broken link first; empty when intact."""
        return _audit.verify(self._db.conn, expected_head)

    def audit_rewritten_by_erasure(self) -> list[tuple[int, int]]:
        """(entry id, erasure entry id) of each entry an erasure rewrote, as sealed."""
        return _audit.rewritten_by_erasure(self._db.conn)

    def check_audit(self) -> tuple[list[_audit.AuditProblem], list[tuple[int, int]]]:
        """``verify_audit`` and ``audit_rewritten_by_erasure`` in one walk of the log."""
        return _audit.check(self._db.conn)

    def audit_sealed_by_erasures(self) -> list[tuple[int, int]]:
        """(entry id, erasure entry id) of each entry an erasure says it rewrote (its seals),
        read from the erasure entries alone: no walk of the log, so whether each content
        still matches its seal is not checked here (``check_audit`` does)."""
        return sorted(
            (row, by) for row, (_, by) in _audit.sealed_rewrites(self._db.conn).seals.items()
        )


# A row of the sources table, as the scanner's own memos are ("<source>#screened-with")
_SCREENING = "kvrules#screened-against"


def _record(finding: Finding) -> str:
    return f"{finding.source_system}/{finding.source_record_id}"


def _alert_subject(row: _outbox.OutboxAlert) -> str:
    return f"case:{row.case_id}" if row.case_id is not None else f"alert:{row.key}"


def _case_event(finding: Finding, scan: str | None) -> dict[str, Any]:
    """An opened or reopened case's audit details: the record, and the finding and scan that
    opened it (a reopening names what the committee is to look at again)."""
    return {
        "record": _record(finding),
        "rule": _rule_ref(finding),
        "fingerprint": finding.fingerprint,
    } | ({"scan": scan} if scan else {})


# What made an updated finding reopen a case (``FindingChange.escalates``), kept with the
# reopening: the evidence it added or lost is in the finding's own history.
_REOPENING_CHANGE = ("named", "severity", "more_severe")


def _reopening(
    c: sqlite3.Connection, case_id: int, change: _cases.FindingChange | None
) -> dict[str, Any]:
    """Why a decided or closed case reopened, for its audit entry and its alerts: a new
    finding, or one updated in place (and what it now names or how much more severe it is),
    and the decision the committee had taken, with its day."""
    why: dict[str, Any] = {"because": "updated" if change is not None else "new"}
    if change is not None:
        why["change"] = {k: v for k, v in change.change.items() if k in _REOPENING_CHANGE}
    return why | _cases.decision_before_reopening(c, case_id)


def _note_rule_edit(
    edited: _RuleEdits, case_id: int, finding: Finding, version_before: str
) -> None:
    """A stored finding of the case now rests on ``finding``'s rule as it is now, no longer
    on its rulebook's ``version_before``: said once per case and edit (``_log_rule_edits``)."""
    rested_on = f"{finding.rulebook.id}@{version_before}/{finding.rule_id}"
    edited.setdefault((case_id, _rule_ref(finding), rested_on), []).append(finding.fingerprint)


def _rule_ref(finding: Finding) -> str:
    return f"{finding.rulebook.id}@{finding.rulebook.version}/{finding.rule_id}"


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database at ``path``, whatever its schema, or the one-line
    StoreError a user reads (a missing file, no permission, a full disk …)."""
    try:
        return connect_read_only(path)
    except (OSError, sqlite3.Error) as e:
        failed = storage_error(e, path)
        raise failed or StoreError(f"cannot open the state database {path}: {e}") from None
