"""``kvrules scan``, ``watch`` and ``deliver``: running kvrules on a schedule."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kvrules.cli.loglines import stamped_warnings
from kvrules.cli.options import (
    DURATION,
    JSON_OPTION,
    config_from,
    open_existing,
    say_home_country_unset,
    settings_from,
    settings_options,
)
from kvrules.cli.output import progress_console, terminal_text
from kvrules.config import Config, parse_duration
from kvrules.errors import KvrulesError
from kvrules.pipeline import Reader, Scanner, ScanReport
from kvrules.plain import (
    NOT_IDENTIFIED,
    count_of,
    country_not_screened,
    edition_in_words,
    identify,
    not_identified_in,
    read_as_person,
    screened_in_words,
)

if TYPE_CHECKING:
    from kvrules.adapter import FetchedRecord
    from kvrules.engine.evaluator import Evaluator
    from kvrules.enrich import Enricher
    from kvrules.ruletitles import RuleTitles
    from kvrules.store import OutboxAlert, Store


def run_scan(
    scanner: Scanner,
    *,
    full: bool,
    limit: int | None,
    as_json: bool,
    reader: Reader = "auto",
) -> ScanReport:
    """One scan with a progress display on a terminal (records/s and elapsed time); ``full``
    also evaluates every record read, unchanged or not (the rules in force see them all)."""
    console = progress_console()
    if as_json or not console.is_terminal:
        return scanner.scan(
            full=full, limit=limit, progress=TALLY.count, reader=reader, evaluate_all=full
        )
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn(
            "{task.completed} records · {task.fields[findings]} findings · "
            "{task.fields[quarantined]} quarantined"
        ),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(
            f"scanning {scanner.source}", total=limit, findings=0, quarantined=0
        )
        counts = {"findings": 0, "quarantined": 0}

        def tick(record) -> None:
            TALLY.count(record)
            if record.error:
                counts["quarantined"] += 1
            progress.update(task, advance=1 if (record.events or record.error) else 0, **counts)

        return scanner.scan(full=full, limit=limit, progress=tick, reader=reader, evaluate_all=full)


def print_report(report: ScanReport, as_json: bool, store: Store | None = None) -> None:
    """The scan's report; the organisations not screened on their country said after the
    table (in ``--json``: ``unidentified``; ``ended_not_opened``, every long-ended project,
    streamed from ``store``, where the scan noted them)."""
    if as_json:
        _print_json(report, store)
        return
    table = Table(
        title=f"scan of {report.source}: {report.records} records in {report.seconds:.1f}s",
        show_header=False,
    )
    rows = [
        ("events evaluated", report.events),
        ("unchanged since last scan", report.unchanged),
        # stored records screened again whose result changed (all of them when rulebooks did)
        ("re-screened, changed (new lists, registry or rulebooks)", _rescreened(report)),
        ("evaluated again as funding shares settled", report.reevaluated_for_shares),
        ("quarantined", report.quarantined),
        (
            "new findings",
            ", ".join(f"{n} {s}" for s, n in report.as_dict()["by_severity"].items() if n) or "0",
        ),
        ("findings updated in place (alerting or not)", report.findings_changed),
        ("cases opened", report.cases_opened),
        ("cases reopened: review date came", _cases_in_words(report.reviews_reopened_cases)),
        (
            "cases reopened: finding new or worse",
            _cases_in_words(report.reopened_by_findings_cases),
        ),
        ("alerts queued", report.alerts_queued),
        ("messages sent", report.alerts_delivered),
        ("messages not sent", not_sent(report)),
        (
            "tags " + ("written" if not report.dry_run else "planned (dry run)"),
            report.tags_written if not report.dry_run else report.tags_planned,
        ),
        ("tags left as someone else set them", report.tags_skipped),
        *(
            [("tags planned earlier, unchanged", report.tags_planned_earlier)]
            if report.dry_run
            else []
        ),
        ("write-back errors (will retry)", report.writeback_errors),
        *(
            [("records gone from the source", _gone_in_words(report))]
            if report.gone_from_source or report.gone_not_marked
            else []
        ),
        *([("read incomplete (said below)", len(report.unread))] if report.unread else []),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    Console().print(table)
    _say_writeback_failures(report.writeback_failures)
    for line in unread_in_words(report):
        click.echo(terminal_text(line), err=True)
    if report.unalerted:
        click.echo(unalerted_in_words(report.unalerted), err=True)
    if report.writeback_refused:
        kept = count_of(report.writeback_kept, "write-back")
        click.echo(
            f"{kept} not sent (kept queued: `kvrules writebacks` lists them): "
            f"{terminal_text(report.writeback_refused)}",
            err=True,
        )
    for problem in report.plugin_errors:
        click.echo(
            f"{terminal_text(problem)}: a plugin error, not retried; once the plugin is fixed, "
            "the write-back is queued again when the record is next evaluated (it changes, or "
            "a list or rulebook does)",
            err=True,
        )
    if report.budget_exhausted:
        click.echo(
            f"Stopped after {report.seconds:.0f}s: the scan budget of {report.source} was used "
            "up; what was read is kept and the next scan resumes where this one stopped."
        )
    if report.screened_against:
        click.echo(screened_in_words(report.screened_against, report.list_titles))
    countries = [edition_in_words(s, report.list_titles) for s in report.countries_checked]
    if countries or report.country_profiles:  # as `kvrules check` says it
        said = " and ".join(
            [*countries, *([report.country_profiles] if report.country_profiles else [])]
        )
        click.echo(f"Countries checked against {said}.")
    if report.unidentified:
        # organisations' names as the RIS spells them: shown, never run by the terminal
        click.echo(
            terminal_text(not_identified_in_words(report.unidentified, report.named_like_persons))
        )
    if report.read_as_person:
        click.echo(terminal_text(read_as_persons_in_words(report.read_as_person)))
    if report.ended_not_opened_count:
        said = ended_in_words(report.ended_not_opened_newest, report.ended_not_opened_count)
        click.echo(terminal_text(said))
    if report.funding_not_compared:
        said = report.funding_not_compared[0].upper() + report.funding_not_compared[1:] + "."
        click.echo(terminal_text(said))  # currencies as the RIS writes them
    if report.awards_not_compared:  # no finding for them is no all-clear (kvrules.thresholds)
        from kvrules.thresholds import NotCompared

        missed = NotCompared(
            report.awards_not_compared, report.rules_without_threshold, report.rule_titles
        )
        click.echo(terminal_text(missed.in_words()))


def unread_in_words(report: ScanReport) -> list[str]:
    """What the source has that the scan did not read, and what that means: no record was
    noted gone (their write-backs kept), the full read is not counted as done. None: the
    read was complete."""
    if not report.unread:
        return []
    said = "Nothing was noted gone from the source, no write-back was dropped"
    said += ", and this full read is not counted as one done." if report.full else "."
    return [f"The read of {report.source} is incomplete: {'; '.join(report.unread)}.", said]


SHOWN_CASES = 10  # reopened cases named in the report; the rest counted


def _cases_in_words(case_ids: list[int]) -> str:
    """ "0", "1: case 12", "3: cases 4, 9, 12" (the first ten named; `kvrules findings`)."""
    if not case_ids:
        return "0"
    named = ", ".join(str(i) for i in case_ids[:SHOWN_CASES])
    more = f" and {len(case_ids) - SHOWN_CASES} more" if len(case_ids) > SHOWN_CASES else ""
    return f"{len(case_ids)}: case{'s' if len(case_ids) > 1 else ''} {named}{more}"


SHOWN_UNIDENTIFIED = 10  # named in the report; the rest counted


# reasons a scan prints in full; more are counted (each record's error: kvrules writebacks)
SHOWN_FAILURES = 3


def _say_writeback_failures(failures: dict[str, int]) -> None:
    """Each reason write-backs failed, once, with how many records it stopped (on stderr)."""
    for why, count in list(failures.items())[:SHOWN_FAILURES]:
        records = "1 record" if count == 1 else f"{count} records"
        click.echo(
            f"write-back failed for {records}, retried at the next scan: {terminal_text(why)}",
            err=True,
        )
    if len(failures) > SHOWN_FAILURES:
        others = sum(list(failures.values())[SHOWN_FAILURES:])
        click.echo(
            f"write-back failed for {others} more record(s) for other reasons: "
            "`kvrules writebacks` lists each",
            err=True,
        )


def not_identified_in_words(
    unidentified: dict[str, str | None], named_like_persons: Collection[str] = ()
) -> str:
    """The organisations a scan did not screen on their country, in one line: a person's
    institution (a visitor's, a participant's, a co-author's) nothing identifies, and names
    that are a person's or no organisation's
    (``Enricher``; a partner's or funder's name is set apart only for that reason), and the
    partners named by a given and family name alone that a complete registry does not know
    (``named_like_persons``: ``kvrules.enrich.organisations.SetApart.named_like_persons``)."""
    from kvrules.enrich.organisations import names_a_person_or_no_organisation

    people = {
        name: country
        for name, country in unidentified.items()
        if names_a_person_or_no_organisation(name)
    }
    named = {n: c for n, c in unidentified.items() if n not in people and n in named_like_persons}
    institutions = {n: c for n, c in unidentified.items() if n not in people and n not in named}
    said = []
    if named:
        said.append(
            f"{count_of(len(named), 'partner')} named like a person (a given and family name "
            "alone) that the complete organisation registry does not identify, so not screened "
            f"on a country: {_some(named)}"
        )
    if institutions:
        said.append(
            f"{count_of(len(institutions), 'institution')} of a person (a visitor's, a "
            f"participant's or a co-author's) {not_identified_in()}: "
            f"{_some(institutions)}; for each, {country_not_screened()}"
        )
    if people:
        said.append(
            f"{count_of(len(people), 'name')} of a person or of no organisation given as an "
            f"institution, so not screened on a country: {_some(people)}"
        )
    return "; ".join(said) + f"; {identify(' in the RIS')}."


def _print_json(report: ScanReport, store: Store | None) -> None:
    """The report as one JSON object, its ``ended_not_opened`` (record id → entry, every
    one) written entry by entry from the store: never the whole list in memory."""
    data = report.as_dict()
    kept = data.pop("ended_not_opened")
    head = json.dumps(data)[:-1]
    click.echo(head + (", " if data else "") + '"ended_not_opened": {', nl=False)
    # from the store, every one; a report without its store has the ones it kept
    ended = store.scan_ended(report._serial) if store is not None else iter(kept.items())
    for i, (record_id, entry) in enumerate(ended):
        click.echo(f"{', ' if i else ''}{json.dumps(record_id)}: {json.dumps(entry)}", nl=False)
    click.echo("}}")


def ended_in_words(newest: list[dict], n: int) -> str:
    """The projects that ended long ago whose findings opened no case (``kvrules.ended``):
    the newest (``ScanReport.ended_not_opened_newest``) named, of ``n``."""
    # Newest first, named as the RIS names them; the rest counted (all in --json).
    each = "; ".join(
        f"{e.get('title') or e['record_id']} (record {e['record_id']}, ended {e['ended']}: "
        f"{', '.join(e['rules'])})"
        for e in newest[:SHOWN_UNIDENTIFIED]
    )
    more = n - min(len(newest), SHOWN_UNIDENTIFIED)
    return (
        f"{n} project{'s' if n > 1 else ''} that ended longer ago than ended_projects_quiet_after "
        f"had findings that open no case and send no alert (no restricted-party hit): {each}"
        + (f"; and {more} more (all in --json, ended_not_opened)." if more > 0 else ".")
    )


def read_as_persons_in_words(names: list[str]) -> str:
    """The partners screened on their country only because the registry is partial, in one
    line beside the not-identified one (``kvrules.plain.read_as_person``)."""
    shown = names[:SHOWN_UNIDENTIFIED]
    more = len(names) - len(shown)
    listed = [*shown, f"{more} more"] if more > 0 else shown
    joined = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
    said = read_as_person(joined, many=len(names) > 1)
    return said[0].upper() + said[1:] + "."


def _some(unidentified: dict[str, str | None]) -> str:
    """The first names (with the country they had), the rest counted."""
    named = [_named(name, country) for name, country in unidentified.items()]
    more = len(named) - SHOWN_UNIDENTIFIED
    return ", ".join(named[:SHOWN_UNIDENTIFIED]) + (f" and {more} more" if more > 0 else "")


def _named(name: str, country: str | None) -> str:
    return f"{name} ({country})" if country else name


def unalerted_in_words(unalerted: dict[str, int]) -> str:
    """New findings stored but alerting nobody: no channel is configured for their target."""
    total = sum(unalerted.values())
    targets = ", ".join(f"{t} ({n})" for t, n in sorted(unalerted.items()))
    return (
        f"{total} new finding{'s' if total != 1 else ''} alerted nobody: no alert channel is "
        f"configured for {targets}. They are stored (kvrules findings, the web app); set "
        "`alerts:` in the configuration (kvrules init writes an example; kvrules config check "
        "says what each route needs)."
    )


def not_sent(report: ScanReport) -> str:
    """The messages a scan did not send, as what happened to them: tried and failed, or held
    (not tried: their channel had failed again and again in this run)."""
    said = []
    if report.alerts_failed or report.alerts_held:
        said.append(
            f"{report.alerts_failed} failed, {report.alerts_held} held (will be retried by the "
            "next scan or `kvrules deliver`; `kvrules alerts` lists them)"
        )
    if report.alerts_in_flight:
        said.append(in_flight_in_words(report))
    return "; ".join(said) or "0"


def in_flight_in_words(report: ScanReport) -> str:
    """ "1 message in flight when the last run stopped: sent again after 12:35, marked a
    possible repeat" (it may have arrived: the run was killed before it recorded the answer)."""
    until = datetime.fromisoformat(report.in_flight_until or "").astimezone()
    return (
        f"{count_of(report.alerts_in_flight, 'message')} in flight when the last run stopped "
        f"(or still being sent by another): sent again after {until:%H:%M}, marked a possible "
        "repeat"
    )


def scan_sources(
    config: Config,
    names: list[str],
    *,
    full: bool,
    apply: bool,
    limit: int | None = None,
    as_json: bool = False,
    show: bool = True,
    reader: Reader = "auto",
    evaluator: Evaluator | None = None,
    warn_lists: bool = True,
) -> list[ScanReport]:
    """Scan each named source with one evaluator and enricher; print each report if ``show``.
    ``evaluator``: compiled already (``watch``; its caller closes it), else built here.
    ``warn_lists``: first say, on stderr, which lists the rules read have no edition imported
    (``watch`` says it at its first scan only).

    A source that fails (its adapter's plugin broken or missing, the source unreachable, a
    hook that raised) is reported in one line on stderr as it happens and the other sources
    are still scanned; SourcesFailed at the end names the ones that failed."""
    from kvrules.assembly import (
        AssemblyError,
        build_scanner,
        config_enricher,
        config_evaluator,
        source_adapter,
    )
    from kvrules.last_scan import note_scan
    from kvrules.ruletitles import rule_titles
    from kvrules.scanlock import scan_lock
    from kvrules.source_outage import SourceOutages
    from kvrules.store import Store
    from kvrules.store.storage import StorageError

    enricher = config_enricher(config)
    reports = []
    failed: dict[str, str] = {}  # source -> what went wrong, in one line
    outages: SourceOutages | None = None  # once the store is open
    alerted = False  # an outage alert queued: delivered before the scan ends

    def fail(name: str, message: str) -> None:
        nonlocal alerted
        if outages is not None:  # the store is open: the failure is noted for /healthz
            note_scan(store, name, ok=False)
        if outages is not None and (said := outages.failed(name, message)):
            message, alerted = f"{message}; {said}", alerted or said.endswith(" alerted")
        failed[name] = message
        if len(names) > 1:  # told as it happens; a single source's is the scan's error
            click.echo(message, err=True)

    with contextlib.ExitStack() as scope:
        if evaluator is None:
            evaluator = scope.enter_context(config_evaluator(config))
        if warn_lists:
            _warn_lists_not_imported(evaluator, enricher)
        # scan and watch may start the state database (settings checked its folder)
        store = scope.enter_context(Store.open(config.database, create=True))
        scope.enter_context(scan_lock(config.database))  # one scan at a time: ScanRunning
        outages = SourceOutages(store, config)
        for name in names:
            try:
                adapter = source_adapter(config, name)
            except AssemblyError as e:
                if name not in config.sources:
                    raise  # a usage error, not a source that failed
                fail(name, f"source '{name}' not scanned: {e}")
                continue
            scanner = build_scanner(
                config,
                name,
                store,
                apply=apply or None,
                evaluator=evaluator,
                enricher=enricher,
                adapter=adapter,
            )
            try:
                report = run_scan(scanner, full=full, limit=limit, as_json=as_json, reader=reader)
            except Stopped:
                raise stopped_by_sigterm() from None
            except KeyboardInterrupt:
                # Records are committed as they are processed, the cursor at each resume
                # point (a page): nothing read is lost, and the next read starts there.
                raise click.exceptions.Abort(
                    f"interrupted: the scan of '{name}' stopped; the records it read are kept "
                    "with their findings and cases (alerts and tags wait in their outboxes), "
                    "and the next scan continues where this one stopped"
                ) from None
            except StorageError as e:  # every other source would fail the same way: stop
                raise e.reworded("this page", "and run the scan again: it resumes") from None
            except KvrulesError as e:  # name the source and where it lives, not only a path
                where = scanner.adapter.location()
                fail(
                    name,
                    f"source '{name}'{f' ({where})' if where else ''}: {e}; what was read is "
                    "kept and the next scan resumes where this one stopped",
                )
                continue
            finally:
                scanner.adapter.close()
            if show:
                print_report(report, as_json, store)
            reports.append(report)
            note_scan(store, name, ok=True)
            if said := outages.succeeded(name):
                alerted = alerted or said.endswith(" alerted")
                click.echo(said, err=True)
        if alerted:  # its findings under the titles of the rulebooks this scan ran
            _deliver_now(config, store, rule_titles(evaluator.program.rulebooks))
    if len(names) == 1 and failed:
        raise SourceError(*failed.values())
    if failed:
        raise SourcesFailed(list(failed), reports)
    return reports


def _deliver_now(config: Config, store: Store, titles: RuleTitles | None = None) -> None:
    """Send what is due now (a source's outage alert: no scan of it delivers it); a channel
    that cannot be built leaves it queued for the next scan or `kvrules deliver`. ``titles``:
    those of the rulebooks a scan ran (``watch``'s compiled set, not the files as they are
    now, which may not compile); else read from the configuration's rulebooks."""
    from kvrules.alerts import deliver_due
    from kvrules.assembly import AssemblyError, build_channels
    from kvrules.ruletitles import config_rule_titles
    from kvrules.settings import record_links
    from kvrules.store import RetryPolicy
    from kvrules.timezone import zone

    try:
        channels = build_channels(config)
    except AssemblyError as e:
        click.echo(f"alerts not sent now: {e}", err=True)
        return
    deliver_due(
        store,
        channels,
        policy=RetryPolicy(max_attempts=config.alerts.max_attempts),
        digest=config.alerts.digest_periods(),
        links=record_links(config),
        home_country=config.home_country,
        rule_titles=titles if titles is not None else config_rule_titles(config),
        time_zone=zone(config.time_zone),
    )
    for channel in channels.values():
        channel.close()


def _warn_lists_not_imported(evaluator: Evaluator, enricher: Enricher) -> None:
    """One warning line when the rules read lists the reference store has no edition of."""
    from kvrules.refdata.unimported import lists_not_imported, not_imported_in_words

    editions = [*enricher.screened_against, *enricher.countries_checked]  # "list@edition …"
    imported = {edition.split("@", 1)[0] for edition in editions}
    if missing := lists_not_imported(evaluator.program.rulebooks, imported):
        click.echo(f"warning: {not_imported_in_words(missing)}", err=True)


class SourceError(KvrulesError):
    """A source failed for good during a scan (after the adapter's own retries)."""


class SourcesFailed(SourceError):
    """Some sources failed (each told on its own line); the others were scanned."""

    def __init__(self, failed: list[str], reports: list[ScanReport]) -> None:
        names = ", ".join(f"'{name}'" for name in failed)
        others = "; the other sources were scanned" if reports else ""
        super().__init__(f"scan failed for source(s) {names} (see above){others}")
        self.reports = reports


# What Ctrl-C keeps, wherever it lands in `scan` or `watch` (starting up, reading, between
# scans): records are committed as they are processed and cursors at each resume point, so
# nothing read is lost and the next scan starts where the last one stopped.
INTERRUPTED = (
    "interrupted: the records read so far are kept with their findings and cases (alerts and "
    "tags wait in their outboxes), and the next scan continues where this one stopped"
)
INTERRUPTED_BETWEEN_SCANS = (
    "interrupted between scans: every scan so far is complete and kept; the next scan or "
    "watch continues from there"
)


class _Tally:
    """The records this process has read in its scans: what a SIGTERM's line counts. Also
    where a stop whose ``Stopped`` was swallowed is raised again, at the next record."""

    records = 0
    # SIGTERM came: its handler raises ``Stopped`` wherever the main thread is, and where that
    # is a finaliser or a C path that ignores errors ("Exception ignored in: Decimal(…)"),
    # the exception is lost and the scan ran on to exit 0 (CI, once in five runs)
    stop_asked = False

    def count(self, record: FetchedRecord) -> None:
        if self.stop_asked:
            raise Stopped
        if record.events or record.error:  # as the scan's report counts them
            self.records += 1


TALLY = _Tally()


class Stopped(KeyboardInterrupt):
    """SIGTERM (a service manager stopping kvrules, ``kill``), raised in the main thread as
    Ctrl-C is, so everything Ctrl-C keeps is kept the same way; the command then ends with
    exit status 143 and one line (``stopped_by_sigterm``)."""


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """SIGTERM raises ``Stopped`` while inside; a second one ends the process at once, as
    the service manager means. Only the main thread can have a signal handler: elsewhere
    (a command run in a worker thread) nothing is installed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        TALLY.stop_asked = True  # raised again at the next record if this one is swallowed
        raise Stopped

    def unraisable(args: sys.UnraisableHookArgs) -> None:
        # A ``Stopped`` raised inside a finaliser or a collector callback is lost there and
        # Python would print "Exception ignored in …" with a traceback to the user; the stop
        # itself is raised again at the next record (``TALLY.stop_asked``), so say nothing.
        if args.exc_type is not None and issubclass(args.exc_type, Stopped):
            return
        previous_hook(args)

    previous = signal.signal(signal.SIGTERM, stop)
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = previous_hook
        TALLY.stop_asked = False


class _ReloadAsked(Exception):
    """SIGHUP during `watch`'s pause: the pause ends so the configuration is read now."""


class Hangups:
    """SIGHUP asks `watch` to read its configuration again: at once when it lands in the pause
    between scans, else (mid-scan: the scan is never cut) as soon as that scan ends."""

    def __init__(self) -> None:
        self.asked = False
        self._pausing = False

    def take(self) -> bool:
        """Whether SIGHUP came since the last call."""
        asked, self.asked = self.asked, False
        return asked

    def on_signal(self, signum: int, frame: object) -> None:
        self.asked = True
        if self._pausing:
            self._pausing = False  # a second SIGHUP before the first is handled: one read
            raise _ReloadAsked

    def pause_until(self, remaining: Callable[[], float]) -> bool:
        """Sleep the ``remaining()`` seconds of the pause; True when SIGHUP came first (the
        caller reads the configuration, then calls again for the rest of the pause)."""
        if self.asked:
            return True
        try:  # wherever SIGHUP lands in here, its _ReloadAsked is taken (never a traceback)
            try:
                self._pausing = True
                if self.asked:  # it came between the check above and the line before
                    return True
                time.sleep(max(0.0, remaining()))
            finally:
                self._pausing = False
        except _ReloadAsked:
            return True
        return self.asked


@contextmanager
def hangups_reload() -> Iterator[Hangups]:
    """SIGHUP handled by a ``Hangups`` while inside (by default it ended `watch` with exit
    status 129 and no line); only the main thread can install it, elsewhere it is not."""
    hangups = Hangups()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        yield hangups
        return
    previous = signal.signal(signal.SIGHUP, hangups.on_signal)
    try:
        yield hangups
    finally:
        signal.signal(signal.SIGHUP, previous)


def stopped_by_sigterm(between_scans: bool = False) -> click.ClickException:
    from kvrules.cli import ReportedError

    if between_scans:
        return ReportedError(
            f"stopped by SIGTERM between scans after {count_of(TALLY.records, 'record')}; "
            "every scan so far is complete and kept, and the next scan continues from there",
            143,
        )
    return ReportedError(
        f"stopped by SIGTERM after {count_of(TALLY.records, 'record')}; the records read are "
        "kept with their findings and cases, and the next scan resumes where this one stopped",
        143,
    )


@contextmanager
def interrupts_said(
    line: Callable[[], str] = lambda: INTERRUPTED, between_scans: Callable[[], bool] = bool
) -> Iterator[None]:
    """Ctrl-C ends the command with exit status 130 and the documented ``interrupted`` line
    (``line()``, read when it happens); a more precise one said inside (the scan of one
    source) is kept. SIGTERM ends it with 143 and its own line (``between_scans()``: where
    it landed)."""
    try:
        with sigterm_stops():
            yield
    except Stopped:
        raise stopped_by_sigterm(between_scans()) from None
    except KeyboardInterrupt:
        raise click.exceptions.Abort(line()) from None


def _gone_in_words(report: ScanReport) -> str:
    """What the complete read found missing: "3 (2 cases flagged for the committee; their
    pending write-backs dropped)", or why nothing was marked."""
    if report.gone_not_marked:
        return (
            f"{report.gone_not_marked} not seen, not marked gone: more than half of the "
            "records remembered; check the source's settings and account"
        )
    cases = count_of(report.gone_with_case, "case")
    return f"{report.gone_from_source} ({cases} flagged for the committee; write-backs dropped)"


def _source_names(config: Config, source: str | None) -> list[str]:
    if source:
        return [source]
    if not config.sources:
        raise click.UsageError(
            "no source configured: write kvrules.yaml (kvrules init) or set "
            "KVRULES_PURE_BASE_URL and KVRULES_PURE_API_KEY, or KVRULES_CONVERIS_BASE_URL, "
            "_USERNAME and _PASSWORD"
        )
    return list(config.sources)


@click.command()
@settings_options
@click.option("--source", help="one configured source (default: all)")
@click.option(
    "--full",
    is_flag=True,
    help="ignore the stored cursor, read everything and evaluate every record again",
)
@click.option("--apply", is_flag=True, help="write tags to the source (default: dry run)")
@click.option("--limit", type=click.IntRange(min=1), help="stop after N records")
@click.option(
    "--reader",
    type=click.Choice(["auto", "process", "thread"]),
    default="auto",
    show_default=True,
    help="read the source in a process of its own (the scan then uses two cores) or on a "
    "thread; auto: a process for full reads of adapters that allow it, given two cores or more",
)
@JSON_OPTION
def scan(config_path, db, refdata, source, full, apply, limit, reader, as_json) -> None:
    """Fetch, screen, evaluate, store findings, queue and deliver alerts, write tags back.

    Exit status: 0 done; 1 an error (bad config, a source that failed: the others are still
    scanned; a plugin's hook that broke its contract; a full or read-only disk); 2 done with
    records quarantined (`kvrules quarantine` lists them), as `kvrules fetch`, or with records
    not read (a listing that ended short of its count: said in one line); 130 stopped by
    Ctrl-C, 143 by SIGTERM (one line each; what was read is kept, the next scan resumes).
    """
    with interrupts_said():
        config = config_from(config_path, db, refdata, screens=True)
        reports = scan_sources(
            config,
            _source_names(config, source),
            full=full,
            apply=apply,
            limit=limit,
            as_json=as_json,
            reader=reader,
        )
    # A scheduler should notice records that were set aside, not only failures.
    if any(report.plugin_errors for report in reports):
        sys.exit(1)
    sys.exit(2 if any(report.quarantined or report.unread for report in reports) else 0)


@click.command()
@settings_options
@click.option(
    "--requeue",
    type=int,
    multiple=True,
    metavar="ID",
    help="give this dead-lettered alert a fresh set of attempts first (kvrules alerts --status "
    "dead lists them); repeatable",
)
@click.option("--now", is_flag=True, help="also send alerts still waiting out a retry delay")
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
def deliver(config_path, db, refdata, requeue, now, as_json) -> None:
    """Send the alerts that are due, without scanning (e.g. once a mail server is back)."""
    from kvrules.actors import cli_actor
    from kvrules.alerts import DeliveryReport, deliver_due
    from kvrules.assembly import AssemblyError, build_channels
    from kvrules.ruletitles import config_rule_titles
    from kvrules.settings import record_links
    from kvrules.store import RetryPolicy
    from kvrules.timezone import zone

    config = config_from(config_path, db, refdata)
    try:
        channels = build_channels(config)
    except AssemblyError as e:
        raise click.UsageError(str(e)) from None
    titles = config_rule_titles(config)  # each finding under its rule's title now
    actor = cli_actor()
    with open_existing(config.database) as store:
        for row_id in requeue:
            try:
                if not store.requeue_alert(row_id, actor=actor):
                    raise click.UsageError(_not_requeued(store.alert(row_id), row_id))
            except ValueError as e:  # its body was purged by the retention policy
                raise click.UsageError(str(e)) from None
        expedited = store.expedite_alerts(actor=actor) if now else 0
        report = DeliveryReport()
        while True:  # deliver_due sends one batch; drain what is due now, as a scan does
            batch = deliver_due(
                store,
                channels,
                policy=RetryPolicy(max_attempts=config.alerts.max_attempts),
                digest=config.alerts.digest_periods(),
                links=record_links(config),
                home_country=config.home_country,
                rule_titles=titles,
                time_zone=zone(config.time_zone),
            )
            report.delivered += batch.delivered
            report.retrying += batch.retrying
            report.held += batch.held
            report.dead += batch.dead
            report.waiting = batch.waiting  # the same held rows are seen by every batch
            if not batch.delivered:
                break
    summary = {
        "requeued": len(requeue),
        "expedited": expedited,
        "delivered": len(report.delivered),
        "retrying": len(report.retrying),
        "held_channel_failing": len(report.held),
        "dead": len(report.dead),
        "waiting_for_digest": report.waiting,
    }
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))
    if report.retrying or report.dead or report.held:
        sys.exit(1)  # a scheduler should notice: something was not delivered


def _not_requeued(row: OutboxAlert | None, row_id: int) -> str:
    """Why ``--requeue ID`` did nothing: no such alert, or one that is not dead-lettered."""
    if row is None:
        return (
            f"alert {row_id} does not exist: `kvrules alerts --status dead` lists the "
            "dead-lettered ones"
        )
    return f"alert {row_id} is not dead-lettered (it is {row.status})"


@click.command()
@settings_options
@click.option(
    "--interval",
    type=DURATION,
    help="time between scans, e.g. 15m (default: the config's `interval`)",
)
@click.option("--apply", is_flag=True, help="write tags to the source (default: dry run)")
@click.option("--times", type=click.IntRange(min=1), help="stop after N scans (default: never)")
def watch(config_path, db, refdata, interval, apply, times) -> None:
    """Scan incrementally every INTERVAL, forever (Ctrl-C stops it; what was read is kept).

    Prints one line per scan: when it ran, what it found, and when the next one starts. A scan
    that fails is reported on its line and retried at the next one.

    Exit status (with --times): 0 every scan done; 1 a scan failed (each said on its line).
    130 stopped by Ctrl-C, 143 by SIGTERM, with one line saying what was kept."""
    between_scans = False  # where a Ctrl-C lands decides what it tells
    failed = 0

    def interrupted() -> str:
        return INTERRUPTED_BETWEEN_SCANS if between_scans else INTERRUPTED

    from kvrules.watch_config import WatchedConfig
    from kvrules.watch_refusals import Refusals

    def read():
        return settings_from(config_path, db, refdata)

    def say(line: str | None) -> None:
        if line:
            click.echo(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} {line}")

    refusals = Refusals()  # each refusal alerted once, as it is said once

    def alerted(config: Config, what: str, refused: str | None, kept: str) -> tuple[str, bool]:
        """Alert ``refused`` unless it was (words for the line, "" when not due; whether it
        is queued). One not queued is tried again at the next scan."""
        if not refusals.due(what, refused):
            return "", False
        assert refused is not None
        words, queued = _refusal_alerted(config, what, refused, kept)
        if queued:
            refusals.told(what, refused)
        return words, queued

    def reread(asked: bool) -> None:
        """Read the configuration again if it changed (or SIGHUP asked); a refusal is said
        on its line once, and alerted once (an alert not queued: tried again, said when
        queued)."""
        line = watched.refresh(asked=asked)
        words, queued = alerted(watched.config, "configuration", watched.refused, watched.kept)
        if line and words:
            line += "; " + words
        elif words and queued:  # said before, alerted only now
            line = f"configuration: {watched.refused}; still running with {watched.kept}; {words}"
        say(line)

    with (
        interrupts_said(interrupted, lambda: between_scans),
        contextlib.ExitStack() as scope,
        hangups_reload() as hangup,
        stamped_warnings(),
    ):
        first = read()
        say_home_country_unset(first)
        watched = scope.enter_context(WatchedConfig(first, read))
        _source_names(watched.config, None)  # none configured: a usage error before any scan
        # Intervals are timed on the monotonic clock: a wall clock stepped (NTP, a VM resumed)
        # during a scan made a 30 s pause 3,629 s. The wall clock is only what lines show.
        lists_due: float | None = None
        said_refused: str | None = None  # the rulebooks' refusal last said
        runs = 0
        while times is None or runs < times:
            between_scans = False
            if runs:  # the files named changed, or SIGHUP came during the last scan
                reread(hangup.take())
            config = watched.config
            period = interval or parse_duration(config.interval)
            names = _source_names(config, None)
            every = config.refdata_update_every
            started = datetime.now().astimezone()
            begun = time.monotonic()
            if every and (lists_due is None or begun >= lists_due):
                click.echo(f"{started:%Y-%m-%d %H:%M:%S} lists: {update_lists(config)}")
                lists_due = begun + parse_duration(every).total_seconds()
            try:
                evaluator, changed = watched.rulebooks.evaluator()
                if changed and runs:  # compiled again: say which file changed
                    click.echo(
                        f"{started:%Y-%m-%d %H:%M:%S} rulebooks: {_files_in_words(changed)} "
                        "changed, compiled again"
                    )
                refused = watched.rulebooks.refused
                if refused and refused != said_refused:  # once, not at every scan
                    at = datetime.fromtimestamp(watched.rulebooks.compiled_at).astimezone()
                    kept = f"the rulebooks compiled at {at:%H:%M}"
                    words, _ = alerted(config, "rulebooks", refused, kept)
                    click.echo(
                        f"{started:%Y-%m-%d %H:%M:%S} rulebooks: {refused}; not taken, still "
                        f"scanning with {kept}" + (f"; {words}" if words else "")
                    )
                elif refused:  # said: an alert not queued then is tried again
                    at = datetime.fromtimestamp(watched.rulebooks.compiled_at).astimezone()
                    kept = f"the rulebooks compiled at {at:%H:%M}"
                    words, queued = alerted(config, "rulebooks", refused, kept)
                    if queued:
                        click.echo(
                            f"{started:%Y-%m-%d %H:%M:%S} rulebooks: {refused}; not taken, "
                            f"still scanning with {kept}; {words}"
                        )
                else:
                    refusals.due("rulebooks", None)  # compiled: a later refusal is told again
                said_refused = refused
                reports = scan_sources(
                    config,
                    names,
                    full=False,
                    apply=apply,
                    as_json=True,
                    show=False,
                    evaluator=evaluator,
                    warn_lists=runs == 0,
                )
            except SourcesFailed as e:  # the others were scanned: say what they found too
                line = "; ".join([*(watch_summary(r) for r in e.reports), f"failed: {e}"])
                failed += 1
            except KvrulesError as e:
                line = f"failed: {e}"
                failed += 1
            else:
                line = "; ".join(watch_summary(r) for r in reports)
            between_scans = True
            runs += 1
            last = times is not None and runs >= times
            due = begun + period.total_seconds()
            now = datetime.now().astimezone()  # shown: the next scan on today's wall clock
            upcoming = (
                "" if last else next_scan(now + timedelta(seconds=due - time.monotonic()), now)
            )
            click.echo(f"{started:%Y-%m-%d %H:%M:%S} {line}{upcoming}")
            if last:
                break
            while hangup.pause_until(lambda due=due: due - time.monotonic()):
                reread(hangup.take())  # SIGHUP: read it now, then wait on
    if failed:  # a scheduler running `watch --times N` should notice
        sys.exit(1)


def _refusal_alerted(config: Config, what: str, refused: str, kept: str) -> tuple[str, bool]:
    """Alert the outage route of ``config`` (the one in force) that ``what`` was changed into
    one not taken (``kvrules.watch_refusals``), sent now: no scan's delivery is due. The words
    for the line, and whether the alert is queued (or nobody is routed to: nothing to try
    again). A state database that cannot be written is said, and the watch goes on."""
    from kvrules.store import Store
    from kvrules.watch_refusals import queue_refusal

    try:
        with Store.open(config.database, create=True) as store:
            said = queue_refusal(store, config, what, refused, kept)
            if said.endswith(" alerted"):
                _deliver_now(config, store)
    except KvrulesError as e:
        return f"nobody alerted yet: {e}; tried again at the next scan", False
    return said, True


def _waiting(report: ScanReport) -> str:
    """Alerts the outbox holds because delivery failed: "0 alerts" alone read as all sent."""
    if not report.alerts_waiting:
        return ""
    down = "; ".join(
        f"{channel} unreachable since {datetime.fromisoformat(since).astimezone():%Y-%m-%d %H:%M}"
        for channel, since in sorted(report.channels_unreachable.items())
    )
    return f" ({report.alerts_waiting} held: {down or 'delivery failing, see `kvrules alerts`'})"


def next_scan(due: datetime, now: datetime) -> str:
    """When the next scan starts, for the end of a `watch` line: a scan that took longer than
    the interval is followed at once, and the line says "now", not a time already past."""
    return f" · next scan at {due:%H:%M:%S}" if due > now else " · next scan now"


def _files_in_words(files: list[Path]) -> str:
    """Rulebook files by name ('a.yaml, b.yaml'), the first few; the rest counted."""
    named = ", ".join(f.name for f in files[:3])
    return named + (f" and {len(files) - 3} more" if len(files) > 3 else "")


def update_lists(config: Config) -> str:
    """The scheduled list update (config ``refdata_update_every``), in one line; a failure is
    reported and the scan goes on with the editions it has."""
    from kvrules.refdata.shipped import open_reference_store
    from kvrules.refdata.update import one_line, scheduled_update

    try:
        with open_reference_store(config.reference_data, create=True) as store:
            return one_line(scheduled_update(store, config.refdata_update_lists or None))
    except KvrulesError as e:
        return f"not updated: {e}"


def _rescreened(report: ScanReport) -> str:
    """How many stored records were re-screened, and each thing that changed in what
    screening uses: "4,501: us-dod-1286 2026.9 → 2026.10, area glossary de (new), language
    guess (new)" (``ScanReport.rescreened_because``)."""
    count = f"{report.rescreened:,}"
    if report.rescreened and report.rescreened_because:
        return f"{count}: {', '.join(report.rescreened_because)}"
    return count


def _reopened(report: ScanReport) -> str:
    """Decided cases this scan reopened, both kinds, for the one line: "3 cases reopened
    (finding new or worse 3: cases 3, 1, 2), " (nothing when none). Before, a watch line said
    "0 cases opened, 9 alerts" when the alerts were for 3 reopened decided cases."""
    kinds = [
        (what, cases)
        for what, cases in (
            ("finding new or worse", report.reopened_by_findings_cases),
            ("review date came", report.reviews_reopened_cases),
        )
        if cases
    ]
    if not kinds:
        return ""
    said = "; ".join(f"{what} {_cases_in_words(cases)}" for what, cases in kinds)
    return f"{count_of(report.cases_reopened, 'case')} reopened ({said}), "


def watch_summary(report: ScanReport) -> str:
    """One scan in one line, for `watch` and logs."""
    findings = report.as_dict()["by_severity"]
    found = ", ".join(f"{n} {s}" for s, n in findings.items() if n) or "no"
    rescreened = f"re-screened {_rescreened(report)}, " if report.rescreened else ""
    return (
        f"{report.source}: {report.records} records in {report.seconds:.1f}s, {rescreened}"
        f"{found} new findings, {report.cases_opened} cases opened, {_reopened(report)}"
        f"{report.alerts_queued} alerts{_waiting(report)}"
        + (f" ({in_flight_in_words(report)})" if report.alerts_in_flight else "")
        + f", {report.quarantined} quarantined"
        + (f", read incomplete: {'; '.join(report.unread)}" if report.unread else "")
        + (
            f", {count_of(len(report.unidentified), 'name')} {NOT_IDENTIFIED}"
            if report.unidentified
            else ""
        )
    )
