"""A plain-text (Markdown) findings report from the store: open cases, most severe first, each
named as the RIS names it (title, unit, principal investigator, partners, link to the record)
and its evidence in words; the technical form of each finding in a section at the end."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from kvrules.case_notes import one_organisation_of, read_as_persons_of, source_gone_in_words
from kvrules.plain import count_of, list_label, listed_as, screened_in_words
from kvrules.private import write_private
from kvrules.records import RecordLabel, RecordLinks, describe
from kvrules.rulebook.ir import Severity
from kvrules.ruletitles import RuleTitles, titled_stored
from kvrules.store import Case, Store
from kvrules.store.committee import Decision
from kvrules.timezone import local_date, local_time, zone

MARKDOWN_CASES = 50  # open cases a Markdown report lists unless asked for all


def markdown_report(
    store: Store,
    *,
    title: str = "kvrules findings",
    limit: int | None = MARKDOWN_CASES,
    links: RecordLinks | None = None,
    time_zone: tzinfo | None = None,
    now: datetime | None = None,
    home_country: str | None = None,
    rule_titles: RuleTitles | None = None,
) -> str:
    """The open cases as of ``now`` (default: now), most severe first, at most ``limit``
    (None: all), dated in ``time_zone`` (default: the server's), in the words an institution
    in ``home_country`` reads (``kvrules.plain.for_home``, as ``check`` says them)."""
    tz = time_zone or zone()
    cases = sorted(store.cases("open"), key=lambda c: (-c.severity.rank, c.opened_at, c.id))
    by_severity = Counter(c.severity for c in cases)
    screened, titles = store.screening()
    lines = [f"# {title}", ""]
    lines.append(f"Generated {local_time(now or datetime.now(UTC), tz)}.")
    lines.append("")
    if not screened and not store.cases() and next(iter(store.subjects()), None) is None:
        lines.append(
            "Nothing has been screened yet: no scan has recorded a result in this store "
            "(`kvrules scan` screens the RIS)."
        )
        return "\n".join(lines) + "\n"
    oldest = (
        f" (the oldest opened {local_date(min(c.opened_at for c in cases), tz)})" if cases else ""
    )
    lines.append(
        "Open cases as of then, whenever opened: "
        + (
            ", ".join(f"{by_severity[s]} {s.value}" for s in reversed(Severity) if by_severity[s])
            or "none"
        )
        + oldest
    )
    gone = store.cases_source_gone()
    if gone:  # a case whose record is deleted at the source: counted, and each named
        lines += [
            "",
            f"Records deleted at the source: {count_of(len(gone), 'case')} whose record a full "
            "read no longer found (deleted there, or hidden from kvrules' account): "
            + ", ".join(f"case {c}" for c in sorted(gone)),
        ]
    if screened:  # what "not on a list" means here: not found in these editions
        lines += ["", md_text(screened_in_words(screened, titles))]
    lines.append("")
    technical: list[str] = []  # rule ids, paths and tests: at the end, for rulebook maintainers
    for case in cases if limit is None else cases[:limit]:
        subject = store.subject(case.source_system, case.record_id)
        label = describe(subject, case.source_system, case.record_id, links)
        lines.append(f"## Case {case.id} ({case.severity.value}): {md_text(label.heading)}")
        lines.append("")
        if case.id in gone:
            lines += [f"**{md_text(source_gone_in_words(gone[case.id]))}.**", ""]
        for what, value in (
            ("Unit", label.unit_list()),
            ("Lead", label.lead),
            ("Partners", label.partner_list()),
        ):
            if value:
                lines.append(f"- {what}: {md_text(value)}")
        if label.url:  # the source system's own id waits in the technical detail
            lines.append(f"- In the RIS: [open the record](<{label.url}>)")
        notes = read_as_persons_of(subject) + one_organisation_of(subject, titles)
        lines += [f"- {md_text(line)}" for line in notes]
        lines.append("")
        for stored in titled_stored(store.case_findings(case.id), rule_titles):
            f = stored.finding
            lines.append(f"- **{md_text(f.rule_title)}** ({Severity(f.severity).value})")
            if f.risks:
                lines.append(f"  - risk: {md_text('; '.join(f.risk_labels))}")
            lines.append(f"  - why it matters: {md_text(f.rationale)}")
            lines.append(f"  - source: {md_text(f.citation.cite)}")
            lines += [
                f"  - evidence: {md_text(sentence)}"
                for sentence in stored.in_words(subject, home_country)
            ]
            lines += [
                f"  - since it was found: {md_text(lapse)}" for lapse in stored.lapse_in_words()
            ]
            technical.append(
                f"- Case {case.id}, {md_text(f.rule_title)}: rule "
                f"`{f.rulebook.id} v{f.rulebook.version}/{f.rule_id}`, "
                f"event `{f.event_kind}`, record `{f.source_system} {f.source_record_id}`"
            )
            technical += [f"  - {md_code(str(e))}" for e in f.evidence]
        lines.append("")
    if limit is not None and len(cases) > limit:
        lines.append(
            f"… and {len(cases) - limit} more open cases, not listed here: `kvrules report "
            "--out FILE.md --all-cases` lists every one (`kvrules findings`: one line each)."
        )
        lines.append("")
    if technical:
        lines += ["## Technical detail", "", "Each finding as the engine saw it.", ""]
        lines += technical
    return "\n".join(lines) + "\n"


def md_code(text: str) -> str:
    """Text as Markdown code, on one line (a blank line would end the code and let the rest be
    markup): a fence longer than any run of backticks inside it."""
    text = _MD_LINE_BREAKS.sub(" ", text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# Line breaks Markdown or a reader may honour (CR, LF, VT, FF, NEL, the Unicode separators):
# RIS text is one line wherever Markdown is written, or a title could start its own bullet.
_MD_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
_MD_INLINE = frozenset("\\`*_[]<>#|~&")  # markup anywhere: emphasis, code, links, HTML, tables
# Markup only at the start of a line (a list item, a heading underline, a quote, a numbered item)
_MD_LINE_START = re.compile(r"([-+=>]|\d{1,9}(?=[.)]))")


def md_text(text: str) -> str:
    """RIS text in Markdown, on one line and never markup: a title with '*', '<' or a line break
    followed by '- Result: GREEN' must not turn into emphasis, HTML or a forged list item. Every
    place that writes RIS text into Markdown (heading, list item, table cell, paragraph) uses
    this, so the text may start a line safely too."""
    flat = _MD_LINE_BREAKS.sub(" ", text).strip()
    escaped = "".join("\\" + c if c in _MD_INLINE else c for c in flat)
    start = _MD_LINE_START.match(escaped)
    if start is None:
        return escaped
    if start.group()[0].isdigit():  # "2024. A year" is a numbered item: escape the full stop
        end = start.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


def write_markdown_report(store: Store, path: Path, **kwargs) -> Path:
    # case details, people's names: the owner's only, as the store is
    return write_private(path, markdown_report(store, **kwargs))


# -- the board report's tables (rendered by kvrules.web.portfolio, `kvrules report`) --------

SEVERITY_ORDER = [s.value for s in reversed(Severity)]  # critical first, whatever the counts


def in_severity_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """(severity, count) from critical to info, those with a count only."""
    return [(s, counts[s]) for s in SEVERITY_ORDER if counts.get(s)]


@dataclass
class ListedOrganisation:
    """One organisation on reference lists, however the RIS spells it: grouped by the ROR
    organisation or the list entry its spellings resolve to."""

    registry_name: str | None  # as the registry (ROR) names it, when a match said so
    country: str
    ror_id: str | None = None
    # list id → edition → the entry's names as the list spells them
    listed: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # list id → its title in the store
    # as the RIS writes it → the records that write it so
    spellings: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    records: set[tuple[str, str]] = field(default_factory=set)

    @property
    def name(self) -> str:
        """As the registry names it, else as the RIS writes it most often: never by a list's
        spelling (the 1286 list's "Xi'an Jiatong University" is not how anyone names it)."""
        return self.registry_name or self.spelled()[0][0]

    def spelled(self) -> list[tuple[str, int]]:
        """(spelling, records) most used first."""
        return sorted(((s, len(r)) for s, r in self.spellings.items()), key=lambda x: -x[1])

    def lists_in_words(self) -> list[str]:
        """ "US DoD Section 1286 list (FY25), listed as “Xi'an Jiatong University”", by list."""
        said = []

        def label(list_id: str) -> str:
            return list_label(list_id, self.titles.get(list_id))

        for list_id in sorted(self.listed, key=lambda i: label(i).casefold()):
            for edition, names in sorted(self.listed[list_id].items()):
                where = f"{label(list_id)} ({edition})" if edition else label(list_id)
                spelt = ", ".join(listed_as(n) for n in sorted(names))
                said.append(f"{where}, {spelt}" if spelt else where)
        return said


@dataclass
class ListedPartners:
    """Partners and funders on reference lists across the remembered records."""

    by_key: dict[str, ListedOrganisation] = field(default_factory=dict)

    def add(self, org: Mapping[str, Any], record: tuple[str, str]) -> None:
        if not org.get("lists"):
            return
        key, registry_name, ror_id = _resolved(org)
        entry = self.by_key.setdefault(
            key, ListedOrganisation(registry_name, org.get("country") or "", ror_id)
        )
        for list_id in org["lists"]:
            entry.listed.setdefault(list_id, {})
        for m in org.get("screening") or []:
            if not m.get("candidate") and m.get("list") in org["lists"]:
                names = entry.listed[m["list"]].setdefault(m.get("edition") or "", set())
                if m.get("title"):
                    entry.titles[m["list"]] = m["title"]
                if m.get("name"):
                    names.add(m["name"])
        for editions in entry.listed.values():
            if not editions:  # on the list, but no screening says which edition or entry
                editions[""] = set()
        entry.spellings.setdefault(org.get("name") or "?", set()).add(record)
        entry.records.add(record)

    def rows(self) -> list[ListedOrganisation]:
        """Most records first, then by name."""
        return sorted(self.by_key.values(), key=lambda o: (-len(o.records), o.name.casefold()))


def _resolved(org: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    """(grouping key, the registry's name when a match gives it, ROR id): the ROR organisation
    a confident match names, else the list entry, else the spelling itself (folded: case and
    spaces do not split)."""
    confident = [m for m in org.get("screening") or [] if not m.get("candidate")]
    for m in confident:
        if m.get("ror_id"):
            registry = next(
                (
                    r
                    for r in confident
                    if r.get("kind") == "registry" and r.get("entry") == m["ror_id"]
                ),
                None,
            )
            return f"ror:{m['ror_id']}", registry and registry.get("name"), m["ror_id"]
    listed = sorted(
        (m for m in confident if m.get("list") in org["lists"]), key=lambda m: m["list"]
    )
    if listed:
        return f"{listed[0]['list']}:{listed[0]['entry']}", None, None
    name = " ".join(str(org.get("name") or "?").split())
    return f"name:{name.casefold()}|{org.get('country') or ''}", None, None


@dataclass
class CaseRow:
    case_id: int
    record: RecordLabel
    severity: str
    status: str
    opened_at: datetime
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None  # when it took effect (four-eyes: the approval)
    rationale: str | None = None
    approved_by: str | None = None  # four-eyes: the second member, who put it into effect
    proposed_at: datetime | None = None  # when ``decided_by`` proposed it
    # why that approval deserves a look: the approver's account was made shortly before by
    # the proposer, or by whoever made the proposer's (kvrules.store.account_origins)
    approval_concern: str | None = None


def critical_cases(
    store: Store,
    since: datetime,
    links: RecordLinks | None = None,
    until: datetime | None = None,
    *,
    cases: list[Case] | None = None,
) -> list[CaseRow]:
    """Critical cases still open, and those opened or decided in the period (``since`` up to,
    not including, ``until``; open-ended without it), newest first, each with its latest
    decision in effect (a four-eyes proposal is not one until approved). ``cases``: every
    case, when the caller has read them already (``store.cases()``)."""
    # ordered by id: the last one wins
    latest = {d.case_id: d for d in store.decisions() if d.in_effect}
    rows = []
    for case in store.cases() if cases is None else cases:
        if case.severity is not Severity.CRITICAL:
            continue
        recent = _within(case.opened_at, since, until) or _within(
            case.decided_at or case.opened_at, since, until
        )
        if case.status not in ("open", "triaged") and not recent:
            continue
        rows.append(_case_row(store, case, links, latest.get(case.id)))
    return sorted(rows, key=lambda r: r.opened_at, reverse=True)


def _case_row(
    store: Store,
    case: Case,
    links: RecordLinks | None,
    d: Decision | None,
    concern: str | None = None,
) -> CaseRow:
    """A case's row: its record described, the decision ``d`` on it if any, and why its
    approval deserves a look (``concern``)."""
    label = describe(
        store.subject(case.source_system, case.record_id), case.source_system, case.record_id, links
    )
    return CaseRow(
        case.id,
        label,
        case.severity.value,
        case.status,
        case.opened_at,
        *(_decided(d) if d else ()),
        approval_concern=concern,
    )


def _decided(d: Decision) -> tuple:
    """A decision's CaseRow fields: outcome, proposer, when it took effect, rationale,
    approver, when proposed."""
    return (d.decision, d.actor, d.effective_at, d.rationale, d.approved_by, d.at)


def _decision_rows(
    store: Store, decisions: Iterable[Decision], links: RecordLinks | None
) -> list[CaseRow]:
    rows = []
    concerns = store.approval_concerns()
    for d in decisions:
        if (case := store.case(d.case_id)) is None:
            continue
        rows.append(_case_row(store, case, links, d, concerns.get(d.id)))
    return rows


def _within(moment: datetime, since: datetime, until: datetime | None) -> bool:
    return moment >= since and (until is None or moment < until)


def decisions_since(
    store: Store,
    since: datetime,
    links: RecordLinks | None = None,
    until: datetime | None = None,
) -> list[CaseRow]:
    """Every committee decision that took effect since ``since``, oldest first, on the case
    it decided, up to (not including) ``until`` when given: made without four-eyes, or
    approved by the second member (then dated by the approval). Pending and superseded
    proposals were not taken: ``pending_proposals``."""
    taken = (d for d in store.decisions() if d.in_effect and _within(d.effective_at, since, until))
    return sorted(_decision_rows(store, taken, links), key=lambda r: r.decided_at or r.opened_at)


def pending_proposals(store: Store, links: RecordLinks | None = None) -> list[CaseRow]:
    """Four-eyes proposals still waiting for their second approval, oldest first: not in
    effect, whatever they propose (``decided_at`` is the proposal's moment)."""
    return _decision_rows(store, (d for d in store.decisions() if d.pending), links)


@dataclass
class ClosureRow:
    """A case closed in the period: by whom, when, and on what basis."""

    case_id: int
    record: RecordLabel
    severity: str
    closed_at: datetime
    closed_by: str
    basis: str  # "decision in effect: reject", "no decision needed (low, …)"


def closures_since(
    store: Store,
    since: datetime,
    links: RecordLinks | None = None,
    until: datetime | None = None,
) -> list[ClosureRow]:
    """Every closure of a case since ``since``, oldest first, as the audit log records it
    (a case closed, reopened and closed again shows twice: the board sees each)."""
    rows = []
    for e in store.audit_entries_of_action("case.closed"):
        if not e.subject.startswith("case:"):
            continue
        at = datetime.fromisoformat(e.at.replace("Z", "+00:00"))
        if not _within(at, since, until) or (case := store.case(int(e.subject[5:]))) is None:
            continue
        label = describe(
            store.subject(case.source_system, case.record_id),
            case.source_system,
            case.record_id,
            links,
        )
        basis = e.details.get("basis") or "not recorded (closed before closures said why)"
        rows.append(ClosureRow(case.id, label, case.severity.value, at, e.actor, basis))
    return rows
