"""The audit log in the web app: a page at a time, filtered by subject, person (the acting
account) and a date range in the institution's time zone, and exported as CSV with each
entry's hashes (the export itself audited). Refused to an account limited to some units
(``kvrules.web.scope``): the log covers every unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from kvrules.history import Words, case_words, sentence
from kvrules.records import describe
from kvrules.store.audit import (
    ERASED_ACTION,
    AuditFilter,
    AuditPage,
    canonical_json,
    rewrite_in_words,
)
from kvrules.store.db import ts
from kvrules.timezone import local_time
from kvrules.web.auth import error_page, guard, open_store
from kvrules.web.casedata import parse_date
from kvrules.web.export import Table, as_csv, filename
from kvrules.web.scope import unscoped_only


def _render(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


AUDIT_PAGE = 100  # entries per page of /audit


def _page_bound(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class AuditQuery:
    """The audit page's filters as typed (subject, person, from and to dates in the
    institution's time zone) and as the store reads them (UTC bounds)."""

    typed: dict[str, str]
    only: AuditFilter
    problem: tuple[str, str] | None = None  # (field, what is wrong)

    def query(self) -> str:
        return urlencode({k: v for k, v in self.typed.items() if v})


def audit_query(params: Any, zone: Any) -> AuditQuery:
    typed = {k: str(params.get(k, "")).strip() for k in ("subject", "actor", "from", "to")}
    bounds: dict[str, str | None] = {"from": None, "to": None}
    for field in ("from", "to"):
        try:
            day = parse_date(typed[field])
        except ValueError:
            return AuditQuery(typed, AuditFilter(), (field, "write the date as YYYY-MM-DD"))
        if day is not None:  # the whole day "to", in the institution's zone
            start = datetime.combine(day + timedelta(days=field == "to"), time(), zone)
            bounds[field] = ts(start.astimezone(UTC))
    only = AuditFilter(
        subject=typed["subject"] or None,
        actor=typed["actor"] or None,
        since=bounds["from"],
        until=bounds["to"],
    )
    return AuditQuery(typed, only)


@guard("view")
async def audit_log(request: Request) -> Response:
    """The audit log a page at a time, newest first, filtered by subject, person and dates.
    The hash chain is checked when asked (``?verify=1``: it reads every entry, seconds on a
    large log), not on every view."""
    if refused := unscoped_only(request.state.user):
        return error_page(request, 403, refused)
    asked = audit_query(request.query_params, request.app.state.settings.time_zone)
    verify = request.query_params.get("verify") == "1"
    with open_store(request) as store:
        page = store.audit_page(
            before=_page_bound(request, "before"),
            after=_page_bound(request, "after"),
            limit=AUDIT_PAGE,
            only=asked.only,
        )
        problems: list | None = None
        if verify:  # one walk: the breaks, and the rewrites whose content matches its seal
            problems, rewritten = store.check_audit()
        else:  # as the erasures say them, without a walk (checked when the chain is)
            rewritten = store.audit_sealed_by_erasures()
        rewrites = _rewrites(store, rewritten)
        # every rewrite listed only when asked: 3,000 of them made each page 594 KB, not 33
        # (reviewer); those of the page's own entries are marked on their rows
        on_page = {e.id for e in page.entries}
        listed = request.query_params.get("rewrites") == "all"
        head = store.audit_head()
        words, records = _audit_words(store, page.entries, request.app.state.settings)
    return _render(
        request,
        "audit.html",
        {
            "page": page if asked.problem is None else AuditPage([], False, False),
            "subject": asked.only.subject,
            "typed": asked.typed,
            "also": ("&" + asked.query()) if asked.query() else "",
            "query": asked.query(),
            "errors": dict([asked.problem]) if asked.problem else {},
            "problems": problems,
            "head": head,
            "words": words,
            "records": records,
            "rewrites": rewrites if listed else [],
            "rewrites_count": len(rewrites),
            "rewritten": {r.entry: r for r in rewrites if r.entry in on_page},
        },
        status_code=400 if asked.problem else 200,
    )


@dataclass(frozen=True)
class Rewrite:
    """An entry a person's erasure rewrote: which entry, which erasure, who erased and when.
    Never the text erased: the entry's details hold the pseudonym now, the erasure's entry
    the seal, counts and request reference."""

    entry: int
    erasure: int
    actor: str
    at: str

    @property
    def words(self) -> str:  # as `kvrules audit verify` says it
        return rewrite_in_words(self.entry, self.erasure)


def _rewrites(store: Any, rewritten: list[tuple[int, int]]) -> list[Rewrite]:
    """The rewrites with their erasure's actor and time, oldest entry first."""
    if not rewritten:
        return []
    erasures = {e.id: e for e in store.audit_entries_of_action(ERASED_ACTION)}
    return [
        Rewrite(row, by, erasures[by].actor, erasures[by].at)
        for row, by in sorted(rewritten)
        if by in erasures
    ]


AUDIT_CSV_HEADER = [
    "entry", "at (UTC)", "at (local)", "who", "what happened", "action", "subject", "details",
    "prev_hash", "hash",
]  # fmt: skip


@guard("view")
async def audit_csv(request: Request) -> Response:
    """The entries the audit page's filters select, all of them, as CSV (with each entry's
    hashes, so the copy can be checked against the chain); the export is itself audited."""
    if refused := unscoped_only(request.state.user):
        return error_page(request, 403, refused)
    zone = request.app.state.settings.time_zone
    asked = audit_query(request.query_params, zone)
    if asked.problem:
        return error_page(request, 400, f"The {asked.problem[0]} date: {asked.problem[1]}.")
    with open_store(request) as store:
        entries = store.audit_matching(asked.only)
        words, _ = _audit_words(store, entries, request.app.state.settings)
        store.audit(
            request.state.user.name,
            "audit.exported",
            "export:audit",
            {"format": "csv", "filters": asked.query(), "entries": len(entries)},
        )
    table = Table(
        "audit",
        AUDIT_CSV_HEADER,
        [
            [
                e.id, e.at, local_time(e.at, zone), e.actor, sentence(e, words), e.action,
                e.subject, canonical_json(e.details), e.prev_hash, e.hash,
            ]
            for e in entries
        ],
    )  # fmt: skip
    return Response(
        as_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename("audit", "csv")}"'},
    )


def _audit_words(store: Any, entries: list[Any], settings: Any) -> tuple[Words, dict[str, str]]:
    """What one page of the log names by id, in words: each case's findings, list entries and
    mitigations (``case_words``), each record by its title as the RIS names it; in the site's
    words (``settings.home_country``)."""
    links = settings.links
    words, records = Words(home_country=settings.home_country, time_zone=settings.time_zone), {}
    for subject in dict.fromkeys(e.subject for e in entries):
        kind, _, rest = subject.partition(":")
        if kind == "case" and rest.isdigit() and (case := store.case(int(rest))) is not None:
            remembered = store.subject(case.source_system, case.record_id)
            # an audit line says what was said then: the stored titles
            findings = (stored.finding for stored in store.case_findings(case.id))
            words |= case_words(findings, remembered, store.mitigations(case.id))
        elif kind == "record" and "/" in rest:
            source, record_id = rest.split("/", 1)
            label = describe(store.subject(source, record_id), source, record_id, links)
            if label.title:
                records[subject] = label.title
    return words, records
