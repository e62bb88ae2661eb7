"""View models of cases: the list rows (with what the filters need) and the case page
(evidence resolved to the organisation it is about, with that organisation's list matches)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from kvrules.enrich.organisations import names_a_person
from kvrules.plain import (
    PERSON_NAMED,
    country_not_screened,
    for_home,
    in_words,
    not_identified_in,
    read_as_person,
    said,
    signal_technical,
)
from kvrules.records import describe, organisations_of
from kvrules.rulebook.ir import Severity
from kvrules.store import Case, Store
from kvrules.store.cases import CASE_STATUSES
from kvrules.store.casesearch import PENDING_APPROVAL, CaseQuery

_STEP = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")


@dataclass
class CaseRow:
    case: Case
    title: str
    kind: str
    units: list[str]
    countries: list[str]
    rulebooks: list[str]
    triage: str | None
    risks: list[str] = field(default_factory=list)  # risk type ids (kvrules.rulebook.risks)
    assignee: str | None = None
    pending: str | None = None  # a decision waiting for its second approver
    subject: dict[str, Any] | None = None  # the record as the store remembers it
    # when a complete read no longer found the record (deleted at the source): its date
    source_gone: str | None = None

    @property
    def age_days(self) -> int:
        return (datetime.now(UTC) - self.case.opened_at).days


def whole_number(text: str) -> int | None:
    """A query parameter as a number of at most 9 digits, else None. str.isdigit() alone also
    holds for '²' and for thousands of digits, which int() refuses (the page answered 500)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


@dataclass
class Filters:
    """The list's search box and filters, as the query string carries them (and back, for the
    pager's and the export's links)."""

    q: str = ""
    severity: str = ""
    status: str = ""
    triage: str = ""
    unit: str = ""
    country: str = ""
    rulebook: str = ""
    risk: str = ""
    route: str = ""
    assignee: str = ""
    min_age: int | None = None  # open for at least this many days

    @classmethod
    def from_query(cls, q: Any) -> Filters:
        age = q.get("min_age", "")
        return cls(
            q=" ".join(q.get("q", "").split())[:200],
            severity=q.get("severity", "") if q.get("severity") in _SEVERITIES else "",
            # "all", as `kvrules cases --status all` spells any status: no status filter
            status="" if q.get("status", "") == ANY_STATUS else q.get("status", ""),
            triage=q.get("triage", ""),
            unit=q.get("unit", "").strip(),
            country=q.get("country", "").strip().upper(),
            rulebook=q.get("rulebook", "").strip(),
            risk=q.get("risk", "").strip(),
            route=q.get("route", "").strip(),
            assignee=q.get("assignee", "").strip(),
            min_age=whole_number(age),
        )

    def query(self, page: int | None = None) -> str:
        """The list URL's query for these filters (on ``page``, for the pager's links)."""
        values = {k: v for k, v in self.__dict__.items() if v not in ("", None)}
        return urlencode({**values, "page": page} if page is not None else values)

    def case_query(self, now: datetime, scope: tuple[str, ...] | None) -> CaseQuery:
        """The store's query for these filters, within the account's units (``scope``:
        ``kvrules.web.scope.scope``; None for every unit)."""
        return CaseQuery(
            scope=scope,
            text=self.q,
            severity_rank=Severity(self.severity).rank if self.severity else None,
            status=self.status,
            triage=self.triage,
            unit=self.unit,
            country=self.country,
            rulebook=self.rulebook,
            risk=self.risk,
            route=self.route,
            assignee=self.assignee,
            opened_before=now - timedelta(days=self.min_age) if self.min_age is not None else None,
        )


_SEVERITIES = {s.value for s in Severity}
ANY_STATUS = "all"
STATUS_FILTERS = (ANY_STATUS, *CASE_STATUSES, PENDING_APPROVAL)


def unknown_status(q: Any) -> str | None:
    """One line refusing a status filter no case can have (``/cases.csv?status=any`` would
    otherwise be an empty file that reads as "no such cases"); None when it is known."""
    status = q.get("status", "")
    if status in ("", *STATUS_FILTERS):
        return None
    return f"Unknown status {status[:40]!r}: filter by one of {', '.join(STATUS_FILTERS)}."


def subject_title(subject: dict[str, Any] | None, case: Case) -> tuple[str, str]:
    """The case's heading and the kind of record it is about (application, project …)."""
    label = describe(subject, case.source_system, case.record_id)
    return label.heading, label.kind or "record"


def case_rows(store: Store, case_ids: list[int]) -> list[CaseRow]:
    """The list rows of these cases, in the given order (a page: its cases and their records
    are read in one statement each, not one by one)."""
    rulebooks = store.case_rulebooks(case_ids)
    risks = store.case_risks(case_ids)
    triage = store.triage_colours()
    assignees = store.case_assignees()
    pending = store.pending_decisions()
    cases = store.cases_by_id(case_ids)
    gone = store.cases_source_gone()
    subjects = store.case_subjects(case_ids)
    rows = []
    for case_id in case_ids:
        case = cases.get(case_id)
        if case is None:
            continue
        subject = subjects.get(case_id)
        title, kind = subject_title(subject, case)
        holder = (subject or {}).get("project") or {}
        countries = sorted(
            {o["country"] for o in organisations_of(subject or {}) if o.get("country")}
        )
        rows.append(
            CaseRow(
                case=case,
                title=title,
                kind=kind,
                units=list(holder.get("units", [])),
                countries=countries,
                rulebooks=sorted(rulebooks.get(case.id, ())),
                triage=triage.get(case.id),
                risks=sorted(risks.get(case.id, ())),
                assignee=assignees.get(case.id),
                pending=pending[case.id].decision if case.id in pending else None,
                subject=subject,
                source_gone=str(gone[case.id].get("at") or "?")[:10] if case.id in gone else None,
            )
        )
    return rows


def resolve(subject: dict[str, Any] | None, path: str) -> dict[str, Any] | None:
    """The organisation an evidence path is about (``project.partners[1].lists`` → that
    partner), or None when the path is not about one or the subject is not remembered."""
    if not subject:
        return None
    node: Any = subject
    steps = _STEP.findall(path)
    if steps and steps[0][0] not in subject and "project" in subject:
        node = subject["project"]  # paths relative to the project
    found = None
    for name, index in steps:
        if not isinstance(node, dict) or name not in node:
            break
        node = node[name]
        if index:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        if isinstance(node, dict) and "name" in node:
            found = node
    return found


@dataclass
class EvidenceView:
    path: str
    test: str
    actual: Any
    organisation: dict[str, Any] | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)
    sentence: str = ""  # in plain language; path, test and value are the technical detail
    # where a country signal comes from (profile file, version, citation): technical detail
    provenance: str | None = None
    # evidence this sentence also says ("is in GB" beside "is outside the EU (GB)"): shown in
    # its technical detail only
    also: list[EvidenceView] = field(default_factory=list)


def evidence_views(
    subject: dict[str, Any] | None,
    evidence: list,
    listed: list[dict[str, Any]] | None = None,
    home_country: str | None = None,
) -> list[EvidenceView]:
    """One view per thing said (``kvrules.plain.said``); evidence that says nothing more is
    folded into the technical detail of the view about the same element (or the same words).
    ``listed``: the list entries a stored finding rests on, as found (shown instead of the
    record's screening today)."""
    views: list[EvidenceView] = []
    # in the words of an institution in ``home_country``, as `check` and `show` say them
    said_once = {for_home(s, home_country) for s in said(evidence, subject, listed)}
    by_sentence: dict[str, EvidenceView] = {}
    folded: list[EvidenceView] = []
    for i, e in enumerate(evidence):
        org = resolve(subject, e.path)
        entries = None if listed is None else [m for m in listed if m.get("evidence") == i]
        view = EvidenceView(
            e.path,
            e.test,
            e.actual,
            org,
            sentence=for_home(in_words(e, subject, entries), home_country),
            provenance=signal_technical(e, subject),
        )
        if entries is not None and org:
            view.matches = entries
        elif org and e.path.rsplit(".", 1)[-1] in ("lists", "candidate_lists"):
            named = set(e.actual) if isinstance(e.actual, list) else set()
            view.matches = [m for m in org.get("screening", []) if not named or m["list"] in named]
        if view.sentence in said_once and view.sentence not in by_sentence:
            by_sentence[view.sentence] = view
            views.append(view)
        else:
            folded.append(view)
    for view in folded:
        owner = view.path.rsplit(".", 1)[0]
        host = by_sentence.get(view.sentence) or next(
            (v for v in views if v.path.rsplit(".", 1)[0] == owner), None
        )
        if host is None:  # nothing else is about it: it keeps its own line
            views.append(view)
        else:
            host.also.append(view)
    return views


def parse_date(text: str | None) -> date | None:
    text = (text or "").strip()
    return date.fromisoformat(text) if text else None


# How people call the identifier schemes adapters report (lower-cased; Pure's idSource
# names, Converis' fields); others are shown as the source spells them.
_SCHEMES = {
    "ror": "ROR",
    "grid": "GRID",
    "isni": "ISNI",
    "fundref": "Crossref Funder ID",
    "scopus": "Scopus affiliation",
    "scopusaffiliationid": "Scopus affiliation",
    "scopus_affiliation_id": "Scopus affiliation",
    "wikidata": "Wikidata",
    "lei": "LEI",
}


@dataclass(frozen=True)
class IdentifierView:
    label: str
    value: str
    url: str | None = None  # only for schemes whose registry page is known


def identifier_views(org: dict[str, Any]) -> list[IdentifierView]:
    """An organisation's other identifiers (ROR, Scopus affiliation id …) for the case page."""
    views = []
    for ident in org.get("identifiers") or []:
        scheme, value = str(ident.get("scheme", "")), str(ident.get("value", ""))
        if not value:
            continue
        label = _SCHEMES.get(scheme.lower(), scheme)
        if scheme == "ror":
            bare = value.rstrip("/").rsplit("/", 1)[-1]
            views.append(IdentifierView(label, bare, f"https://ror.org/{quote(bare)}"))
        else:
            views.append(IdentifierView(label, value))
    return views


def set_apart_in_words(org: dict[str, Any]) -> str | None:
    """Why an organisation of a case shows no country although the source gave one (its
    ``country_set_apart``), in the words the scan and pre-screening use: "IR given: not
    identified as an organisation in the lists or the organisation registry, so its country
    alone is not screened (it would be a person's)". None for any other organisation."""
    country = org.get("country_set_apart")
    if not country:
        return None
    why = PERSON_NAMED if names_a_person(str(org.get("name") or "")) else not_identified_in()
    return f"{country} given: {why}, so {country_not_screened()}"


def read_as_person_in_words(org: dict[str, Any]) -> str | None:
    """For a partner named like a person that kept its country only because the registry is
    partial (``read_as_person``, set by enrichment), the sentence the scan and pre-screening
    say of it (``kvrules.plain.read_as_person``). None for any other organisation."""
    if not org.get("read_as_person"):
        return None
    said = read_as_person(str(org.get("name") or ""))
    return said[0].upper() + said[1:] + "."
