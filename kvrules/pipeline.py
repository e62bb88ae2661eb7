"""One scan: fetch → enrich → evaluate → persist → queue alerts and tags → deliver → write back.

Each source record is processed atomically (a savepoint) and records are committed together
with the cursor the last of them carries (see _Batches), so a crash at any point loses nothing
and doubles nothing: the records after the stored cursor are simply processed again (their
findings have the same fingerprints, their alerts the same idempotency keys).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal

from kvrules import ended, handover, ruletitles
from kvrules.adapter import Adapter, AdapterState, FetchedRecord, TagWrite, not_ours
from kvrules.alerting import AlertChannel
from kvrules.alerts import deliver_due
from kvrules.config import DEFAULT_HOME_COUNTRY
from kvrules.contract import PluginError, checked_fetch, checked_write_tags, failure
from kvrules.engine.durable import EngineError
from kvrules.engine.evaluator import Evaluator
from kvrules.enrich import Enricher, funders
from kvrules.enrich.currency import ExchangeRates
from kvrules.enrich.funding import FundingShares
from kvrules.enrich.organisations import organisations
from kvrules.findings import Finding, superseded_dropped
from kvrules.http import HttpError
from kvrules.memory import collecting_seldom, give_back_free_memory, usable_cores
from kvrules.model import FIRST_READ, CollaborationEvent, EventKind
from kvrules.prefetch import Prefetch
from kvrules.reader import ReaderProcess, ReaderUnavailable
from kvrules.records import PRESCREEN_SYSTEM, RecordLinks
from kvrules.rulebook.ir import Severity
from kvrules.screened_with import FUNDING, RULEBOOKS, memo, read_memo
from kvrules.screened_with import changed as screening_changed
from kvrules.store import Change, RetryPolicy, Store
from kvrules.store.scanmarks import AWARDS_COUNTED, SEEN, TAGS_QUEUED
from kvrules.store.subjects import event_body
from kvrules.store.writeback import WriteBack
from kvrules.thresholds import NotCompared, amount_rules, note_for
from kvrules.triage import one_colour

Progress = Callable[[FetchedRecord], None]
_REPORTS = itertools.count(1)  # each report's serial: the store's marks of its scan
ENDED_KEPT = 10  # long-ended projects a report keeps in memory (the text report names them)
Reader = Literal["thread", "process", "auto"]


@dataclass
class ScanReport:
    source: str
    records: int = 0
    events: int = 0
    unchanged: int = 0
    quarantined: int = 0
    findings: int = 0  # new findings (known fingerprints are not counted again)
    by_severity: Counter = field(default_factory=Counter)
    # stored findings updated in place as their evidence changed, every one, whether it
    # alerted or not (not counted in ``findings``; of these, those more severe or naming an
    # organisation never named before alert and reopen: ``alerts_queued``,
    # ``reopened_by_findings_cases``)
    findings_changed: int = 0
    cases_opened: int = 0
    reviews_reopened: int = 0  # decided cases due for re-review
    reviews_reopened_cases: list[int] = field(default_factory=list)  # their ids
    # decided or closed cases reopened as a new or escalated finding arrived, by id
    reopened_by_findings_cases: list[int] = field(default_factory=list)
    # which scan this is in a finding's history and the audit log: "scan of SOURCE at TIME"
    scan: str = ""
    alerts_queued: int = 0  # outbox rows (a case and route each)
    # alert target -> new findings that would alert it but no channel is configured for it:
    # stored and shown, nobody told (a scan set up by environment variables alone)
    unalerted: dict[str, int] = field(default_factory=dict)
    alerts_delivered: int = 0  # messages sent (a digest is one, however many alerts it holds)
    alerts_failed: int = 0  # messages tried that failed (retried later or dead-lettered)
    # messages not tried because their channel kept failing in this run (retried later)
    alerts_held: int = 0
    # after a delivery that failed: alerts left in the outbox (all of them, not this scan's)
    alerts_waiting: int = 0
    # alerts an earlier run began to send and never recorded (killed mid-send): leased until
    # ``in_flight_until`` (ISO time), then sent again marked a possible repeat
    alerts_in_flight: int = 0
    in_flight_until: str | None = None
    # channel -> since when it could not be reached (ISO time): its alerts wait for it
    channels_unreachable: dict[str, str] = field(default_factory=dict)
    rescreened: int = 0  # stored records evaluated again for new lists or rulebooks
    # the rulebooks whose version changed since the last scan ("us-dod-1286 2026.9 → 2026.10"),
    # said with the re-screen they caused
    rulebooks_changed: list[str] = field(default_factory=list)
    # everything that changed in what screening uses, each named: those rulebooks (or
    # "rulebooks edited" when no version changed), list editions, area taxonomies and
    # glossaries, the language guess, the home country, funding shares (kvrules.screened_with)
    rescreened_because: list[str] = field(default_factory=list)
    reevaluated_for_shares: int = 0  # projects evaluated again as their unit's share settled
    tags_planned: int = 0
    tags_written: int = 0
    tags_skipped: int = 0  # left as they were: someone else set the record's value
    # dry run: wishes an earlier dry run planned already, unchanged (not read, not audited)
    tags_planned_earlier: int = 0
    # a complete read from no cursor no longer saw these records (deleted at the source)
    gone_from_source: int = 0
    gone_with_case: int = 0  # of those, records with a case (a history line for the committee)
    # more than half the remembered records unseen: not marked gone (a wrong filter or account
    # more likely than a mass deletion); the count, for the scan's closing lines
    gone_not_marked: int = 0
    # what the source has that this read did not get to, a line each (a listing that ended
    # short of its count: ``FetchedRecord.unread``): the read is incomplete, so no record is
    # noted gone (none of their write-backs dropped) and a full read is not counted as done
    unread: list[str] = field(default_factory=list)
    writeback_errors: int = 0
    # with --apply: why the source can take no tags (Adapter.read_only); nothing was sent and
    # the tags stay queued, said once instead of a failure per record retried every scan
    writeback_refused: str | None = None
    writeback_kept: int = 0  # how many write-backs it kept queued (`kvrules writebacks`)
    # why write-backs failed, a line each, and for how many records: a cause they share (the
    # RIS lacks what the tags are written to) is said once, not once per record
    writeback_failures: dict[str, int] = field(default_factory=dict)
    plugin_errors: list[str] = field(default_factory=list)  # a hook broke its contract
    dry_run: bool = True
    full: bool = False  # everything was read (asked for, first scan, or full_every due)
    budget_exhausted: bool = False  # stopped at a resume point; the next scan goes on from it
    seconds: float = 0.0
    screened_against: list[str] = field(default_factory=list)
    list_titles: dict[str, str] = field(default_factory=dict)  # list id → its imported title
    # What countries were checked against: editions of lists of countries (no organisation is
    # searched in them, so not in screened_against) and the country profiles, in words
    countries_checked: list[str] = field(default_factory=list)
    country_profiles: str = ""
    # Organisations of this source's records not screened on their country (a visitor's
    # institution nothing identifies, "private individual"): name → the country they had.
    unidentified: dict[str, str | None] = field(default_factory=dict)
    # Partners named by a given and family name alone, screened on their country only because
    # the organisation registry is partial (``SetApart.read_as_person``), each once.
    read_as_person: list[str] = field(default_factory=list)
    # Of ``unidentified``, the partners so named that a complete registry does not identify
    named_like_persons: list[str] = field(default_factory=list)
    # Projects that ended longer ago than ended_projects_quiet_after (kvrules.ended), listed,
    # no case opened, no alert: how many, and the newest ``ENDED_KEPT`` ({"record_id", "ended",
    # "rules", "title"}, newest first). The whole list is in the store for this scan
    # (``Store.scan_ended``, streamed into --json's ``ended_not_opened``): held here, it grew
    # with the portfolio (549 B a project, 54.9 MB at 100,000).
    ended_not_opened_count: int = 0
    ended_not_opened_newest: list[dict[str, Any]] = field(default_factory=list)
    # why some funding counts toward no share, and how to fix it (FundingShares.not_compared)
    funding_not_compared: str | None = None
    # awards in a currency a rule has no threshold for (kvrules.thresholds): currency → awards,
    # and the rules that compared none of them
    awards_not_compared: dict[str, int] = field(default_factory=dict)
    rules_without_threshold: list[str] = field(default_factory=list)
    # those rules' titles (rulebook/rule → title): the plain sentence names rules by title
    rule_titles: dict[str, str] = field(default_factory=dict)
    # What the scan remembers of each record until its end (the records read, those with
    # tags queued, the events whose awards were counted, so that a record both re-screened
    # and read again in one scan counts once) is marked in the store under this serial
    # (kvrules.store.scanmarks): held here as sets, it grew with the portfolio.
    _serial: int = field(default_factory=lambda: next(_REPORTS), repr=False, compare=False)

    @property
    def reopened_by_findings(self) -> int:
        return len(self.reopened_by_findings_cases)

    @property
    def cases_reopened(self) -> int:
        """Both kinds: a review date reached, and a new finding on a decided case."""
        return self.reviews_reopened + self.reopened_by_findings

    def note_ended(self, record_id: str, entry: dict[str, Any]) -> None:
        """Keep ``entry`` among the newest ``ENDED_KEPT`` long-ended projects."""
        newest = [e for e in self.ended_not_opened_newest if e["record_id"] != record_id]
        newest.append({"record_id": record_id, **entry})
        newest.sort(key=lambda e: (e["ended"], e["record_id"]), reverse=True)
        self.ended_not_opened_newest = newest[:ENDED_KEPT]

    def as_dict(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.__dict__.items()
            if k not in ("by_severity", "unidentified", "ended_not_opened_newest")
            and not k.startswith("_")
        }
        data["by_severity"] = {
            s.value: self.by_severity.get(s.value, 0) for s in reversed(Severity)
        }
        data["unidentified"] = [
            {"name": name, "country": country} for name, country in self.unidentified.items()
        ]
        # the newest kept (of ended_not_opened_count); the scan's --json streams every one
        data["ended_not_opened"] = {
            e["record_id"]: {k: v for k, v in e.items() if k != "record_id"}
            for e in self.ended_not_opened_newest
        }
        data["reopened_by_findings"] = self.reopened_by_findings
        data["cases_reopened"] = self.cases_reopened
        return data


# A write-back whose hook broke its contract is dead at its first attempt: retrying cannot help.
SET_ASIDE = RetryPolicy(max_attempts=1)


def _profiles_in_words(enricher: Enricher | None) -> str:
    """The country profiles a scan's enrichment assigns signals from, with their edition (as
    ``kvrules check`` names them, in the home country's wording), or "" when it assigns none."""
    if enricher is None or enricher.country_signals is None:
        return ""
    from kvrules.enrich.countries import profiles_in_words

    return profiles_in_words(enricher.home_country)


def record_tags(findings: list[Finding]) -> list[str]:
    """The risk tags of a record: its highest severity plus the tags of the rules that fired."""
    if not findings:
        return ["ks:none"]
    top = max((Severity(f.severity) for f in findings), key=lambda s: s.rank)
    return sorted({f"ks:{top.value}", *(t for f in findings for t in f.tags)})


def _screening(event: CollaborationEvent) -> list:
    """What enrichment concluded about an event (to tell whether a new edition changes it):
    with the country it took from a list entry, and each match's entry country, so an edition
    that only moves an entry to another country re-screens the records that took it."""
    orgs = [
        (
            o.name,
            o.lists,
            o.candidate_lists,
            o.country_signals,
            o.ror_lineage,
            o.country if o.country_from is not None else None,
            [m.country for m in o.screening],
        )
        for o in organisations(event)
    ]
    # with the words matched and the languages not screened: a glossary or language guess
    # changing only those is a change the case page shows
    areas = [
        (s.sensitive_areas, s.area_words, s.areas_not_screened)
        for s in (event.project, event.output, event.visit)
        if s
    ]
    share = event.project.foreign_funding_share if event.project else None
    foreign = [f.foreign for f in funders(event)]
    return [orgs, areas, share, foreign]


def _clear_screening(event: CollaborationEvent) -> None:
    for funder in funders(event):
        funder.foreign = None  # decided again from the home country
    for org in organisations(event):
        org.lists, org.candidate_lists, org.country_signals, org.screening = [], [], [], []
        org.ror_lineage, org.read_as_person = [], None
        if org.country_set_apart is not None:  # the source's, screened again if identified now
            org.country, org.country_set_apart = org.country_set_apart, None
        if org.country_from is not None:  # a list entry's: the next screen decides it again
            org.country, org.country_from = None, None
    for subject in (event.project, event.output, event.visit):
        if subject is not None:
            subject.sensitive_areas = []
    if event.project is not None:
        event.project.foreign_funding_share = None


def _stored_event(system: str, record_id: str, body: dict[str, Any]) -> CollaborationEvent:
    """A remembered record (``Store.subjects``) as an event to evaluate again."""
    return CollaborationEvent.model_validate(
        {
            **event_body(body),
            "id": f"rescreen:{system}:{record_id}",
            "source": {"system": system, "record_id": record_id},
        }
    )


def _material(events: list[CollaborationEvent], context: str) -> str:
    """What decides whether a record must be evaluated again: its content, not its ids or
    timestamps, plus the rulebooks and reference-list editions in force."""
    body = [e.model_dump(mode="json", exclude={"id", "occurred_at"}) for e in events]
    for event in body:  # created/updated says how the record was read, not what it holds
        event["kind"] = FIRST_READ.get(EventKind(event["kind"]), event["kind"])
    return hashlib.sha256(json.dumps([context, body], sort_keys=True).encode()).hexdigest()


class _Batches:
    """Records stored together, one commit per resume point instead of one per record.

    Each record still runs in its own savepoint (a failing one leaves nothing behind), and a
    batch commits at every record that carries a cursor, so a crash loses only records whose
    cursor was not stored yet: the next scan reads them again, as it did with one commit each.
    The write lock is held only while records are processed: Pure puts its cursor on the last
    record of a page, so the lock is released before the next page is fetched; a batch also
    ends after ``BATCH_RECORDS`` records or ``BATCH_SECONDS``, for sources that rarely resume.
    """

    BATCH_RECORDS = 200
    BATCH_SECONDS = 0.5
    # Free memory goes back to the system after this many records are committed (about a
    # page): the scan's resident size stays flat however many records it reads (kvrules.memory).
    TRIM_RECORDS = 1000

    def __init__(self, store: Store) -> None:
        self.store = store
        self._open: ExitStack | None = None
        self._records, self._since = 0, 0.0
        self._untrimmed = 0

    def begin(self) -> None:
        if self._open is None:
            self._open = ExitStack()
            self._open.enter_context(self.store.transaction())
            self._records, self._since = 0, time.monotonic()

    def done(self, *, resume_point: bool) -> None:
        self._records += 1
        if (
            resume_point
            or self._records >= self.BATCH_RECORDS
            or time.monotonic() - self._since >= self.BATCH_SECONDS
        ):
            self.commit()

    def commit(self) -> None:
        if self._open is not None:
            self._open, batch = None, self._open
            batch.close()
            self._untrimmed += self._records
            if self._untrimmed >= self.TRIM_RECORDS:
                self._untrimmed = 0
                give_back_free_memory()

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, *exc: object) -> None:
        # Records processed before a failure (the source's, or a stop) were complete: kept,
        # as when each record committed on its own.
        self.commit()


class Scanner:
    """Runs scans of one source into one store. Build once, scan many times (watch)."""

    def __init__(
        self,
        store: Store,
        source: str,
        adapter: Adapter,
        evaluator: Evaluator,
        enricher: Enricher | None,
        *,
        channels: Mapping[str, AlertChannel] | None = None,
        routes: Mapping[str, list[str]] | None = None,
        digest: Mapping[str, timedelta] | None = None,
        retry: RetryPolicy | None = None,
        apply: bool = False,
        home_country: str | None = DEFAULT_HOME_COUNTRY,
        rates: ExchangeRates | None = None,
        full_every: timedelta | None = None,
        budget: timedelta | None = None,
        links: RecordLinks | None = None,
        quiet_after: str | None = None,
        time_zone: tzinfo | None = None,
    ) -> None:
        self.time_zone = time_zone  # the institution's: days in alerts are said in it
        # A project that ended longer ago than this opens no case (kvrules.ended); None: never
        self.quiet_after = quiet_after
        # A scan stops cleanly at the first resume point (a record with a cursor) after it
        # has run this long: a slow or hostile source cannot hold a watch cycle, and every
        # record it finished is kept with its cursor.
        self.budget = budget
        # Incremental reads miss what some APIs never report (a link deleted in Converis, an
        # item a changes feed dropped): a full read this often catches up.
        self.full_every = full_every
        self.home_country, self.rates = home_country, rates
        self.store, self.source, self.adapter = store, source, adapter
        self.evaluator, self.enricher = evaluator, enricher
        self.channels, self.routes = dict(channels or {}), dict(routes or {})
        self.digest, self.retry, self.apply = digest, retry or RetryPolicy(), apply
        self.links = links  # the sources' ris_url patterns: alerts link records to the RIS
        # Whether the adapter decides ownership on its own read (``written``, see not_ours).
        self._adapter_compares = "written" in inspect.signature(adapter.write_tags).parameters
        # What screening uses, but the funding shares (set per scan): kvrules.screened_with
        context = enricher.context if enricher else {}
        self._context = {RULEBOOKS: evaluator.program.digest, **context}
        # the rules comparing amounts in named currencies only: an award in another is said
        self._amount_rules = amount_rules(evaluator.program.rulebooks)
        store.register_source(source, getattr(adapter, "name", None))
        # What the last scan screened with, so a new list edition or rulebook is noticed.
        self._memo = f"{source}#screened-with"
        store.register_source(self._memo)
        # The rulebooks' versions the last scan ran, so a re-screen says which changed.
        self._versions_memo = f"{source}#rulebook-versions"
        store.register_source(self._versions_memo)
        self._full_at = f"{source}#full-read-at"  # when the last full read finished
        self._replacing_state = False  # until the first resume point of a read from no cursor
        self._evaluate_unchanged = False  # scan(evaluate_all=True)
        store.register_source(self._full_at)
        # A full read the budget stopped: the next scan resumes it instead of restarting it,
        # or a full read longer than the budget would never finish.
        self._full_resume = f"{source}#full-read-resumes"
        store.register_source(self._full_resume)
        # Where a full read that re-reads a source already read keeps its resume points until
        # it completes: in the source's own cursor they sent an overlapping `watch` back to
        # the middle of the full read (2,143 of 3,143 records read again), and a full read
        # stopped part-way left the incremental scans there.
        self._full_cursor = f"{source}#full-read-cursor"
        store.register_source(self._full_cursor)
        self._cursor_key = source
        # Set while the first full read of the source is under way, across scans (one stopped
        # by --limit or killed, then resumed): until it ends the stored portfolio is partial.
        self._first_read = f"{source}#first-read-pending"
        store.register_source(self._first_read)

    def scan(
        self,
        *,
        full: bool = False,
        limit: int | None = None,
        progress: Progress | None = None,
        reader: Reader = "thread",
        evaluate_all: bool = False,
    ) -> ScanReport:
        """Read the source (all of it when ``full``) and process every record.

        ``evaluate_all``: evaluate every record read, unchanged or not (``scan --full``: how an
        administrator makes sure the rules in force have seen the whole portfolio); otherwise
        a record whose content, rulebooks and reference editions are as last evaluated is not.

        ``reader``: where the source is read: on a thread of this process ("thread"), in a
        process of its own ("process", for adapters that allow it; kvrules.reader), or
        "auto": in a process for a full read of such an adapter, given two cores or more.
        """
        # A scan's records are freed by reference counting: CPython's collector, every 700
        # allocations, walked each record's objects again and again (kvrules.memory.SELDOM).
        with collecting_seldom(), self.store.scan_cache():
            return self._scan(full, limit, progress, reader, evaluate_all)

    def _scan(
        self,
        full: bool,
        limit: int | None,
        progress: Progress | None,
        reader: Reader,
        evaluate_all: bool,
    ) -> ScanReport:
        started = time.monotonic()
        report = ScanReport(
            self.source,
            dry_run=not self.apply,
            screened_against=self.enricher.screened_against if self.enricher else [],
            list_titles=dict(self.enricher.list_titles) if self.enricher else {},
            countries_checked=list(self.enricher.countries_checked) if self.enricher else [],
            country_profiles=_profiles_in_words(self.enricher),
        )
        report.scan = f"scan of {self.source} at {self.store.clock():%Y-%m-%d %H:%M:%S} UTC"
        self.store.forget_scan_marks()  # an earlier scan's, if it stopped before its end
        if self.enricher is not None:  # what a partner on no list was not found in, for people
            screen = self.enricher.screen
            self.store.remember_screening(
                report.screened_against,
                report.list_titles,
                # which names met no list's script, said on a case page as `match` says it
                screen.resolver.scripts_held() if screen is not None else None,
            )
        # Decided cases whose review (renewal) date has come are reopened for the committee.
        report.reviews_reopened_cases = self.store.reopen_due_reviews(
            self.store.clock().date(), actor="kvrules"
        )
        report.reviews_reopened = len(report.reviews_reopened_cases)
        if self.store.get_cursor(self.source) is None and self._last_full_read() is None:
            self.store.set_cursor(self._first_read, self.store.clock().isoformat())
        partial = self._portfolio_partial()
        if self.enricher is not None:  # the portfolio as last screened, for funding shares
            # A partial portfolio gives shares no clean run has (one project of a unit read:
            # 100% foreign); none are used until the first read is complete.
            subjects = () if partial else self.store.subjects("project")
            self.enricher.funding = FundingShares.from_subjects(
                subjects, self.home_country, self.rates
            )
        self._rescreen_on_change(report)
        resume_full = not full and self.store.get_cursor(self._full_resume) is not None
        fresh = (full or self._full_read_due()) and not resume_full
        aside = self.store.get_cursor(self._full_cursor) if resume_full else None
        cursor = None if fresh else aside or self.store.get_cursor(self.source)
        report.full = cursor is None or resume_full
        # a full read over an incremental position keeps its own resume points (see __init__)
        over_position = cursor is None and self.store.get_cursor(self.source) is not None
        self._cursor_key = self._full_cursor if over_position or aside else self.source
        # A read from no cursor rebuilds the adapter's state: its rows replace the stored ones
        # at its first resume point (rows of records since gone would stay for ever).
        self._replacing_state = cursor is None
        self._evaluate_unchanged = evaluate_all
        completed = True
        # The source is read ahead (next page fetched while this one is processed).
        with _Batches(self.store) as batches, self._reader(reader, cursor, report) as records:
            for record in records:
                batches.begin()
                if record.unread:
                    report.unread.append(record.unread)
                if record.events or record.error:
                    report.records += 1  # and marked seen: a complete read notes the others gone
                    self.store.scan_mark(report._serial, SEEN, self.source, record.record_id)
                self._process(record, report)
                batches.done(resume_point=record.cursor is not None)
                if progress:
                    progress(record)
                if limit is not None and report.records >= limit:
                    completed = False
                    break
                # Out of budget: stop at the next resume point, so the next scan redoes nothing.
                if record.cursor is not None and self._over_budget(started):
                    completed, report.budget_exhausted = False, True
                    break
        # Records the source has were not read: not a complete read, whatever else it was
        # (their absence says nothing of them; the full read stays due).
        whole = completed and not report.unread
        with self.store.transaction():
            reached = self.store.get_cursor(self._full_cursor)
            if completed and self._cursor_key == self._full_cursor and reached is not None:
                self.store.set_cursor(self.source, reached)  # now the source's own position
                self.store.set_cursor(self._full_cursor, None)
            if whole and (report.full or partial):  # a full read, maybe in several scans
                self.store.set_cursor(self._full_at, self.store.clock().isoformat())
                self.store.set_cursor(self._full_resume, None)
                self.store.set_cursor(self._first_read, None)
            elif report.full and report.budget_exhausted:
                self.store.set_cursor(self._full_resume, "1")
        if whole and cursor is None and limit is None:  # the whole source, in this scan
            self._note_gone(report)
        self._settle_funding(report, completed_first_read=whole and partial)
        if self.enricher is not None and self.enricher.funding is not None:
            report.funding_not_compared = self.enricher.funding.not_compared()
        self._audit_reopened(report)
        self._deliver(report)
        self._write_back(report)
        report.seconds = time.monotonic() - started
        return report

    def _audit_reopened(self, report: ScanReport) -> None:
        """The scan's reopened cases in the audit log, both kinds named by case (each case's
        own entry says why: ``case.review-due``, ``case.reopened``); nothing when none."""
        if not report.cases_reopened:
            return
        self.store.audit(
            "kvrules",
            "scan.reopened",
            f"source:{self.source}",
            {
                "scan": report.scan,
                "for_review": report.reviews_reopened_cases,
                "by_new_findings": report.reopened_by_findings_cases,
            },
        )

    def _note_gone(self, report: ScanReport) -> None:
        """Records observed before that a complete read no longer yielded: deleted at the
        source (an API without a changes feed, like Converis', says so only by their absence).
        Each is noted, its pending write-back dropped and its case given a history line
        (``Store.record_gone``). More than half of them unseen is no deletion to act on."""
        serial = report._serial
        gone = self.store.observed_unmarked_count(self.source, serial, SEEN)
        if not gone:
            return
        if gone * 2 > gone + self.store.scan_marks(serial, SEEN):
            report.gone_not_marked = gone
            return
        read_at = self.store.clock().isoformat()
        system = getattr(self.adapter, "name", self.source)
        for record_id in self.store.observed_unmarked(self.source, serial, SEEN):
            report.gone_from_source += 1
            report.gone_with_case += self.store.record_gone(self.source, system, record_id, read_at)

    def _reader(
        self, reader: Reader, cursor: str | None, report: ScanReport
    ) -> ReaderProcess | Prefetch[FetchedRecord]:
        apart = getattr(self.adapter, "fetch_apart", False)
        if reader == "auto":  # a process costs a second or two to start: worth it for long reads
            apart = apart and report.full and usable_cores() >= 2
        elif reader == "process" and not apart:
            raise ReaderUnavailable(
                f"source '{self.source}': its adapter cannot be read in a process of its own;"
                " use --reader thread or auto"
            )
        # What the adapter keeps beside its cursor, read where it fetches (kvrules.AdapterState);
        # a read from no cursor sees none: it writes the rows anew.
        stored = self.store.adapter_state(self.source, fresh=cursor is None)
        if apart and reader != "thread":
            return ReaderProcess(self.adapter, cursor, stored)
        self.adapter.use_state(AdapterState(stored))
        return Prefetch(checked_fetch(self.adapter, cursor), on_close=stored.close)

    def _over_budget(self, started: float) -> bool:
        return self.budget is not None and time.monotonic() - started >= self.budget.seconds

    def _process(self, record: FetchedRecord, report: ScanReport) -> None:
        try:
            self._process_one(record, report)
        except EngineError as exc:
            # One record the engine cannot take must not stop every later scan at the same
            # place: it is quarantined with the reason (nothing else of it was kept) and the
            # scan goes on; a full scan after a fix evaluates it again.
            with self.store.transaction():
                report.quarantined += 1
                self.store.quarantine(self.source, record.record_id, f"evaluation failed: {exc}")
                self._resume_point(record)

    def _process_one(self, record: FetchedRecord, report: ScanReport) -> None:
        store = self.store
        queued = False  # tags of the record to write back (now or still due from a dry run)
        with store.transaction():
            if record.error:
                report.quarantined += 1
                store.quarantine(self.source, record.record_id, record.error)
            elif record.events:
                store.release_quarantine(self.source, record.record_id)
                material = _material(record.events, self._context)
                change = store.observe_record(self.source, record.record_id, material)
                if change is Change.UNCHANGED and not self._evaluate_unchanged:
                    report.unchanged += 1
                    # Still in the source: its remembered content (funding shares, re-screening)
                    # must not expire under the retention policy as if it were gone.
                    for source in {(e.source.system, e.source.record_id) for e in record.events}:
                        store.touch_subject(*source)
                    # A dry run's wish from an earlier scan is still due: its note is of use.
                    system = record.events[0].source.system
                    queued = store.case_for(system, record.record_id) is not None
                else:
                    queued = self._evaluate(record, report)
            self._resume_point(record)
        if not queued:
            # What the adapter noted of the record while reading it (say, its tags as read)
            # serves only a write-back: kept for every record, it grew with the source.
            self.adapter.forget_notes(record.record_id)
        else:  # its dry-run plan is made again (_write_back)
            store.scan_mark(report._serial, TAGS_QUEUED, self.source, record.record_id)

    def _resume_point(self, record: FetchedRecord) -> None:
        """The cursor a record carries, with the adapter's state rows that came with it: in one
        transaction, so that they never disagree. The first of a read from no cursor replaces
        the rows stored before (``_replacing_state``)."""
        replace = self._replacing_state and record.cursor is not None
        if record.state_rows or replace:
            self.store.keep_adapter_state(self.source, record.state_rows, replace=replace)
        if record.cursor is not None:
            self.store.set_cursor(self._cursor_key, record.cursor)
            self._replacing_state = False

    def _evaluate(self, record: FetchedRecord, report: ScanReport) -> bool:
        """Screen, evaluate and store a record; True when tags of it are queued to write."""
        findings: list[Finding] = []
        # said on the record's case page as in this scan's report (kvrules.thresholds)
        note = note_for(record.events, self._amount_rules) if self._amount_rules else None
        for event in record.events:
            report.events += 1
            if self.enricher is not None:
                found = self.enricher.enrich(event)
                report.unidentified |= found.unidentified
                for name in found.read_as_person:
                    if name not in report.read_as_person:
                        report.read_as_person.append(name)
                for name in found.named_like_persons:
                    if name not in report.named_like_persons:
                        report.named_like_persons.append(name)
            self.store.record_subject(event, note)  # what the case pages and the portfolio show
            findings += self.evaluator.evaluate(event)
            self._count_not_compared(event, report)
        # the record as it is now is what its stored findings are compared with
        findings = superseded_dropped(findings)
        findings = self._quiet_if_long_ended(record.events, findings, report)
        # A project after a funding application takes over its case (kvrules.handover).
        follows = handover.prepare(self.store, record.events, findings)
        self._record(findings, report, follows.routes(self.routes) if follows else None)
        if follows is not None:
            follows.complete(self.store)
        system = record.events[0].source.system
        # The record's case notes what its findings rest on that this version no longer holds
        # (a partner that left): the finding, and the tag, stand until the committee decides.
        screened = self.enricher.screened_against if self.enricher is not None else []
        self.store.note_lapsed(system, record.record_id, screened)
        return self._queue_tags(system, record.record_id, findings)

    def _quiet_if_long_ended(
        self, events: list[CollaborationEvent], findings: list[Finding], report: ScanReport | None
    ) -> list[Finding]:
        """The findings to record: none for a project that ended longer ago than
        ``quiet_after`` without a case yet or a restricted-party hit (``kvrules.ended``), whose
        findings the report lists instead."""
        if self.quiet_after is None or not findings or ended.opens_a_case(findings):
            return findings
        end = ended.ended_before(events, self.quiet_after, self.store.clock())
        source = events[0].source
        if end is None or self.store.case_for(source.system, source.record_id) is not None:
            return findings
        if report is not None:
            rules = sorted({f.rule_id for f in findings})
            title = next((e.project.title for e in events if e.project and e.project.title), None)
            entry = {"ended": end.isoformat(), "rules": rules, "title": title}
            if self.store.scan_note_ended(report._serial, source.record_id, entry):
                report.ended_not_opened_count += 1
            report.note_ended(source.record_id, entry)
        return []

    def _count_not_compared(self, event: CollaborationEvent, report: ScanReport) -> None:
        """Count the event's awards that no threshold compared (kvrules.thresholds), once
        per record and kind whichever way the scan evaluated it (read, or re-screened)."""
        kind = FIRST_READ.get(event.kind, event.kind).value  # read updated, stored created
        if not self._amount_rules or not self.store.scan_mark(
            report._serial, AWARDS_COUNTED, event.source.system, event.source.record_id, kind
        ):
            return
        missed = NotCompared(
            report.awards_not_compared, report.rules_without_threshold, report.rule_titles
        )
        missed.add(event, self._amount_rules)

    def _record(
        self,
        findings: list[Finding],
        report: ScanReport | None,
        routes: Mapping[str, list[str]] | None = None,
    ) -> None:
        """Store findings (cases, alerts in the outbox); count what is new in ``report``.
        ``routes``: where they alert, when not the configured routes."""
        routes = self.routes if routes is None else routes
        scan = report.scan if report is not None else None
        stored_all = self.store.record_findings(findings, routes, scan=scan)
        if report is None:
            return
        for finding, stored in zip(findings, stored_all, strict=True):
            if stored.new:
                report.findings += 1
                report.by_severity[Severity(finding.severity).value] += 1
                for target in finding.alert_targets:
                    if not routes.get(target):
                        report.unalerted[target] = report.unalerted.get(target, 0) + 1
            report.findings_changed += stored.changed
            report.alerts_queued += len(stored.alert_ids)
            if stored.case_event == "opened":
                report.cases_opened += 1
            elif stored.case_event == "reopened":
                report.reopened_by_findings_cases.append(stored.case_id)

    def _last_full_read(self) -> datetime | None:
        """When the last full read finished (None: never, or a stamp that does not parse)."""
        try:
            last = datetime.fromisoformat(self.store.get_cursor(self._full_at) or "")
        except ValueError:
            return None
        return last if last.tzinfo is not None else last.replace(tzinfo=UTC)

    def _portfolio_partial(self) -> bool:
        return self.store.get_cursor(self._first_read) is not None

    def _full_read_due(self) -> bool:
        if self.full_every is None:
            return False
        last = self._last_full_read()
        if last is None:
            return True  # never read in full, or a stamp that does not parse: read everything
        # Either way round: a stamp far "ahead" was written by a clock since set back, and
        # believing it would stop full reads until the clock catches up.
        return abs(self.store.clock() - last) >= self.full_every

    # -- re-screening ------------------------------------------------------------------------

    def _rescreen_on_change(self, report: ScanReport) -> None:
        """New list editions (or a changed funding portfolio) re-screen the stored records whose
        screening they change; changed rulebooks re-evaluate every stored record. No refetch."""
        funding = self.enricher.funding.digest() if self.enricher and self.enricher.funding else ""
        parts = {**self._context, FUNDING: funding}
        now = memo(parts)
        before = self.store.get_cursor(self._memo)
        versions = {rb.id: rb.version for rb in self.evaluator.program.rulebooks}
        if before == now:
            self._remember_versions(versions)
            return
        if before is not None:
            was = read_memo(before)
            rules_changed = was.get(RULEBOOKS) != self.evaluator.program.digest
            if rules_changed:
                report.rulebooks_changed = self._versions_changed(versions)
            # each part that changed, named (the rulebooks by version)
            report.rescreened_because = [
                *(report.rulebooks_changed or (["rulebooks edited"] if rules_changed else [])),
                *screening_changed(was, parts),
            ]
            with self.store.transaction():
                report.rescreened = self.rescreen(everything=rules_changed, report=report)
                if report.rescreened:
                    self.store.audit(
                        "kvrules",
                        "scan.rescreened",
                        f"source:{self.source}",
                        {
                            "scan": report.scan,
                            "records": report.rescreened,
                            "because": report.rescreened_because,
                        },
                    )
        self.store.set_cursor(self._memo, now)
        self._remember_versions(versions)

    def _remember_versions(self, versions: dict[str, str]) -> None:
        text = json.dumps(versions, sort_keys=True)
        if self.store.get_cursor(self._versions_memo) != text:
            self.store.set_cursor(self._versions_memo, text)

    def _versions_changed(self, versions: dict[str, str]) -> list[str]:
        """The rulebooks whose version differs from the last scan's, in words. A database of
        a release that remembered no versions is compared with its stored findings' (only
        rulebooks that found something are known then: nothing is said of the others)."""
        try:
            earlier = json.loads(self.store.get_cursor(self._versions_memo) or "null")
        except ValueError:
            earlier = None
        complete = isinstance(earlier, dict)
        if not complete:
            earlier = self.store.rulebook_versions_found()
        said = []
        for rulebook, version in versions.items():
            was = earlier.get(rulebook)
            if was is None:
                if complete:
                    said.append(f"{rulebook} {version} (new)")
            elif was != version:
                said.append(f"{rulebook} {was} → {version}")
        if complete:
            said += [f"{r} {v} (no longer run)" for r, v in earlier.items() if r not in versions]
        return said

    def _settle_funding(self, report: ScanReport, *, completed_first_read: bool) -> None:
        """Funding shares come from the stored records, and this scan stored some (or completed
        the first read): the projects of units whose share changed are screened again now, not
        a scan later (so a first scan, or one resumed after a crash, ends as an uninterrupted
        one would). While the first read is incomplete there are no shares to settle on."""
        if self.enricher is None or self.enricher.funding is None or self._portfolio_partial():
            return
        if not report.events and not completed_first_read:
            return  # no record was stored: the shares are those the scan began with
        before = self.enricher.funding
        after = FundingShares.from_subjects(
            self.store.subjects("project"), self.home_country, self.rates
        )
        # Kept even when the shares are the same: what it could not compare is counted on the
        # records stored now (a first scan with every amount in another currency has no share
        # at all, and said nothing of the amounts it left out).
        self.enricher.funding = after
        if after.digest() == before.digest():
            return
        with self.store.transaction():
            report.reevaluated_for_shares += self._apply_shares(before.changed_units(after), report)
            self.store.set_cursor(self._memo, memo({**self._context, FUNDING: after.digest()}))

    def _apply_shares(self, units: set[str], report: ScanReport) -> int:
        """Evaluate again the stored projects of ``units`` whose funding share changed, with
        the new share. Nothing else of them can have changed since this scan stored them (the
        same lists and taxonomies; older records were re-screened when the scan began), so
        they are not screened again, and the others are not even rebuilt from the store."""
        funding = self.enricher.funding if self.enricher else None
        if funding is None:
            return 0
        evaluated = 0
        for system, record_id, _kind, body in self.store.subjects("project"):
            project = body.get("project") or {}
            if units.isdisjoint(project.get("units") or ()):
                continue
            share = funding.for_stored(project)
            if share == project.get("foreign_funding_share"):
                continue
            project["foreign_funding_share"] = share
            evaluated += 1
            self._evaluate_again(system, record_id, _stored_event(system, record_id, body), report)
        return evaluated

    def rescreen(
        self,
        *,
        everything: bool = False,
        units: set[str] | None = None,
        report: ScanReport | None = None,
    ) -> int:
        """Re-enrich the remembered records (only projects of ``units`` when given); evaluate
        those whose screening changed (all of them with ``everything``). Returns how many were
        evaluated; new findings and alerts are counted in ``report``."""
        if self.enricher is None:
            return 0
        evaluated = 0
        for system, record_id, _kind, body in self.store.subjects():
            if units is not None and not units & set((body.get("project") or {}).get("units", [])):
                continue
            event = _stored_event(system, record_id, body)
            before = _screening(event)
            _clear_screening(event)
            self.enricher(event)
            if not everything and _screening(event) == before:
                continue
            evaluated += 1
            self._evaluate_again(system, record_id, event, report)
        return evaluated

    def _evaluate_again(
        self, system: str, record_id: str, event: CollaborationEvent, report: ScanReport | None
    ) -> None:
        """A remembered record, screened anew: stored, evaluated, its findings and tags queued."""
        note = note_for([event], self._amount_rules) if self._amount_rules else None
        self.store.record_subject(event, note)
        findings = self.evaluator.evaluate(event)
        if system == PRESCREEN_SYSTEM:  # a sent pre-screen's case: what `check` finds, one colour
            findings = one_colour(findings)
        findings = self._quiet_if_long_ended([event], findings, report)
        if report is not None:  # evaluated as a read record is: its awards are said the same
            self._count_not_compared(event, report)
        self._record(findings, report)
        if self.enricher is not None:  # a later edition may no longer list what a finding cites
            self.store.note_lapsed(system, record_id, self.enricher.screened_against)
        if system == getattr(self.adapter, "name", None):
            self._queue_tags(system, record_id, findings)

    def _queue_tags(self, system: str, record_id: str, findings: list[Finding]) -> bool:
        """Queue the record's tags to write back, when it has any to have; True if queued."""
        if not self.adapter.taggable(record_id):
            return False
        if findings or self.store.case_for(system, record_id) is not None:
            # The tag follows the case: a finding whose list entry a later edition dropped
            # stands (and keeps its severity) until the committee decides the case.
            standing = [*findings, *self.store.lapsed_findings(system, record_id)]
            tags = self.adapter.writable_tags(record_tags(standing))
            self.store.enqueue_writeback(self.source, record_id, tags)
            return True
        return False

    def _deliver(self, report: ScanReport) -> None:
        if not self.channels:
            return  # alerts wait in the outbox (`kvrules alerts`) until a channel exists
        while True:  # delivery works in batches; drain what is due now
            result = deliver_due(
                self.store,
                self.channels,
                policy=self.retry,
                digest=self.digest,
                links=self.links,
                home_country=self.home_country,
                time_zone=self.time_zone,
                # an alert queued under an older rulebook: sent under its rule's title now
                rule_titles=ruletitles.rule_titles(self.evaluator.program.rulebooks),
            )
            report.alerts_delivered += len(result.delivered)
            report.alerts_failed += len(result.retrying) + len(result.dead)
            report.alerts_held += len(result.held)
            for channel, since in result.unreachable.items():
                known = report.channels_unreachable.get(channel)
                report.channels_unreachable[channel] = min(
                    known or since.isoformat(), since.isoformat()
                )
            if not result.delivered:
                break
        if report.alerts_failed or report.alerts_held:  # "0 alerts" hid 500 waiting for mail
            report.alerts_waiting = self.store.pending_alert_count()
        # "messages not sent 0" hid the alert a killed run left leased for five minutes
        if leases := self.store.alerts_in_flight():
            report.alerts_in_flight = len(leases)
            report.in_flight_until = max(leases).isoformat()

    def _write_back(self, report: ScanReport) -> None:
        if self.apply and (refused := self._read_only()):
            # said only when there is something it keeps from being written, with how much:
            # "kept queued" beside an empty queue (`kvrules writebacks`: 0) misleads
            queued = len(self.store.due_writebacks(source=self.source, limit=1_000_000))
            if queued:
                report.writeback_refused, report.writeback_kept = refused, queued
            return
        # One pass over everything due (dry runs stay pending, so a paged loop would spin).
        for row in self.store.due_writebacks(source=self.source, limit=1_000_000):
            if (
                not self.apply
                and row.planned_earlier
                and not self.store.scan_marked(
                    report._serial, TAGS_QUEUED, self.source, row.record_id
                )
            ):
                # The same wish, planned by an earlier dry run, for a record this scan did not
                # read (unchanged at the source): planning it again would read the record and
                # audit the same plan. A record read now is planned again: its value may have
                # changed, and the adapter knows it from the read.
                report.tags_planned_earlier += 1
                continue
            try:
                result = self._write_tags(row)
            except PluginError as exc:  # permanent until the plugin is fixed: set aside once
                report.plugin_errors.append(f"{exc} (write-back of {row.record_id} set aside)")
                self.store.mark_writeback_failed(row.id, str(exc), policy=SET_ASIDE)
                continue
            except Exception as exc:  # one record's failure must not stop the others
                report.writeback_errors += 1
                why = failure(self.adapter, "write_tags", exc)
                # No such record (404): retrying cannot help; set aside at once. The next
                # complete read drops it if the record is gone from the source.
                gone = isinstance(exc, HttpError) and exc.status == 404
                if gone:
                    why = f"{why} (no such record in the source: set aside, not retried)"
                report.writeback_failures[why] = report.writeback_failures.get(why, 0) + 1
                self.store.mark_writeback_failed(
                    row.id, why, policy=SET_ASIDE if gone else self.retry
                )
                continue
            report.tags_planned += 1
            report.tags_written += result.written
            report.tags_skipped += result.skipped is not None
            self.store.mark_writeback_done(
                row.id,
                row.tags,
                dry_run=not self.apply,
                before=result.before,
                # kvrules owns the value it wrote, or the one a write it began (and died
                # before recording) left there.
                wrote=result.written or sorted(result.before) == row.attempted,
                skipped=result.skipped,
            )

    def _read_only(self) -> str | None:
        """The adapter's ``read_only``: why nothing can be written to the source, or None."""
        ask = getattr(self.adapter, "read_only", None)
        why = ask() if callable(ask) else None
        return why if isinstance(why, str) and why.strip() else None

    def _write_tags(self, row: WriteBack) -> TagWrite:
        """Write one wish, leaving a value kvrules did not write as it is (``not_ours``)."""
        dry_run = not self.apply
        if not self._adapter_compares:
            # An adapter from before ownership was in the contract cannot compare on its own
            # read: compare on a dry read first (someone may still edit in between).
            probe = checked_write_tags(self.adapter, row.record_id, row.tags, dry_run=True)
            reason = not_ours(probe.before, probe.after, row.written)
            if reason is not None or dry_run:
                return probe.model_copy(update={"skipped": reason})
            self.store.begin_writeback(row.id, row.tags)
            return checked_write_tags(self.adapter, row.record_id, row.tags, dry_run=False)
        if not dry_run:
            self.store.begin_writeback(row.id, row.tags)
        result = checked_write_tags(
            self.adapter, row.record_id, row.tags, dry_run=dry_run, written=row.written
        )
        if result.skipped and row.attempted is not None and sorted(result.before) == row.attempted:
            # What is there is what an earlier run began to write before it died: kvrules' own.
            result = checked_write_tags(
                self.adapter, row.record_id, row.tags, dry_run=dry_run, written=row.attempted
            )
        return result
