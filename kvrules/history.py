"""A case's audit trail as sentences a committee member reads ("committee decided: reject —
“Dual-use lab access.”"), not JSON, in the web app and ``kvrules show``. The entry's own record
(hash-chained) stays in the audit log; an action this module does not know is still shown, in
a neutral sentence. What a sentence leaves out for people — the rule that found a signal, a
list's id — is its ``technical`` detail, one click (web) or ``--technical`` (CLI) away."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from kvrules.findings import Finding
from kvrules.plain import count_of, decided_day, list_label, lists_in_words, what_changed
from kvrules.store import AuditEntry


def _words(value: Any) -> str:
    return str(value).replace("-", " ")


def decision_in_words(decision: Any) -> str:
    """ "approve-with-mitigations" -> "approve with mitigations"."""
    return _words(decision) if decision else ""


VERDICTS = {"not-same": "not the same organisation", "same": "the same organisation"}


def verdict_in_words(verdict: Any) -> str:
    """An adviser's verdict on a list match ("not-same") as people say it."""
    return VERDICTS.get(str(verdict), _words(verdict))


@dataclass(frozen=True)
class Words:
    """What the sentences name that an audit entry holds only by id: the case's findings'
    rule titles (by fingerprint), list entries as the list spells them (by list and entry
    id) and the mitigations' text (by id)."""

    titles: Mapping[str, str] = field(default_factory=dict)
    listed: Mapping[tuple[str, str], str] = field(default_factory=dict)
    mitigations: Mapping[int, str] = field(default_factory=dict)
    # the site's country: what a finding's history said is said in its words (``for_home``)
    home_country: str | None = None
    # the institution's time zone: the days sentences name (the server's when None)
    time_zone: tzinfo | None = None

    def __or__(self, other: Words) -> Words:
        return Words(
            {**self.titles, **other.titles},
            {**self.listed, **other.listed},
            {**self.mitigations, **other.mitigations},
            self.home_country or other.home_country,
            self.time_zone or other.time_zone,
        )


def listed_names(body: Any) -> dict[tuple[str, str], str]:
    """(list id, entry id) → the entry's name as the list spells it, from the list matches a
    remembered record holds (each organisation's ``screening``)."""
    found: dict[tuple[str, str], str] = {}
    if isinstance(body, Mapping):
        for match in body.get("screening") or []:
            if isinstance(match, Mapping) and match.get("entry") and match.get("name"):
                found[(str(match.get("list")), str(match["entry"]))] = str(match["name"])
        for value in body.values():
            if isinstance(value, Mapping | list):
                found |= listed_names(value)
    elif isinstance(body, list):
        for item in body:
            found |= listed_names(item)
    return found


def case_words(
    findings: Iterable[Finding],
    subject: Any = None,
    mitigations: Iterable[Any] = (),
    home_country: str | None = None,
    time_zone: tzinfo | None = None,
) -> Words:
    """The words for a case's history: its findings, its record as remembered, its
    mitigations (``Store.mitigations``), as a site in ``home_country`` reads them, days in
    its ``time_zone``."""
    return Words(
        rule_titles(findings),
        listed_names(subject),
        {m.id: m.action for m in mitigations},
        home_country,
        time_zone,
    )


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


def _triaged_at_prescreen(verdict: object) -> str:
    """ " (triaged red at pre-screen)"; a pre-screen not complete is said so, never by its
    colour: " (not complete at pre-screen)", " (amber, not complete at pre-screen)"."""
    if not verdict:
        return ""
    if "not complete" in str(verdict):
        return f" ({verdict} at pre-screen)"
    return f" (triaged {verdict} at pre-screen)"


def _triaged(d: dict) -> str:
    if d.get("prescreen"):  # kvrules carried a sent pre-screen's colour over
        return (
            f"took the pre-screen's colour as the case's first triage: {d.get('colour')}"
            f"{_quoted(d.get('note'))}; an adviser triages the case"
        )
    return f"triaged the case {d.get('colour')}{_quoted(d.get('note'))}"


def _adjudicated(d: dict, words: Words) -> str:
    verdict = "is not" if d.get("verdict") == "not-same" else "is"
    entry = words.listed.get((str(d.get("list")), str(d.get("entry"))))
    named = f"“{entry}” on" if entry else "an entry of"
    return (
        f"recorded that {d.get('organisation')} {verdict} {named} the "
        f"{list_label(str(d.get('list')))}{_quoted(d.get('reason'))}"
    )


def _set_aside(d: dict) -> str:
    """An adviser's "not the same organisation" took away a match a finding rests on: said
    as that, by whom and when, never as a list edition that stopped listing it."""
    listed = f"{d['list']}@{d['edition']}" if d.get("edition") else str(d.get("list"))
    return (
        f"noted that {d.get('who')} no longer matches {lists_in_words([listed])}, which a "
        f"finding of the case rests on: {d.get('by')} recorded on {str(d.get('at'))[:10]} that "
        "it is not the same organisation (not a change of the list); the finding stands until "
        "the committee decides"
    )


def _mitigation_updated(d: dict, words: Words) -> str:
    action = words.mitigations.get(d.get("mitigation"))  # type: ignore[arg-type]
    what = f"the mitigation “{action}”" if action else "a mitigation"
    return f"marked {what} as {_words(d.get('status'))}"


def _found(d: dict, words: Words) -> str:
    """ "found a high signal: Partner on the US DoD 1286 list", by the finding's rule title; the
    audit entry keeps the finding's fingerprint and rule id, not its title."""
    severity = str(d.get("severity") or "")
    article = "an" if severity[:1] in tuple("aeiou") else "a"
    found = f"found {article} {severity} signal" if severity else "found a signal"
    title = _title(d, words)
    return f"{found}: {title}" if title else found


def _changed(d: dict, words: Words) -> str:
    """ "updated the finding “Partner on the US DoD 1286 list” in place (scan of pure at …):
    now also names …": a finding whose evidence changed is the same finding, with a history."""
    title = _title(d, words)
    which = f"“{title}”" if title else f"of rule {d.get('rule')}"
    scan = f" ({d['scan']})" if d.get("scan") else ""
    return f"updated the finding {which} in place{scan}: {what_changed(d, words.home_country)}"


def _reopened(d: dict, words: Words) -> str:
    """ "reopened the case, which the committee had decided on 2026-12-07 (approve with
    mitigations): the finding “…” now also names …" — which finding, new or updated, and
    which decision; entries written before this was kept say only that a finding came."""
    because = d.get("because")
    if because is None:
        return "reopened the case: a new or escalated finding arrived after the decision"
    if d.get("decision"):
        when = decided_day(d, words.time_zone)
        case = f"reopened the case, decided on {when} ({decision_in_words(d['decision'])})"
    else:
        case = "reopened the closed case"
    title = _title(d, words)
    which = f"“{title}”" if title else f"of rule {d.get('rule')}"
    if because == "updated":
        change = what_changed(d.get("change") or {}, words.home_country)
        return f"{case}: the finding {which} changed: {change}"
    return f"{case}: a new finding {which} arrived"


def _rest_on(d: dict) -> str:
    """ "a finding of the case rests on; the finding stands", or for an entry naming several
    (``findings``: one entry per event, however many findings it touches) "3 findings of the
    case rest on; they stand"; entries written before name one ``finding``."""
    n = len(d.get("findings") or []) or 1
    if n == 1:
        return "a finding of the case rests on; the finding stands"
    return f"{n} findings of the case rest on; they stand"


def _findings_now_rest(d: dict) -> str:
    """ "a finding of the case now rests", or "2 findings of the case now rest" for one entry
    naming several (``fingerprints``; entries written before name one ``fingerprint``)."""
    n = len(d.get("fingerprints") or []) or 1
    return "a finding of the case now rests" if n == 1 else f"{n} findings of the case now rest"


def _cases_named(ids: Any) -> str:
    """ "no case", "case #3", "cases #3, #7"."""
    ids = list(ids or [])
    if not ids:
        return "no case"
    return ("case " if len(ids) == 1 else "cases ") + ", ".join(f"#{i}" for i in ids)


def _tags(d: dict) -> str:
    return ", ".join(f"“{t}”" for t in d.get("tags") or []) or "no tags"


# The shipped alert targets as people are named ("queued an alert to the export-control
# officer", not "to the export control"); a site's own target is said as it is written.
ROUTE_WORDS = {
    "committee": "committee",
    "adviser": "advisers",
    "export-control": "export-control officer",
    "grant-office": "grant office",
    "admin": "administrators",
}


def _queued(d: dict) -> str:
    """To whom, by the route (the alert target the rulebooks name); entries from before the
    route was recorded carry it in the outbox key, "<digest>.<route>.<channel>"."""
    route = d.get("route") or (str(d.get("key", "")).split(".")[1:2] or [None])[0]
    to = f" to the {ROUTE_WORDS.get(route, _words(route))}" if route else ""
    return f"queued an alert{to} about {count_of(d.get('findings'), 'finding')}"


def _status(label: str) -> Callable[[dict], str]:
    return lambda d: label + _quoted(d.get("note"))


SENTENCES: dict[str, Callable[[dict], str]] = {
    "case.opened": lambda d: (
        f"opened the case for the proposal of pre-screen {d['prescreen']}"
        if d.get("prescreen")
        else "opened the case"
    ),
    "scan.reopened": lambda d: (
        f"{d.get('scan') or 'a scan'} reopened cases: "
        f"{_cases_named(d.get('for_review'))} for review as their review date was reached, "
        f"{_cases_named(d.get('by_new_findings'))} as a new or escalated finding arrived "
        "after the decision"
    ),
    "scan.rescreened": lambda d: (
        f"{d.get('scan') or 'a scan'} re-screened {d.get('records')} stored records, as what "
        f"screening uses changed: {', '.join(d.get('because') or []) or 'not said'}"
    ),
    "finding.updated": lambda d: (
        f"noted that {_findings_now_rest(d)} on {d.get('rule')} (edited since "
        f"{d.get('rested_on')}): the same rule, record and evidence, so no new finding"
    ),
    "case.triaged": _triaged,
    "case.decided": _decided,
    "case.open": _status("reopened the case"),
    "case.closed": _status("closed the case"),
    "case.assigned": lambda d: f"assigned the case to {d.get('assignee')}",
    "case.review-due": lambda d: "reopened the case: its review date was reached",
    "case.source-gone": lambda d: (
        f"noted that the record is no longer in {d.get('source')}: the full read of "
        f"{str(d.get('at') or '')[:10]} did not find it (deleted there, or hidden from "
        "kvrules' account); the case stays as it is, for the committee to decide"
    ),
    "decision.proposed": _proposed,
    "decision.approved": lambda d: (
        f"approved {d.get('proposed_by')}'s decision ({_words(d.get('decision'))}) as the "
        "second committee member; it now applies"
    ),
    "decision.superseded": lambda d: "replaced a decision still pending approval",
    "mitigation.added": lambda d: (
        f"added the mitigation “{d.get('action')}” (owner {d.get('owner')}"
        + (f", due {d['due_on']}" if d.get("due_on") else "")
        + ")"
    ),
    "alert.queued": _queued,
    "alert.delivered": lambda d: (
        f"delivered the alert by {d.get('channel')}"
        + (" (possibly a repeat)" if d.get("possible_repeat") else "")
    ),
    "alert.dead-lettered": lambda d: (
        f"gave up delivering the alert by {d.get('channel')}: {d.get('error', 'failed')}"
    ),
    "alert.requeued": lambda d: "queued the alert again",
    "prescreen.sent": lambda d: (
        (
            f"sent pre-screen {d['prescreen']} to the committee"
            if d.get("prescreen")
            else "sent the pre-screened proposal to the committee"
        )
        + _triaged_at_prescreen(d.get("triage"))
    ),
    "prescreen.screened": lambda d: "pre-screened a proposed collaboration",
    "writeback.queued": lambda d: f"queued the risk tags {_tags(d)} to be written to the RIS",
    "writeback.written": lambda d: f"wrote the risk tags {_tags(d)} to the record in the RIS",
    "writeback.dry-run": lambda d: (
        f"would have written the risk tags {_tags(d)} to the RIS (a dry run: nothing written)"
    ),
    "writeback.requeued": lambda d: (
        f"queued the risk tags {_tags(d)} to be written to the RIS again, after they were set "
        f"aside{_quoted(d.get('error'))}"
    ),
    "writeback.dropped": lambda d: (
        f"dropped the risk tags {_tags(d)} waiting to be written to the RIS: the record is "
        f"no longer in {d.get('source')}"
    ),
    "record.gone": lambda d: (
        f"noted that the record is no longer in {d.get('source')} (not found by a full read)"
    ),
    "writeback.skipped": lambda d: (
        f"left the record's tags in the RIS as someone else set them{_quoted(d.get('reason'))}"
    ),
    "source.forgotten": lambda d: (
        "forgot a source no longer configured: its cursor and "
        f"{count_of(d.get('adapter_state_rows'), 'row')} of adapter state"
    ),
    "store.upgraded": lambda d: (
        f"upgraded the database from schema {d.get('from_schema')} to {d.get('to_schema')}; "
        f"the previous file is kept at {d.get('previous_file')}"
    ),
    "record.quarantined": lambda d: (
        f"held the record back: it could not be read{_quoted(d.get('reason'))}"
    ),
    "record.released": lambda d: "released the record from quarantine: it now reads cleanly",
    "retention.purged": lambda d: (
        f"removed {count_of(d.get('count'), 'record')} ({_words(d.get('category'))}) under "
        "the retention policy"
    ),
    "cases.exported": lambda d: f"exported {count_of(d.get('cases'), 'case')} ({d.get('format')})",
    "alerts.expedited": lambda d: (
        f"sent {count_of(len(d.get('keys') or []) or None, 'held alert')} at once"
    ),
    "user.signed-in": lambda d: "signed in",
    "user.signed-out": lambda d: "ended the account's sessions (signed it out everywhere)",
    "user.added": lambda d: f"added the account, role {_words(d.get('role'))}",
    "user.updated": lambda d: f"changed the account, role {_words(d.get('role'))}",
    "user.password-changed": lambda d: "changed the account's password",
    "user.enabled": lambda d: "enabled the account",
    "user.disabled": lambda d: "disabled the account",
    "case.handed-over": lambda d: (
        f"took the case over from the application {d.get('application')} (case "
        f"{d.get('from_case')})"
        + (f", with its decision: {_words(d['decision'])}" if d.get("decision") else "")
        + (f"; changed since: {', '.join(map(str, d['changes']))}" if d.get("changes") else "")
    ),
    "finding.lapsed": lambda d: (
        f"noted that {lists_in_words(d.get('editions') or [], joined_by='and')} no longer "
        f"lists what {_rest_on(d)} until the committee decides"
    ),
    "finding.set-aside": lambda d: _set_aside(d),
    "finding.listed-again": lambda d: (
        "noted that a finding's list entry is listed again"
        if len(d.get("findings") or []) < 2
        else f"noted that the list entry {len(d['findings'])} findings rest on is listed again"
    ),
    "finding.left-record": lambda d: (
        f"noted that {' and '.join(d.get('organisations') or ['an organisation'])} left the "
        f"record, which {_rest_on(d)} until the committee decides"
    ),
    "finding.back-in-record": lambda d: (
        f"noted that {' and '.join(d.get('organisations') or ['an organisation'])} is in the "
        "record again"
    ),
    "case.viewed": lambda d: "opened the case page",
    "cases.searched": lambda d: (
        f"searched the cases for “{d['q']}”" if d.get("q") else "opened the case list"
    ),
    "audit.exported": lambda d: (
        f"exported {count_of(d.get('entries'), 'audit entry', 'audit entries')} "
        f"({d.get('format', 'csv')})"
    ),
    "audit.looks_not_kept": lambda d: (
        "could not record "
        + count_of(d.get("looks"), "case view or search", "case views or searches")
        + " while the database was busy"
    ),
    "api-token.issued": lambda d: "issued an API token to the client",
    "api-token.revoked": lambda d: "revoked the client's API token",
    "committee.account-set-up": lambda d: (
        f"{'set up' if d.get('new') else 'changed'} the committee account {d.get('account')}"
        + (" with a password" if d.get("password_set") else "")
    ),
    "privacy.exported": lambda d: (
        "exported what kvrules holds about a person"
        + (f" (request {d['request']})" if d.get("request") else "")
        + f": {count_of(d.get('records'), 'record')}, {count_of(d.get('texts'), 'other text')}"
    ),
    "privacy.erased": lambda d: (
        f"erased a person's data, now named {d.get('pseudonym')}"
        + (f" (request {d['request']})" if d.get("request") else "")
        + f": {count_of(d.get('records'), 'record')}, {count_of(d.get('texts'), 'other text')}"
    ),
    "case.followed": lambda d: (
        f"handed the case over to case {d.get('to_case')}, which follows the awarded project "
        f"{d.get('record')}"
    ),
}


# What each sentence leaves out, for the technical detail.
TECHNICAL: dict[str, Callable[[dict], str]] = {
    "case.opened": lambda d: f"record {d.get('record')}",
    "case.reopened": lambda d: (
        f"record {d.get('record')}" + (f", rule {d['rule']}" if d.get("rule") else "")
    ),
    "finding.changed": lambda d: f"finding {d.get('finding')}, rule {d.get('rule')}",
    "alert.queued": lambda d: f"alert {d.get('key')}",
    "finding.recorded": lambda d: f"rule {d.get('rule')}",
    "match.adjudicated": lambda d: f"list {d.get('list')}, entry {d.get('entry')}",
    "mitigation.updated": lambda d: f"mitigation {d.get('mitigation')}",
}

# Sentences that need what the entry holds only by id (``Words``).
NAMED: dict[str, Callable[[dict, Words], str]] = {
    "case.reopened": _reopened,
    "finding.recorded": _found,
    "finding.changed": _changed,
    "match.adjudicated": _adjudicated,
    "mitigation.updated": _mitigation_updated,
}


def rule_titles(findings: Iterable[Finding]) -> dict[str, str]:
    """The case's findings' rule titles by fingerprint, and by rule ("rule:rulebook/rule"):
    a finding updated in place has another fingerprint than its earlier audit entries name."""
    titles = {f"rule:{f.rulebook.id}/{f.rule_id}": f.rule_title for f in findings}
    return titles | {f.fingerprint: f.rule_title for f in findings}


def _title(d: dict, words: Words) -> str | None:
    """The rule title of the finding an audit entry names (by fingerprint, else by its rule
    "rulebook@version/rule")."""
    book, _, rule = str(d.get("rule") or "").partition("/")
    by_rule = f"rule:{book.partition('@')[0]}/{rule}"
    return words.titles.get(str(d.get("fingerprint"))) or words.titles.get(by_rule)


def sentence(entry: AuditEntry, words: Words | None = None) -> str:
    """What happened, as a sentence whose subject is the actor (shown beside it). ``words``
    (``case_words``) name what a finding found, the list entry adjudicated, the mitigation."""
    details = entry.details if isinstance(entry.details, dict) else {}
    if (named := NAMED.get(entry.action)) is not None:
        return named(details, words or Words())
    say = SENTENCES.get(entry.action)
    if say is None:
        return f"recorded “{_words(entry.action)}”"
    return say(details)


def subject_in_words(subject: str, records: Mapping[str, str] | None = None) -> str:
    """An audit entry's subject for people: "case 49", "the account adam", "pre-screen 3", a
    record by its title (``records``: subject → title), else as it is."""
    kind, _, rest = subject.partition(":")
    if kind == "viewed":  # a case page opened: "viewed:case:16"
        return subject_in_words(rest, records)
    if kind == "record":
        return (records or {}).get(subject) or f"a record in the RIS ({rest})"
    return {
        "case": f"case {rest}",
        "user": f"the account {rest}",
        "prescreen": f"pre-screen {rest}",
        "export": "the audit log" if rest == "audit" else "the case list",
        "search": "the case list",
        "api-client": f"the API client {rest}",
        "privacy": "a person's data",
        "match": "a list entry",
    }.get(kind, subject)


def technical(entry: AuditEntry) -> str | None:
    """The detail ``sentence`` leaves out ("rule nl-leidraad@2026.1/triage-red"), if any."""
    details = entry.details if isinstance(entry.details, dict) else {}
    detail = TECHNICAL.get(entry.action)
    return detail(details) if detail is not None else None
