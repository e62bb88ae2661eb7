"""Views of the store: findings, cases, the alert outbox, the write-back queue (and requeueing
the write-backs set aside), quarantine, the audit log."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kvrules.case_notes import (
    SOURCE_GONE,
    one_organisation_of,
    read_as_persons_of,
    source_gone_in_words,
)
from kvrules.cli.options import (
    CONFIG_OPTION,
    DB_OPTION,
    TECHNICAL_OPTION,
    config_from,
    open_existing,
    state_db,
)
from kvrules.cli.options import JSON_OPTION as JSON_OPT
from kvrules.cli.output import emit as _emit
from kvrules.cli.output import json_line, shown, styled
from kvrules.history import case_words, decision_in_words, sentence
from kvrules.history import technical as technical_detail
from kvrules.plain import count_of, screened_in_words
from kvrules.records import RecordLabel, RecordLinks, describe
from kvrules.rulebook.ir import Severity
from kvrules.rulebook.risks import risk_types
from kvrules.ruletitles import RuleTitles, titled_stored
from kvrules.store import Store
from kvrules.store.cases import CASE_STATUSES
from kvrules.thresholds import NOTE
from kvrules.timezone import local_time
from kvrules.unscreened import not_screened_on_country, visit_facts


def _site(
    config_path: Path | None, db: Path | None
) -> tuple[Path, RecordLinks, tzinfo, str | None, RuleTitles]:
    """The state database, the sources' links to the RIS, the institution's time zone
    (``time_zone``; unset, the server's), its home country (the words evidence is said in,
    as ``check`` says it) and its rules' titles now (a finding is shown under its rule's
    title now: ``kvrules.ruletitles``), from one resolution."""
    from kvrules.ruletitles import config_rule_titles
    from kvrules.settings import record_links
    from kvrules.timezone import zone

    config = config_from(config_path, db)
    return (
        config.database,
        record_links(config),
        zone(config.time_zone),
        config.home_country,
        config_rule_titles(config),
    )


def _record_text(label: RecordLabel) -> str:
    """The record's name, then its address in the RIS, as rich markup (each line ``shown``);
    the source's own id is in ``--json``."""
    return shown(str(label)) + (f"\n{shown(label.url)}" if label.url else "")


@click.command()
@CONFIG_OPTION
@DB_OPTION
@JSON_OPT
@click.option(
    "--severity", type=click.Choice([s.value for s in Severity]), help="at least this severity"
)
@click.option(
    "--status",
    type=click.Choice([*CASE_STATUSES, "all"]),
    default="open",
    show_default=True,
    help="case status (all: any)",
)
@click.option(
    "--risk",
    type=click.Choice(list(risk_types())),
    help="only findings of rules that screen for this risk type",
)
def findings(
    config_path: Path | None,
    db: Path | None,
    as_json: bool,
    severity: str | None,
    status: str,
    risk: str | None,
) -> None:
    """Findings of open cases, most severe first, each named by its project (title, unit,
    principal investigator, partners) with a link to the record in the RIS."""
    floor = Severity(severity).rank if severity else 0
    rows = []
    labels: dict[int, RecordLabel] = {}
    db, links, _, home, rule_titles = _site(config_path, db)
    with open_existing(db, read_only=True) as store:
        gone = store.cases_source_gone()
        for case in store.cases(None if status == "all" else status):
            subject = store.subject(case.source_system, case.record_id)
            label = labels[case.id] = describe(subject, case.source_system, case.record_id, links)
            for stored in titled_stored(store.case_findings(case.id), rule_titles):
                f = stored.finding
                if Severity(f.severity).rank < floor or (risk and risk not in f.risks):
                    continue
                rows.append(
                    {
                        "finding": stored.id,
                        "case": case.id,
                        "severity": f.severity,
                        "record": f"{f.source_system}:{f.source_record_id}",
                        "name": str(label),
                        "title_in_ris": label.title,
                        "units": label.units,
                        "lead": label.lead,
                        "partners": label.partners,
                        "url": label.url,
                        "source_gone": case.id in gone,
                        "rule": f"{f.rulebook.id}/{f.rule_id}",
                        "title": f.rule_title,
                        "risks": f.risks,
                        "first_seen": stored.first_seen.isoformat(),
                        "evidence": stored.in_words(subject, home),
                        "since_found": stored.lapse_in_words(),
                        "evidence_technical": [str(e) for e in f.evidence],
                    }
                )
    rows.sort(key=lambda r: (-Severity(r["severity"]).rank, r["case"], r["finding"]))
    table = Table(title=count_of(len(rows), "finding"))
    for col in ("finding", "case", "severity", "record", "what was found"):
        table.add_column(col, overflow="fold")
    for r in rows:  # rule ids and evidence paths: `--json`, or `kvrules show ID --technical`
        table.add_row(
            str(r["finding"]),
            str(r["case"]),
            styled(r["severity"]),
            shown(_record_text(labels[r["case"]]))
            + (f"\n({shown(SOURCE_GONE)})" if r["source_gone"] else ""),
            "\n".join(  # one line each: a line break inside RIS text is folded by shown()
                [
                    shown(r["title"]),
                    *(shown(f"• {e}") for e in r["evidence"]),
                    *(shown(f"• since it was found: {lapse}") for lapse in r["since_found"]),
                ]
            ),
        )
    _emit(rows, as_json, table)


@click.command()
@CONFIG_OPTION
@DB_OPTION
@JSON_OPT
@TECHNICAL_OPTION
@click.argument("what", metavar="case:ID|finding:ID|ID")
def show(
    config_path: Path | None, db: Path | None, as_json: bool, technical: bool, what: str
) -> None:
    """The full explanation of a case (default) or a finding: the project as the RIS names it,
    evidence, rationale, source."""
    kind, _, ident = what.rpartition(":")
    if not ident.isdigit():
        raise click.BadParameter("expected case:ID, finding:ID or ID", param_hint="WHAT")
    db, links, tz, home, rule_titles = _site(config_path, db)
    with open_existing(db, read_only=True) as store:
        if kind == "finding":
            stored = next(
                (
                    s
                    for c in store.cases(None)
                    for s in store.case_findings(c.id)
                    if s.id == int(ident)
                ),
                None,
            )
            if stored is None:
                raise click.ClickException(f"no finding {ident}")
            case, items = store.case(stored.case_id), titled_stored([stored], rule_titles)
        else:
            case = store.case(int(ident))
            if case is None:
                raise click.ClickException(f"no case {ident}")
            items = titled_stored(store.case_findings(case.id), rule_titles)
        history = [e for e in store.audit_entries(f"case:{case.id}")]
        subject = store.subject(case.source_system, case.record_id)
        words = case_words(
            # the history says what was said then: the stored titles
            (s.finding for s in store.case_findings(case.id)),
            subject,
            store.mitigations(case.id),
            home,
            tz,
        )
        screened, titles = store.screening()
        gone = store.cases_source_gone().get(case.id)
    label = describe(subject, case.source_system, case.record_id, links)
    visit = (subject or {}).get("visit")
    data = {
        "case": case.id,
        "record": f"{case.source_system}:{case.record_id}",
        "name": str(label),
        "named": label.model_dump(mode="json"),
        "status": case.status,
        "severity": case.severity.value,
        "decision": case.decision,
        # the record deleted at the source (said at the top, as the case page says it)
        "source_gone": source_gone_in_words(gone) if gone else None,
        # a visit as the RIS names it; what was not screened on a country; the lists screened
        "visit": dict(visit_facts(visit)) if visit else None,
        "not_screened_on_country": not_screened_on_country(subject),
        # partners described under several spellings: one organisation (as `check` says it)
        "one_organisation": one_organisation_of(subject, titles),
        # partners whose name reads as a person's, as the case page says it
        "read_as_person": read_as_persons_of(subject),
        "screened_against": screened,
        # awards no threshold compared, as the scan said when it screened the record
        "not_compared": (subject or {}).get(NOTE),
        "findings": [
            {
                "id": s.id,
                **s.finding.to_dict(),
                "evidence_in_words": s.in_words(subject, home),
                "since_found": s.lapse_in_words(),
                "changes": [
                    {**change, "in_words": words}
                    for change, words in zip(s.changes, s.changes_in_words(home), strict=True)
                ],
            }
            for s in items
        ],
        "history": [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "in_words": sentence(e, words),
                "technical": technical_detail(e),
            }
            for e in history
        ],
    }
    if as_json:
        click.echo(json_line(data))
        return
    console = Console()
    # Record text goes through shown(): rich would read "[high]" or "[/]" in it as markup.
    console.print(
        f"[bold]Case {case.id}[/] {shown(label.heading)} — {styled(case.severity.value)}, "
        f"{case.status}"
        + (f", decision: {decision_in_words(case.decision)}" if case.decision else "")
    )
    if data["source_gone"]:
        console.print(f"  [bold]{shown(data['source_gone'])}[/]")
    for what, value in (
        ("unit", label.unit_list()),
        ("lead", label.lead),
        ("authors", label.author_list()),
        ("partners", label.partner_list()),
        # the source system's own id is technical detail: people follow the link
        ("record", label.reference if technical else None),
        ("in the RIS", label.url),
    ):
        if value:  # soft_wrap: a link broken over two lines cannot be clicked or copied
            console.print(f"  {what}: {shown(value)}", soft_wrap=what == "in the RIS")
    for what, value in visit_facts(visit) if visit else []:
        if what != "Host unit":  # said above, as the unit
            console.print(f"  {what.lower()}: {shown(value)}")
    for line in data["not_screened_on_country"]:
        console.print(f"  not screened on a country: {shown(line)}")
    for line in data["read_as_person"] + data["one_organisation"]:
        console.print(f"  {shown(line)}")
    if screened:
        console.print(f"  {shown(screened_in_words(screened, titles))}")
    if data["not_compared"]:
        console.print(f"  {shown(data['not_compared'])}")
    for s in items:
        f = s.finding
        rule = (
            f"rule {f.rulebook.id}/{f.rule_id} v{shown(f.rulebook.version)} "
            f"sha256:{f.rulebook.sha256[:12]}, "
            if technical
            else ""
        )
        console.print(
            f"\n[bold]{shown(f.rule_title)}[/] ({styled(f.severity)}) — {rule}finding {s.id}"
        )
        evidence = s.technically(subject) if technical else s.in_words(subject, home)
        lines = [f"evidence: {e}" for e in evidence]
        lines += [f"since it was found: {lapse}" for lapse in s.lapse_in_words()]
        lines += [f"changed: {change}" for change in s.changes_in_words(home)]
        if f.risks:
            lines.append(f"risk: {'; '.join(f.risk_labels)}")
        lines.append(f"why: {f.rationale}")
        lines.append(
            f"source: {f.citation.cite}" + (f" <{f.citation.url}>" if f.citation.url else "")
        )
        if f.legal_basis:
            lines.append(f"legal basis: {f.legal_basis}")
        for line in lines:
            console.print(f"  {shown(line)}")
    console.print("\n[bold]History[/]")
    for h in data["history"]:
        at = local_time(h["at"], tz)  # as the web shows it: the institution's zone, named
        detail = f" [{h['technical']}]" if technical and h["technical"] else ""
        console.print(f"  {at}  {shown(h['actor'])} {shown(h['in_words'] + detail)}")


@click.command()
@state_db
@JSON_OPT
@click.option(
    "--status",
    type=click.Choice(["pending", "delivered", "dead", "all"]),
    default="all",
    show_default=True,
    help="only alerts waiting to be sent or retried, sent, or given up on (dead-lettered)",
)
def alerts(db: Path, as_json: bool, status: str) -> None:
    """The alert outbox: what was sent, what waits for a retry, what was dead-lettered."""
    with open_existing(db, read_only=True) as store:
        found = store.alerts(None if status == "all" else status)
        named = _record_names(store, [(a.case_id, _alert_record(a.payload)) for a in found])
    rows = [
        {
            "id": a.id,
            "status": a.status,
            "channel": a.channel,
            "route": a.route,
            "case": a.case_id,
            "key": a.key,
            "attempts": a.attempts,
            # the e-mail's subject names the record ("[high] … — Battery chemistry"): so does
            # the listing (a digest, about several records, names none)
            "title": _titled(a.payload.get("title"), named.get(_alert_record(a.payload))),
            "last_error": a.last_error,
            "next_attempt_at": a.next_attempt_at.isoformat(),
            # Sent more than once, or being sent with the outcome not (yet) recorded: the
            # recipient may have it twice, or already (see SECURITY.md, alert delivery).
            "possible_repeat": a.possible_repeat,
            "sending_since": a.sending_since.isoformat() if a.sending_since else None,
            "doubt": a.doubt,
            # the channel could not be reached since then: retried, never dead-lettered for it
            "unreachable_since": a.unreachable_since.isoformat() if a.unreachable_since else None,
        }
        for a in found
    ]
    table = Table(title=f"{len(rows)} alert(s)")
    for col in ("id", "status", "channel → route", "case", "attempts", "title / error"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["status"] + (f"\n({r['doubt']})" if r["doubt"] else ""),
            f"{r['channel']} → {r['route']}",
            str(r["case"]),
            str(r["attempts"]),
            shown(r["title"] or "") + (f"\n[red]{shown(_failed(r))}[/]" if r["last_error"] else ""),
        )
    _emit(rows, as_json, table)


def _alert_record(payload: dict) -> tuple[str, str] | None:
    """The one record an outbox alert is about (source, record id); None for a digest."""
    items = payload.get("items") or []
    where = {(i.get("source_system"), i.get("record_id")) for i in items}
    if len(where) != 1 or payload.get("digest_period"):
        return None
    source, record = where.pop()
    return (str(source), str(record)) if source and record else None


def _record_names(
    store: Store, wanted: Iterable[tuple[int | None, tuple[str, str] | None]]
) -> dict[tuple[str, str], tuple[str, int | None]]:
    """(source, record id) -> (the record's name as the RIS gives it, or "" when the store
    does not remember it; its case number), for listings that would otherwise show only the
    source's internal id. ``wanted``: (a case number already known, the record) pairs."""
    named: dict[tuple[str, str], tuple[str, int | None]] = {}
    for case_id, where in wanted:
        if where is None or where in named:
            continue
        case = store.case_for(*where)
        label = describe(store.subject(*where), *where)
        named[where] = (label.heading if label.title else "", case.id if case else case_id)
    return named


def _titled(title: str | None, named: tuple[str, int | None] | None) -> str | None:
    """An alert's title with its record's name, as the e-mail's subject carries it."""
    if not named or not named[0] or title is None or named[0] in title:
        return title
    return f"{title} — {named[0]}"


def _failed(row: dict) -> str:
    """The last error and what happens next: when it is tried again, or that it is not."""
    if row["status"] == "pending":
        at = datetime.fromisoformat(row["next_attempt_at"]).astimezone(UTC)
        if since := row.get("unreachable_since"):
            down = datetime.fromisoformat(since).astimezone(UTC)
            return (
                f"{row['last_error']}; unreachable since {down:%Y-%m-%d %H:%M} UTC: retried "
                f"until it answers (never dead-lettered for an outage); will retry at "
                f"{at:%Y-%m-%d %H:%M} UTC"
            )
        return f"{row['last_error']}; will retry at {at:%Y-%m-%d %H:%M} UTC"
    if row["status"] == "dead":
        again = f"`kvrules deliver --requeue {row['id']}` sends it again"
        return f"{row['last_error']}; not retried: {again}"
    return row["last_error"]


# The queue's statuses as the listing names them: "dead" is a write-back set aside (its plugin
# broke the contract, or its retries ran out); only a scan, or --requeue, gives it back.
WRITEBACK_STATUS = {"pending": "pending", "done": "done", "dead": "set aside"}


@click.command()
@state_db
@JSON_OPT
@click.option(
    "--status",
    type=click.Choice(["pending", "done", "set-aside", "all"]),
    default="all",
    show_default=True,
    help="only write-backs waiting to be written, written, or set aside",
)
@click.option(
    "--requeue",
    type=int,
    multiple=True,
    metavar="ID",
    help="give this set-aside write-back to the next scan once its plugin is fixed (audited; "
    "kvrules compares with what it wrote, so nothing is written twice); repeatable",
)
def writebacks(db: Path, as_json: bool, status: str, requeue: tuple[int, ...]) -> None:
    """The write-back queue: the risk tags each record should carry in the RIS, what was
    written, and what was set aside (a plugin that broke the contract, retries run out)."""
    from kvrules.actors import cli_actor

    wanted = {"all": None, "set-aside": "dead"}.get(status, status)
    with open_existing(db, read_only=not requeue) as store:
        for row_id in requeue:
            if not store.requeue_writeback(row_id, actor=cli_actor()):
                raise click.ClickException(
                    f"write-back {row_id} is not set aside (kvrules writebacks --status "
                    "set-aside lists those)"
                )
        found = [] if requeue else store.writebacks(wanted)
        named = _record_names(store, [(None, (w.source, w.record_id)) for w in found])
    if requeue:
        click.echo(
            f"requeued {count_of(len(requeue), 'write-back')}: the next scan writes "
            f"{'them' if len(requeue) > 1 else 'it'}"
        )
        return
    from kvrules.store.writeback import left_in_words

    rows = [
        {
            "id": w.id,
            # done without writing (someone else's value): "left", never "done"
            "status": "left" if left_in_words(w) else WRITEBACK_STATUS.get(w.status, w.status),
            "source": w.source,
            "record": w.record_id,
            # what people know the record by: its title in the RIS and its case number
            "title": named[(w.source, w.record_id)][0] or None,
            "case": named[(w.source, w.record_id)][1],
            "tags": w.tags,
            "attempts": w.attempts,
            "last_error": w.last_error,
            "written": w.written,  # what kvrules last wrote there (None: never)
            "skipped": w.skipped,
            "next_attempt_at": w.next_attempt_at.isoformat(),
        }
        for w in found
    ]
    table = Table(title=f"{len(rows)} write-back(s)")
    for col in ("id", "status", "record", "case", "attempts", "tags / error"):
        table.add_column(col, overflow="fold")
    for w, r in zip(found, rows, strict=True):
        table.add_row(
            str(r["id"]),
            r["status"],
            (f"{shown(r['title'])}\n" if r["title"] else "")
            + shown(f"{r['source']} → {r['record']}"),
            str(r["case"]) if r["case"] else "–",
            str(r["attempts"]),
            (
                f"{shown(left)}\n" + shown(f"(kvrules would set {' '.join(r['tags']) or 'none'})")
                if (left := left_in_words(w))
                else shown(" ".join(r["tags"]) or "(none)")
            )
            + (f"\n[red]{shown(r['last_error'])}[/]" if r["last_error"] else ""),
        )
    _emit(rows, as_json, table)


@click.command()
@state_db
@JSON_OPT
def quarantine(db: Path, as_json: bool) -> None:
    """Records held aside because they could not be mapped, with the reason."""
    with open_existing(db, read_only=True) as store:
        held = store.quarantined()
    rows = [
        {
            "source": q.source,
            "record": q.record_id,
            "reason": q.reason,
            "times_seen": q.times_seen,
            "last_seen": q.last_seen.isoformat(),
        }
        for q in held
    ]
    table = Table(title=f"{len(rows)} quarantined record(s)")
    for col in ("source", "record", "reason", "seen"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*map(shown, (r["source"], r["record"], r["reason"])), str(r["times_seen"]))
    _emit(rows, as_json, table)


@click.group()
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("verify")
@state_db
@click.option(
    "--head",
    help="the head published earlier, 'ID:HASH' as the board report or this command printed "
    "it (at least 16 hex digits of the hash): catches removed newest rows or a restored older "
    "backup, which the chain alone does not",
)
def audit_verify(db: Path, head: str | None) -> None:
    """Check the hash chain; exit 1 and name the first broken entry if it was tampered with."""
    from kvrules.store import Store
    from kvrules.store.audit import parse_anchor, rewrite_in_words
    from kvrules.store.migrations import MIGRATIONS

    expected = parse_anchor(head) if head is not None else None
    if not db.exists():
        raise click.ClickException(f"no kvrules database at {db} (run `kvrules scan` first)")
    # read as it is, whatever its schema: an older file here is most often the copy kept
    # before an upgrade, which must stay readable by the previous release, never upgraded
    problems, newest, schema, rewritten = Store.verify_audit_at(db, expected)
    if schema < (latest := MIGRATIONS[-1].version):
        click.echo(
            f"{db} has schema {schema} (an older release's file, this one's is {latest}): "
            "read as it is, not upgraded",
            err=True,
        )
    # every entry a person's erasure rewrote, as its seal allows: said, never silent
    for row, erasure in rewritten:
        click.echo(rewrite_in_words(row, erasure))
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        sys.exit(1)
    anchored = f"; anchored entry {expected[0]} found as published" if expected else ""
    click.echo(f"audit log intact: {newest[0]} entries, head {newest[0]}:{newest[1]}{anchored}")
