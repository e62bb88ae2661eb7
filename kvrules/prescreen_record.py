"""A pre-screen as a document for the grant file: ``kvrules check --output FILE.md`` and the web
result page's "download as Markdown" write the same text.

It says what was screened (title, topic, partners, funders, a visit), when (in the configured
time zone) and under which reference, against which lists and editions ("not found in …", never
"safe"), every finding with its evidence in words and its source, and the kvrules, rulebook and
country-profile versions the answer rests on. It is built from the stored answer
(``Screening.as_dict``), the proposal and the screened events, so a pre-screen kept in the
database gives the same document later as on the day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from kvrules.findings import Finding
from kvrules.plain import area_in_words, areas_said, for_home, money, said
from kvrules.report import md_code, md_text
from kvrules.timezone import local_time

NOT_SAFE_SENTENCE = (
    "Not on a list means not found in these editions — not that a partner is safe. "
    "Send it to the committee when in doubt."
)


def organisation_line(org: Mapping[str, Any], home_country: str | None = None) -> str:
    """ "Beihang University (CN), ROR 00wk2mp56, €400,000": an organisation as described, its
    amount written by the one formatter of amounts (``kvrules.plain.money``) and read for
    ``home_country`` (``for_home``: "USD 2,000,000" where "$" is also the home currency's
    sign), as the evidence writes it."""
    text = str(org.get("name", ""))
    if org.get("country"):
        text += f" ({org['country']})"
    if org.get("ror"):
        text += f", ROR {org['ror']}"
    if org.get("role"):
        text += f", {org['role']}"
    if org.get("amount") not in (None, ""):
        currency = org.get("currency")
        amount = for_home(money(org["amount"], currency), home_country)
        text += f", {amount}" if currency else f", amount {amount} (no currency)"
    if org.get("programme"):
        text += f", programme {org['programme']}"
    if org.get("source"):  # read from a file: which, and its row
        text += f" [{org['source']}]"
    return text


def screened_lines(
    proposal: Mapping[str, Any], home_country: str | None = None
) -> list[tuple[str, str]]:
    """(label, text) for each part of the proposal that was screened, as it was described
    (its amounts as an institution in ``home_country`` reads them, as the evidence)."""
    lines: list[tuple[str, str]] = [("Topic", str(proposal.get("topic") or "none given"))]
    if proposal.get("keywords"):
        lines.append(("Keywords", ", ".join(map(str, proposal["keywords"]))))
    if proposal.get("units"):
        lines.append(("Units", "; ".join(map(str, proposal["units"]))))
    for key, label in (("partners", "Partners"), ("funders", "Funders")):
        orgs = proposal.get(key) or []
        said_ = "; ".join(organisation_line(o, home_country) for o in orgs) if orgs else "none"
        lines.append((f"{label} ({len(orgs)})", said_))
    if visit := proposal.get("visit"):
        home = organisation_line(visit.get("home_institution") or {})
        host = f", hosted by {visit['host_unit']}" if visit.get("host_unit") else ""
        lines.append(("Visit", f"from {home}{host}"))
    return lines


def areas_in_words(events: Sequence[Mapping[str, Any]], home: str | None) -> list[str]:
    """The sensitive research areas with the words that put them there, from the events."""
    found: dict[str, None] = {}
    for event in events:
        for key in ("project", "visit"):
            subject = event.get(key) or {}
            words = subject.get("area_words") or {}
            for area in sorted(subject.get("sensitive_areas") or []):
                found[area_in_words(area, words.get(area), home)] = None
    return list(found)


def evidence_in_words(
    finding: Finding, events: Sequence[Mapping[str, Any]], home: str | None
) -> list[str]:
    record = next((e for e in events if e.get("id") == finding.event_id), None)
    return [for_home(s, home) for s in said(finding.evidence, record)]


# The first release whose pre-screens record the kvrules and rulebook versions they were
# screened with (``screened_with``); one stored before it has none to show.
VERSIONS_RECORDED_SINCE = "0.2.0"


def screened_with(answer: Mapping[str, Any]) -> list[str]:
    """The versions the answer rests on: kvrules, each rulebook, the lists and the profiles.
    A pre-screen stored by an earlier release has no versions: said so, not left out (the
    grant file must not read as if none were used)."""
    versions = answer.get("screened_with")
    words = answer.get("in_words") or {}
    lines = []
    if versions is None:
        lines.append(
            "kvrules and rulebook versions: not recorded (made before kvrules "
            f"{VERSIONS_RECORDED_SINCE})"
        )
        versions = {}
    if versions.get("kvrules"):
        lines.append(f"kvrules {versions['kvrules']}")
    if versions.get("rulebooks"):
        lines.append("rulebooks: " + ", ".join(versions["rulebooks"]))
    lines.append("organisation lists: " + ("; ".join(words.get("lists") or []) or "none"))
    if words.get("countries"):
        lines.append("countries checked against: " + "; ".join(words["countries"]))
    return lines


def prescreen_markdown(
    proposal: Mapping[str, Any],
    answer: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    *,
    at: datetime,
    tz: tzinfo,
    home_country: str | None = None,
) -> str:
    """The pre-screen in Markdown, for the grant file."""
    title = str(proposal.get("title") or "Proposed collaboration")
    triage = answer["triage"]
    headline = triage.get("headline") or str(triage["colour"]).upper()
    words = answer.get("in_words") or {}
    lines = [
        f"# Pre-screen: {md_text(title)}",
        "",
        f"- Date: {local_time(at, tz)}",
        f"- Reference: {md_code(str(answer['reference']))}",
        f"- Result: **{headline}** — {md_text(str(triage['reason']))}",
        "",
        "## What was screened",
        "",
    ]
    described = screened_lines(proposal, home_country)
    lines += [f"- {label}: {md_text(text)}" for label, text in described]
    areas = areas_in_words(events, home_country)
    # a pre-screen stored before areas_not_screened existed has none
    unscreened = answer.get("areas_not_screened") or []
    vocabulary = str(answer.get("area_vocabulary") or "")  # none stored before 0.5
    said = areas_said(areas, unscreened, vocabulary)
    lines += ["", f"Sensitive research areas: {md_text(said)}", ""]
    findings = [Finding.from_dict(f) for f in answer.get("findings") or []]
    lines += [f"## Findings ({len(findings)})", ""]
    if not findings:
        lines += [md_text(f"No findings: {triage['reason']}."), ""]
    for f in findings:
        lines.append(f"### {md_text(f.rule_title)} ({f.severity.value})")
        lines.append("")
        if f.risks:
            lines.append(f"- Risk: {md_text('; '.join(f.risk_labels))}")
        lines.append(f"- Why it matters: {md_text(f.rationale.strip())}")
        lines += [f"- Evidence: {md_text(s)}" for s in evidence_in_words(f, events, home_country)]
        lines.append(f"- Source: {md_text(f.citation.cite)}")
        lines.append(f"- Rule: {md_code(f'{f.rulebook.id} {f.rulebook.version}/{f.rule_id}')}")
        lines.append("")
    for line in words.get("not_compared") or []:  # beside the findings, as a scan says it
        lines += [md_text(line), ""]
    lines += ["## The lists", ""]
    lines += [f"- {md_text(line)}" for line in words.get("one_organisation") or []]
    for key in ("found", "set_aside", "countries_taken", "not_found", "unidentified"):
        lines += [f"- {md_text(line)}" for line in words.get(key) or []]
    lines += [f"- {md_text(line)}" for line in words.get("read_as_person") or []]
    lines += [f"- {md_text(line)}" for line in words.get("not_checked") or []]
    lines += [f"- {md_text(line)}" for line in words.get("lists_not_imported") or []]
    lines += ["", md_text(NOT_SAFE_SENTENCE), ""]
    for note in answer.get("notes") or []:
        lines += [f"Note: {md_text(note)}", ""]
    lines += ["## Screened with", ""]
    lines += [f"- {md_text(line)}" for line in screened_with(answer)]
    return "\n".join(lines) + "\n"
