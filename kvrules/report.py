"""A plain-text (Markdown) findings report from the store: open cases, most severe first, each
named as the RIS names it (title, unit, principal investigator, partners, link to the record)
and its evidence in words, the technical form beside it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kvrules.records import RecordLinks, describe
from kvrules.rulebook.ir import Severity
from kvrules.store import Store


def markdown_report(
    store: Store,
    *,
    title: str = "kvrules findings",
    limit: int = 50,
    links: RecordLinks | None = None,
) -> str:
    cases = sorted(store.cases("open"), key=lambda c: (-c.severity.rank, c.opened_at, c.id))
    by_severity = Counter(c.severity for c in cases)
    lines = [f"# {title}", ""]
    lines.append(
        "Open cases: "
        + (
            ", ".join(f"{by_severity[s]} {s.value}" for s in reversed(Severity) if by_severity[s])
            or "none"
        )
    )
    lines.append("")
    for case in cases[:limit]:
        subject = store.subject(case.source_system, case.record_id)
        label = describe(subject, case.source_system, case.record_id, links)
        lines.append(f"## Case {case.id} ({case.severity.value}): {_md(label.heading)}")
        lines.append("")
        for what, value in (
            ("Unit", ", ".join(label.units)),
            ("Lead", label.lead),
            ("Partners", label.partner_list()),
        ):
            if value:
                lines.append(f"- {what}: {_md(value)}")
        ris = f" — [open in the RIS](<{label.url}>)" if label.url else ""
        lines.append(f"- Record: {_md(label.reference)}{ris}")
        lines.append("")
        for stored in store.case_findings(case.id):
            f = stored.finding
            lines.append(
                f"- **{f.rule_title}** ({f.rulebook.id} v{f.rulebook.version}, "
                f"{Severity(f.severity).value})"
            )
            if f.risks:
                lines.append(f"  - risk: {'; '.join(f.risk_labels)}")
            lines.append(f"  - why it matters: {f.rationale}")
            lines.append(f"  - source: {f.citation.cite}")
            for e in f.evidence:
                lines.append(f"  - evidence: {_md(e.in_words(subject))}")
                lines.append(f"    <small>`{e.path}` {e.test} — value `{e.actual!r}`</small>")
        lines.append("")
    if len(cases) > limit:
        lines.append(f"… and {len(cases) - limit} more open cases (`kvrules findings`).")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """RIS text in Markdown: a title with '*' or '<' must not turn into markup."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def write_markdown_report(store: Store, path: Path, **kwargs) -> Path:
    path.write_text(markdown_report(store, **kwargs), encoding="utf-8")
    return path
