"""``kvrules purge``: apply the retention policy (the config's ``retention:`` section).

A dry run by default: what would go, per category. ``--apply`` purges each category in its own
transaction with one ``retention.purged`` audit entry, then compacts the file (VACUUM) and
truncates the write-ahead log so the content leaves the disk, not only the tables.

It also names the sources the configuration no longer has whose adapters' state (the rows
kept beside their cursors: record ids and the organisations they use) is still in the file;
``--apply`` drops it with their cursors (``source.forgotten``), as nothing would otherwise.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kvrules.cli.options import JSON_OPTION, config_from, open_existing, settings_options
from kvrules.config import retention_cutoff
from kvrules.store.retention import CategoryResult, Cutoff


def _busy(e: sqlite3.OperationalError) -> str:
    """What to say when the write lock was not had in time; other errors go up unchanged.
    (A scan re-screening the portfolio holds the write lock for one long transaction.)"""
    if "locked" not in str(e) and "busy" not in str(e):
        raise e
    return (
        f"the database is busy ({e}): a scan or another kvrules process is writing; "
        "try again when it has finished"
    )


def cutoffs_of(periods: dict[str, str | None], now: datetime) -> list[Cutoff]:
    """The configured retention periods as cut-offs at ``now`` (a category kept forever: none)."""
    return [
        Cutoff(category, keep, retention_cutoff(keep, now))
        for category, keep in periods.items()
        if keep is not None
    ]


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "–"


@click.command()
@settings_options
@click.option("--apply", is_flag=True, help="purge, audit and compact the file (default: dry run)")
@JSON_OPTION
def purge(
    config_path: Path | None, db: Path | None, refdata: Path | None, apply: bool, as_json: bool
) -> None:
    """Remove personal data older than the retention policy (dry run unless --apply).

    Open cases, cases with a pending review date or open mitigations, decisions, adjudications
    and the audit log are never purged. With --apply the file is compacted (VACUUM) and its
    write-ahead log checkpointed and truncated; back-ups made before still hold the data.

    The adapter state of sources no longer in the configuration is dropped too, with their
    cursors: a source that comes back is read in full.
    """
    config = config_from(config_path, db, refdata)
    periods = config.retention.periods()
    compacted: dict | None = None
    problem: str | None = None
    try:
        # a dry run only reads: an older database is refused, not upgraded by a survey
        store = open_existing(config.database, read_only=not apply)
    except sqlite3.OperationalError as e:
        raise click.ClickException(_busy(e)) from None
    with store:
        now = store.clock()
        cutoffs = cutoffs_of(periods, now)
        try:
            done = store.purge_expired(cutoffs) if apply else store.retention_survey(cutoffs)
            unconfigured = store.unconfigured_adapter_state(config.sources)
            if apply and unconfigured:
                from kvrules.actors import cli_actor

                store.forget_sources(unconfigured, actor=cli_actor())
        except sqlite3.OperationalError as e:  # each category is its own transaction
            raise click.ClickException(
                _busy(e) + "; categories purged before it stay purged (and audited)"
            ) from None
        if apply:
            try:
                compacted = store.compact()
            except sqlite3.OperationalError as e:
                problem = (
                    f"purged, but the file could not be compacted ({e}): deleted content is "
                    "zeroed but may remain in the write-ahead log; run `kvrules purge --apply` "
                    "again when no other kvrules process is writing"
                )
            else:
                if not compacted["checkpoint_complete"]:
                    problem = (
                        "purged, but another process was reading the database, so the "
                        "write-ahead log could not be folded back in and the file may still "
                        "hold old pages; run `kvrules purge --apply` again when the web app "
                        "and scans are idle"
                    )
    by_category = {r.category: r for r in done}
    results = [
        by_category.get(category) or CategoryResult(category, None, None) for category in periods
    ]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "applied": apply,
                    "database": str(config.database),
                    "now": now.isoformat(),
                    "categories": [r.as_dict() for r in results],
                    "unconfigured_sources": unconfigured,  # source -> adapter state rows
                    "compacted": compacted,
                }
            )
        )
    else:
        _print(results, apply, now, compacted)
        for source, rows in unconfigured.items():
            click.echo(
                f"source '{source}' is no longer configured: {rows} row(s) of adapter state "
                + ("and its cursor dropped" if apply else "would be dropped with its cursor")
            )
    if problem:
        click.echo(f"warning: {problem}", err=True)
        sys.exit(1)


def _print(results: list[CategoryResult], apply: bool, now: datetime, compacted) -> None:
    verb = "purged" if apply else "would purge"
    table = Table(title=f"retention policy on {_day(now)}: {verb}")
    for col in ("category", "keep", "cut-off", verb, "oldest", "newest", "kept: case active"):
        table.add_column(col, overflow="fold")
    for r in results:
        table.add_row(
            r.category,
            r.keep or "forever",
            _day(r.cutoff),
            str(r.count) if r.keep else "–",
            _day(r.oldest),
            _day(r.newest),
            str(r.protected) if r.protected else "",
        )
    Console().print(table)
    total = sum(r.count for r in results)
    if not apply:
        click.echo(
            f"dry run: nothing was changed ({total} row(s) due). `kvrules purge --apply` "
            "purges them, audits each category (retention.purged) and compacts the file."
        )
        return
    click.echo(f"{total} row(s) purged; one `retention.purged` audit entry per category.")
    if compacted:
        click.echo(
            f"file compacted (VACUUM): {compacted['bytes_before']:,} → "
            f"{compacted['bytes_after']:,} bytes; write-ahead log checkpointed and truncated."
        )
