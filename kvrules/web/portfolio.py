"""The portfolio: what the institution collaborates on, with whom, and what the committee did
about it. Built from the store only (remembered record subjects, cases, decisions)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from kvrules.config import DEFAULT_HOME_COUNTRY
from kvrules.enrich.currency import ExchangeRates
from kvrules.enrich.funding import FundingShares
from kvrules.jurisdiction import domestic_countries, sovereign_of
from kvrules.period import days_before
from kvrules.plain import screened_in_words
from kvrules.records import RecordLinks
from kvrules.report import (
    CaseRow,
    ClosureRow,
    ListedPartners,
    closures_since,
    critical_cases,
    decisions_since,
    in_severity_order,
    pending_proposals,
)
from kvrules.rulebook.ir import Severity
from kvrules.rulebook.risks import risk_types
from kvrules.store import Case, Store
from kvrules.web.casedata import organisations_of

RISKS = [*(s.value for s in reversed(Severity)), "no finding"]
TOP_COUNTRIES = 15
DEFAULT_PERIOD_DAYS = 90  # the case tables of a report cover the last quarter unless told


def _year(text: str | None) -> str | None:
    return text[:4] if text and len(text) >= 4 and text[:4].isdigit() else None


# (singular, plural) of each kind of record the store remembers (kvrules.records.KINDS)
KIND_WORDS = {
    "project": ("project", "projects"),
    "output": ("research output", "research outputs"),
    "application": ("funding application", "funding applications"),
    "visit": ("visit", "visits"),
    "proposal": ("pre-screened proposal", "pre-screened proposals"),
}


@dataclass
class Portfolio:
    home_country: str | None  # None: not configured, and then no country counts as foreign
    generated_at: datetime
    records: int = 0
    by_kind: Counter = field(default_factory=Counter)  # every kind remembered, for `kinds()`
    # Records a scan could not read (kvrules quarantine): held, and how many of them were
    # never screened at all (no earlier version remembered), so "Records remembered" is not
    # read as the whole portfolio.
    quarantined: int = 0
    quarantined_unscreened: int = 0
    # Kinds of record no scanned source's adapter reads at all (Converis: all but projects),
    # and what each source reads, in words: "not read from this source", never "no data".
    unread_kinds: frozenset[str] = frozenset()
    sources_read: list[str] = field(default_factory=list)
    projects: int = 0
    outputs: int = 0
    # projects with a partner abroad (another country than home) or a foreign funder (as
    # ``funder.foreign`` has it: outside the home country and, for a member, the EU)
    foreign_projects: int = 0
    partner_abroad_projects: int = 0
    foreign_funder_projects: int = 0
    collab_by_year: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # partner country → risk → projects: partners (and participants' institutions) only; an
    # EU funder registered in Brussels is no Belgian partner
    collab_by_country: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # partners whose name reads as a person's (``read_as_person``), left out of the partner
    # countries: their country would in effect be a person's (name → projects, said under the
    # chart)
    read_as_person: Counter = field(default_factory=Counter)
    funder_by_country: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    copub_by_year: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    copub_by_country: Counter = field(default_factory=Counter)
    listed: ListedPartners = field(default_factory=ListedPartners)  # by resolved organisation
    funding: FundingShares = field(default_factory=lambda: FundingShares(DEFAULT_HOME_COUNTRY))
    foreign_cap: float = 0.25  # share of a unit's funding from abroad that calls for attention
    cases_by_year: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    open_by_severity: Counter = field(default_factory=Counter)
    # cases (any status) whose record a complete read no longer found: deleted at the source
    source_gone: list[int] = field(default_factory=list)
    open_by_triage: Counter = field(default_factory=Counter)
    open_by_risk: Counter = field(default_factory=Counter)  # a case counts once per risk type
    decisions: Counter = field(default_factory=Counter)
    decision_days: list[float] = field(default_factory=list)
    mitigations_open: int = 0
    mitigations_overdue: int = 0
    mitigations_done: int = 0
    screened_against: list[str] = field(default_factory=list)
    list_titles: dict[str, str] = field(default_factory=dict)  # list id → its imported title
    audit_head: tuple[int, str] = (0, "")
    # the period the case tables cover: from ``since`` up to, not including, ``until``
    since: datetime | None = None
    until: datetime | None = None
    critical: list[CaseRow] = field(default_factory=list)
    decided: list[CaseRow] = field(default_factory=list)  # decisions taken in the period
    closed: list[ClosureRow] = field(default_factory=list)  # closures in the period, by whom
    pending: list[CaseRow] = field(default_factory=list)  # four-eyes proposals not yet approved

    def screened_in_words(self) -> str | None:
        """The lists and editions the scans screened against, as a scan says it (None before
        a scan with lists)."""
        return (
            screened_in_words(self.screened_against, self.list_titles)
            if self.screened_against
            else None
        )

    def kinds(self) -> list[str]:
        """ "1500 projects", "114 visits", …: every kind remembered, so the parts add up to
        ``records``, most first."""
        return [
            f"{n} {KIND_WORDS.get(kind or '', ('record', 'records'))[n != 1]}"
            for kind, n in self.by_kind.most_common()
        ]

    @property
    def last_moment(self) -> datetime:
        """The period's last moment (``until`` is the start of the day after it), for showing
        its last day."""
        return (self.until or self.generated_at) - timedelta(microseconds=1)

    @property
    def years(self) -> list[str]:
        return sorted(self.collab_by_year)

    @property
    def copub_years(self) -> list[str]:
        return sorted(self.copub_by_year)

    def top_countries(self) -> list[tuple[str, Counter]]:
        """Partner countries with most projects first, projects by risk."""
        return _top(self.collab_by_country)

    def top_funder_countries(self) -> list[tuple[str, Counter]]:
        """Foreign funders' countries with most projects first, projects by risk."""
        return _top(self.funder_by_country)

    def copub_top(self) -> list[str]:
        return [c for c, _ in self.copub_by_country.most_common(8)]

    def open_severities(self) -> list[tuple[str, int]]:
        """Open cases per severity, critical first (never ordered by count)."""
        return in_severity_order(self.open_by_severity)

    def risk_rows(self) -> list[tuple[str, int]]:
        """(risk type label, open cases) in the taxonomy's order, then findings without one."""
        rows = [(t.label, self.open_by_risk[t.id]) for t in risk_types().values()]
        rows += [(k, n) for k, n in self.open_by_risk.items() if k not in risk_types()]
        return rows

    @property
    def median_days_to_decision(self) -> float | None:
        return statistics.median(self.decision_days) if self.decision_days else None

    def funding_rows(self) -> list[tuple[str, str, Decimal, int, float | None, bool]]:
        """(unit, currency, foreign amount, lines, share of the unit's funding, over cap)."""
        rows = []
        for (unit, cur), amount in self.funding.foreign.items():
            share = self.funding.share(unit, cur)
            over = share is not None and share > self.foreign_cap
            rows.append((unit, cur, amount, self.funding.lines[(unit, cur)], share, over))
        return sorted(rows, key=lambda r: (r[1], -r[2]))


def _top(by_country: dict[str, Counter]) -> list[tuple[str, Counter]]:
    ranked = sorted(by_country.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return ranked[:TOP_COUNTRIES]


def _record_risk(cases: list[Case]) -> dict[tuple[str, str], str]:
    return {(c.source_system, c.record_id): c.severity.value for c in cases}


def build(
    store: Store,
    *,
    home_country: str | None = DEFAULT_HOME_COUNTRY,
    today: date | None = None,
    foreign_cap: float = 0.25,
    rates: ExchangeRates | None = None,
    since: datetime | None = None,
    links: RecordLinks | None = None,
    until: datetime | None = None,
) -> Portfolio:
    """The portfolio as the store has it now; the case tables (critical cases, decisions,
    closures) cover ``since`` up to, not including, ``until`` (default: the last
    ``DEFAULT_PERIOD_DAYS`` days, up to now)."""
    today = today or date.today()
    now = datetime.now(UTC)
    until = until if until is not None and until < now else None  # the future: up to now
    since = since or days_before(until or now, DEFAULT_PERIOD_DAYS)
    p = Portfolio(
        home_country=home_country.upper() if home_country else None,
        generated_at=now,
        foreign_cap=foreign_cap,
        funding=FundingShares(home_country, rates),
        since=since,
        until=until,
    )
    cases = store.cases()  # read once: three readings were a third of the report's time
    risk = _record_risk(cases)
    # By record id alone: the quarantine names the configured source ("fau-converis"), the
    # remembered record its system ("converis").
    remembered: set[str] = set()
    for system, record_id, kind, body in store.subjects():
        remembered.add(record_id)
        p.records += 1
        p.by_kind[kind] += 1
        level = risk.get((system, record_id), "no finding")
        if kind == "project" and (project := body.get("project")):
            _project(p, project, level, (system, record_id))
        elif kind == "output" and (output := body.get("output")):
            _output(p, output)
    p.unread_kinds, p.sources_read = _kinds_read(store)
    held = store.quarantined()
    p.quarantined = len(held)
    p.quarantined_unscreened = sum(q.record_id not in remembered for q in held)
    triage = store.triage_colours()
    risks = store.case_risks()  # one query, not one per open case
    p.source_gone = sorted(store.cases_source_gone())
    for case in cases:
        p.cases_by_year[str(case.opened_at.year)][case.severity.value] += 1
        if case.status in ("open", "triaged"):
            p.open_by_severity[case.severity.value] += 1
            p.open_by_triage[triage.get(case.id, "untriaged")] += 1
            p.open_by_risk.update(risks.get(case.id) or {"no risk type named"})
    first: dict[int, datetime] = {}
    for d in store.decisions():
        if not d.in_effect:  # four-eyes: pending or superseded decisions were not taken
            continue
        p.decisions[d.decision] += 1
        first.setdefault(d.case_id, d.effective_at)
    for case_id, at in first.items():
        case = store.case(case_id)
        if case is not None:
            p.decision_days.append((at - case.opened_at).total_seconds() / 86400)
    for m in store.mitigations():
        p.mitigations_open += m.status == "open"
        p.mitigations_done += m.status == "done"
        p.mitigations_overdue += m.overdue(today)
    p.audit_head = store.audit_head()
    p.screened_against, p.list_titles = store.screening()
    p.critical = critical_cases(store, since, links, until, cases=cases)
    p.decided = decisions_since(store, since, links, until)
    p.closed = closures_since(store, since, links, until)
    p.pending = pending_proposals(store, links)
    return p


def _kinds_read(store: Store) -> tuple[frozenset[str], list[str]]:
    """The kinds of record no scanned source reads, and "converis reads projects only" per
    source; nothing is said unread when some source's adapter does not declare its kinds."""
    from kvrules.plugins import get_adapters

    classes = get_adapters()
    read: dict[str, frozenset[str]] = {}
    for source, adapter in sorted(store.source_adapters().items()):
        kinds = getattr(classes.get(adapter), "record_kinds", None)
        if kinds is None:
            return frozenset(), []
        read[source] = kinds
    if not read:
        return frozenset(), []
    every = frozenset(KIND_WORDS) - {"proposal"}  # pre-screens come from people, not a RIS
    unread = every - frozenset().union(*read.values())
    said = [
        f"{source} reads {', '.join(KIND_WORDS[k][1] for k in sorted(kinds))}"
        + (" only" if len(kinds) == 1 else "")
        for source, kinds in read.items()
    ]
    return unread, said


def _foreign_countries(p: Portfolio, orgs: Iterable[dict[str, Any]]) -> set[str]:
    """The countries of ``orgs`` in another state than the home country (a US university's
    partner in Puerto Rico is not abroad). Without a home country none is foreign: which
    collaborations are international is not known, so none is counted as such (the
    institution's own country would otherwise lead the table)."""
    if p.home_country is None:
        return set()
    home = sovereign_of(p.home_country)
    return {o["country"] for o in orgs if o.get("country") and sovereign_of(o["country"]) != home}


def _foreign_funder_countries(p: Portfolio, funders: Iterable[dict[str, Any]]) -> set[str]:
    """The countries of the foreign funders, foreign as ``funder.foreign`` says (outside the
    home country and, for an EU member, the EU: the funding section's sense); recomputed
    where a record kept no verdict. None without a home country."""
    if p.home_country is None:
        return set()
    domestic = domestic_countries(p.home_country)
    return {
        f["country"]
        for f in funders
        if f.get("country")
        and (f["foreign"] if isinstance(f.get("foreign"), bool) else f["country"] not in domestic)
    }


def _project(p: Portfolio, project: dict[str, Any], level: str, record: tuple[str, str]) -> None:
    p.projects += 1
    partners = list(project.get("partners", []))
    for person in project.get("participants", []):
        partners += person.get("affiliations", [])
    funders = project.get("funders", [])
    for org in partners:
        if org.get("read_as_person"):
            p.read_as_person[str(org.get("name") or "?")] += 1
    abroad = _foreign_countries(p, [o for o in partners if not o.get("read_as_person")])
    funded = _foreign_funder_countries(p, funders)
    p.partner_abroad_projects += bool(abroad)
    p.foreign_funder_projects += bool(funded)
    if abroad or funded:
        p.foreign_projects += 1
        p.collab_by_year[_year(project.get("start")) or "unknown"][level] += 1
    for country in abroad:
        p.collab_by_country[country][level] += 1
    for country in funded:
        p.funder_by_country[country][level] += 1
    for org in partners + funders:
        p.listed.add(org, record)
    p.funding.add(project, unitless="(no unit)")  # in full for every unit named on it


def _output(p: Portfolio, output: dict[str, Any]) -> None:
    p.outputs += 1
    countries = _foreign_countries(p, organisations_of({"output": output}))
    year = _year(output.get("published_on")) or "unknown"
    for country in countries:
        p.copub_by_year[year][country] += 1
        p.copub_by_country[country] += 1
