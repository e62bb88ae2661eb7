"""``kvrules scan``, ``watch``, ``init`` and ``config check``: running kvrules on a schedule."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kvrules.config import (
    DEFAULT_PATH,
    Config,
    ConfigError,
    env_config,
    load_config,
    parse_duration,
    write_template,
)
from kvrules.pipeline import Scanner, ScanReport

CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="KVRULES_CONFIG",
    help=f"configuration file (default: ./{DEFAULT_PATH} if present, else KVRULES_PURE_* "
    "variables and the shipped rulebooks and lists)",
)


def resolve_config(config_path: Path | None, db: Path | None) -> Config:
    if config_path is None and DEFAULT_PATH.exists():
        config_path = DEFAULT_PATH
    if config_path is None:
        return env_config(db)
    try:
        config = load_config(config_path)
    except ConfigError as e:
        for problem in e.diagnostics:
            click.echo(str(problem), err=True)
        sys.exit(1)
    if db is not None:
        config.database = db
    return config


def run_scan(scanner: Scanner, *, full: bool, limit: int | None, as_json: bool) -> ScanReport:
    """One scan with a progress display on a terminal (records/s and elapsed time)."""
    console = Console(stderr=True)
    if as_json or not console.is_terminal:
        return scanner.scan(full=full, limit=limit)
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
            if record.error:
                counts["quarantined"] += 1
            progress.update(task, advance=1 if (record.events or record.error) else 0, **counts)

        return scanner.scan(full=full, limit=limit, progress=tick)


def print_report(report: ScanReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    table = Table(
        title=f"scan of {report.source}: {report.records} records in {report.seconds:.1f}s",
        show_header=False,
    )
    rows = [
        ("events evaluated", report.events),
        ("unchanged since last scan", report.unchanged),
        ("re-screened (new lists or rulebooks)", report.rescreened),
        ("quarantined", report.quarantined),
        (
            "new findings",
            ", ".join(f"{n} {s}" for s, n in report.as_dict()["by_severity"].items() if n) or "0",
        ),
        ("cases opened", report.cases_opened),
        ("cases reopened for review", report.reviews_reopened),
        (
            "alerts queued / delivered / failed",
            f"{report.alerts_queued} / {report.alerts_delivered} / {report.alerts_failed}",
        ),
        (
            "tags " + ("written" if not report.dry_run else "planned (dry run)"),
            report.tags_written if not report.dry_run else report.tags_planned,
        ),
        ("tags left as someone else set them", report.tags_skipped),
        ("write-back errors (will retry)", report.writeback_errors),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    Console().print(table)
    if report.screened_against:
        click.echo(
            f"Organisations screened against {', '.join(report.screened_against)}; "
            "not on a list means not found in these editions, not that a partner is safe."
        )


@click.command()
@CONFIG_OPTION
@click.option("--source", help="one configured source (default: all)")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite state file")
@click.option("--full", is_flag=True, help="ignore the stored cursor and read everything")
@click.option("--apply", is_flag=True, help="write tags to the source (default: dry run)")
@click.option("--limit", type=click.IntRange(min=1), help="stop after N records")
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
def scan(config_path, source, db, full, apply, limit, as_json) -> None:
    """Fetch, screen, evaluate, store findings, queue and deliver alerts, write tags back."""
    from kvrules.assembly import AssemblyError, build_evaluator, build_scanner
    from kvrules.enrich import Enricher
    from kvrules.enrich.areas import AreaDataError
    from kvrules.rulebook.loader import RulebookError
    from kvrules.store import Store

    config = resolve_config(config_path, db)
    names = [source] if source else list(config.sources)
    if not names:
        raise click.UsageError(
            "no source configured: write kvrules.yaml (kvrules init) or set "
            "KVRULES_PURE_BASE_URL and KVRULES_PURE_API_KEY"
        )
    try:
        enricher = Enricher.from_store(config.reference_data, taxonomies=config.area_taxonomies)
    except AreaDataError as e:  # a file the institution wrote: name it, no traceback
        raise click.UsageError(f"area_taxonomies: {e}") from None
    try:
        evaluator = build_evaluator(config.rulebooks, config.rulebook_vars)
    except RulebookError as e:  # path:line:col: message for each problem, no traceback
        for problem in e.diagnostics:
            click.echo(str(problem), err=True)
        sys.exit(1)
    with Store.open(config.database) as store:
        for name in names:
            try:
                scanner = build_scanner(
                    config, name, store, apply=apply or None, evaluator=evaluator, enricher=enricher
                )
            except AssemblyError as e:
                raise click.UsageError(str(e)) from None
            print_report(run_scan(scanner, full=full, limit=limit, as_json=as_json), as_json)
    evaluator.close()


@click.command()
@CONFIG_OPTION
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite state file")
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
def deliver(config_path, db, requeue, now, as_json) -> None:
    """Send the alerts that are due, without scanning (e.g. once a mail server is back)."""
    from kvrules.actors import cli_actor
    from kvrules.alerts import DeliveryReport, deliver_due
    from kvrules.assembly import AssemblyError, build_channels
    from kvrules.store import RetryPolicy
    from kvrules.views_cli import open_existing

    config = resolve_config(config_path, db)
    try:
        channels = build_channels(config)
    except AssemblyError as e:
        raise click.UsageError(str(e)) from None
    actor = cli_actor()
    with open_existing(config.database) as store:
        for row_id in requeue:
            try:
                if not store.requeue_alert(row_id, actor=actor):
                    raise click.UsageError(f"alert {row_id} is not dead-lettered")
            except ValueError as e:  # its body was purged by the retention policy
                raise click.UsageError(str(e)) from None
        expedited = store.expedite_alerts(actor=actor) if now else 0
        report = DeliveryReport()
        while True:  # deliver_due sends one batch; drain what is due now, as a scan does
            batch = deliver_due(
                store,
                channels,
                policy=RetryPolicy(max_attempts=config.alerts.max_attempts),
                digest={name: parse_duration(p) for name, p in config.alerts.digest.items()},
            )
            report.delivered += batch.delivered
            report.retrying += batch.retrying
            report.dead += batch.dead
            report.waiting = batch.waiting  # the same held rows are seen by every batch
            if not batch.delivered:
                break
    summary = {
        "requeued": len(requeue),
        "expedited": expedited,
        "delivered": len(report.delivered),
        "retrying": len(report.retrying),
        "dead": len(report.dead),
        "waiting_for_digest": report.waiting,
    }
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))
    if report.retrying or report.dead:
        sys.exit(1)  # a scheduler should notice: something was not delivered


@click.command()
@CONFIG_OPTION
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--interval", help="time between scans, e.g. 15m (default: from the config)")
@click.option("--apply", is_flag=True)
@click.option("--times", type=click.IntRange(min=1), help="stop after N scans (default: never)")
def watch(config_path, db, interval, apply, times) -> None:
    """Scan incrementally every INTERVAL, forever (Ctrl-C stops between scans)."""
    config = resolve_config(config_path, db)
    period = parse_duration(interval or config.interval).total_seconds()
    ctx = click.get_current_context()
    runs = 0
    while times is None or runs < times:
        ctx.invoke(
            scan,
            config_path=config_path,
            source=None,
            db=db,
            full=False,
            apply=apply,
            limit=None,
            as_json=False,
        )
        runs += 1
        if times is None or runs < times:
            time.sleep(period)


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_PATH)
def init(path: Path) -> None:
    """Write a commented configuration template."""
    try:
        write_template(path)
    except FileExistsError:
        raise click.ClickException(f"{path} exists; not overwriting it") from None
    click.echo(f"wrote {path}; edit it, then run `kvrules config check {path}`")


@click.group("config")
def config_group() -> None:
    """Configuration file commands."""


@config_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_PATH)
def config_check(path: Path) -> None:
    """Validate a configuration file: settings, adapters, channels, rulebooks."""
    from kvrules.assembly import (
        AssemblyError,
        build_adapter,
        build_channels,
        build_evaluator,
        build_rates,
    )
    from kvrules.enrich.areas import AreaDataError, Classifier
    from kvrules.rulebook.loader import RulebookError

    config = resolve_config(path, None)
    problems: list[str] = []
    for name, src in config.sources.items():
        try:
            build_adapter(src.adapter, src.settings).close()
        except AssemblyError as e:
            problems.append(f"{path}: sources.{name}: {e}")
    try:
        build_channels(config)
    except (AssemblyError, ValueError) as e:
        problems.append(f"{path}: alerts: {e}")
    try:
        build_evaluator(config.rulebooks, config.rulebook_vars).close()
    except RulebookError as e:
        problems += [str(d) for d in e.diagnostics]
    try:
        build_rates(config)
    except AssemblyError as e:
        problems.append(f"{path}: exchange_rates: {e}")
    try:
        Classifier.from_paths(config.area_taxonomies)
    except AreaDataError as e:
        problems.append(f"{path}: area_taxonomies: {e}")
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(
        f"ok: {len(config.sources)} source(s), {len(config.alerts.channels)} alert "
        f"channel(s), database {config.database}"
    )
