"""A case's audit trail as sentences a committee member reads ("committee decided: reject —
“Dual-use lab access.”"), not JSON, in the web app and ``kvrules show``. The entry's own record
(hash-chained) stays in the audit log; an action this module does not know is still shown, in
a neutral sentence. What a sentence leaves out for people — the rule that found a signal, a
list's id — is its ``technical`` detail, one click (web) or ``--technical`` (CLI) away."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kvrules.findings import Finding
from kvrules.plain import count_of, list_label
from kvrules.store import AuditEntry


def _words(value: Any) -> str:
    return str(value).replace("-", " ")


def _quoted(text: Any) -> str:
    return f" — “{text}”" if text else ""


def _decided(d: dict) -> str:
    said = f"decided: {_words(d.get('decision'))}{_quoted(d.get('rationale'))}"
    if d.get("review_due"):
        said += f"; review on {d['review_due']}"
    if d.get("mitigations"):
        said += f"; {len(d['mitigations'])} mitigation(s) set"
    return said


def _proposed(d: dict) -> str:
    return _decided(d).replace("decided:", "proposed the decision", 1) + (
        ", pending a second committee member's approval"
    )


def _triaged(d: dict) -> str:
    return f"triaged the case {d.get('colour')}{_quoted(d.get('note'))}"


def _adjudicated(d: dict) -> str:
    verdict = "is not" if d.get("verdict") == "not-same" else "is"
    return (
        f"recorded that {d.get('organisation')} {verdict} the entry {d.get('entry')} of the "
        f"{list_label(str(d.get('list')))}{_quoted(d.get('reason'))}"
    )


def _found(d: dict, titles: Mapping[str, str]) -> str:
    """ "found a high signal: Partner on the US DoD 1286 list", by the finding's rule title; the
    audit entry keeps the finding's fingerprint and rule id, not its title."""
    severity = str(d.get("severity") or "")
    article = "an" if severity[:1] in tuple("aeiou") else "a"
    found = f"found {article} {severity} signal" if severity else "found a signal"
    title = titles.get(str(d.get("fingerprint")))
    return f"{found}: {title}" if title else found


def _queued(d: dict) -> str:
    """To whom, by the route (the alert target the rulebooks name); entries from before the
    route was recorded carry it in the outbox key, "<digest>.<route>.<channel>"."""
    route = d.get("route") or (str(d.get("key", "")).split(".")[1:2] or [None])[0]
    to = f" to the {_words(route)}" if route else ""
    return f"queued an alert{to} about {count_of(d.get('findings'), 'finding')}"


def _status(label: str) -> Callable[[dict], str]:
    return lambda d: label + _quoted(d.get("note"))


SENTENCES: dict[str, Callable[[dict], str]] = {
    "case.opened": lambda d: "opened the case",
    "case.reopened": lambda d: "reopened the case: a new finding arrived after the decision",
    "case.triaged": _triaged,
    "case.decided": _decided,
    "case.open": _status("reopened the case"),
    "case.closed": _status("closed the case"),
    "case.assigned": lambda d: f"assigned the case to {d.get('assignee')}",
    "case.review-due": lambda d: "reopened the case: its review date was reached",
    "decision.proposed": _proposed,
    "decision.approved": lambda d: (
        f"approved {d.get('proposed_by')}'s decision ({_words(d.get('decision'))}) as the "
        "second committee member; it now applies"
    ),
    "decision.superseded": lambda d: "replaced a decision still pending approval",
    "match.adjudicated": _adjudicated,
    "mitigation.added": lambda d: (
        f"added the mitigation “{d.get('action')}” (owner {d.get('owner')}"
        + (f", due {d['due_on']}" if d.get("due_on") else "")
        + ")"
    ),
    "mitigation.updated": lambda d: f"marked mitigation {d.get('mitigation')} as {d.get('status')}",
    "alert.queued": _queued,
    "alert.delivered": lambda d: (
        f"delivered the alert by {d.get('channel')}"
        + (" (possibly a repeat)" if d.get("possible_repeat") else "")
    ),
    "alert.dead-lettered": lambda d: (
        f"gave up delivering the alert by {d.get('channel')}: {d.get('error', 'failed')}"
    ),
    "alert.requeued": lambda d: "queued the alert again",
    "prescreen.sent": lambda d: "sent the pre-screened proposal to the committee",
    "case.handed-over": lambda d: (
        f"took the case over from the application {d.get('application')} (case "
        f"{d.get('from_case')})"
        + (f", with its decision: {_words(d['decision'])}" if d.get("decision") else "")
        + (f"; changed since: {', '.join(map(str, d['changes']))}" if d.get("changes") else "")
    ),
    "case.followed": lambda d: (
        f"handed the case over to case {d.get('to_case')}, which follows the awarded project "
        f"{d.get('record')}"
    ),
}


# What each sentence leaves out, for the technical detail.
TECHNICAL: dict[str, Callable[[dict], str]] = {
    "case.opened": lambda d: f"record {d.get('record')}",
    "case.reopened": lambda d: f"record {d.get('record')}",
    "alert.queued": lambda d: f"alert {d.get('key')}",
    "finding.recorded": lambda d: f"rule {d.get('rule')}",
    "match.adjudicated": lambda d: f"list {d.get('list')}",
}


def rule_titles(findings: Iterable[Finding]) -> dict[str, str]:
    """The case's findings' rule titles by fingerprint, for ``sentence``."""
    return {f.fingerprint: f.rule_title for f in findings}


def sentence(entry: AuditEntry, titles: Mapping[str, str] | None = None) -> str:
    """What happened, as a sentence whose subject is the actor (shown beside it). ``titles``
    (``rule_titles`` of the case's findings) name what a finding found."""
    details = entry.details if isinstance(entry.details, dict) else {}
    if entry.action == "finding.recorded":
        return _found(details, titles or {})
    say = SENTENCES.get(entry.action)
    if say is None:
        return f"recorded “{_words(entry.action)}”"
    return say(details)


def technical(entry: AuditEntry) -> str | None:
    """The detail ``sentence`` leaves out ("rule nl-leidraad@2026.1/triage-red"), if any."""
    details = entry.details if isinstance(entry.details, dict) else {}
    detail = TECHNICAL.get(entry.action)
    return detail(details) if detail is not None else None
