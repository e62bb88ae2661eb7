"""``kvrules fetch``: preview what the rules will see, without evaluating or writing.

The adapter's settings come, in this order of weight, from ``--set KEY=VALUE`` (repeatable;
JSON values such as lists are parsed) and ``--path`` (shorthand for ``--set path=...``), its
environment variables (``KVRULES_PURE_*`` …), and the config file's source of that name — the
same settings a scan uses (kvrules.settings).

Every line it prints from the source's data (titles, record ids, quarantine reasons, "not
read: …", the fields --explain names) goes through ``terminal_text``: shown, never run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kvrules import jsonguard
from kvrules.cli.options import CONFIG_OPTION, DB_OPTION, REFDATA_OPTION, config_from
from kvrules.cli.output import terminal_text
from kvrules.errors import KvrulesError


def _refuse_secret(adapter: str, key: str) -> None:
    """A secret on the command line is in ``ps`` and the shell's history: refused as
    ``kvrules.yaml`` refuses one written in it, with the same advice (never the value)."""
    from kvrules.config import SECRET_KEYS
    from kvrules.credentials import secret_advice
    from kvrules.plugins import get_adapters

    if SECRET_KEYS.search(key):
        settings = getattr(get_adapters().get(adapter), "Config", None)
        raise click.BadParameter(
            f"'{key}' looks like a secret: on the command line it is visible to every "
            f"account on the machine (ps) and kept in the shell's history; "
            + secret_advice(settings, key),
            param_hint="--set",
        )


def _options(path: Path | None, settings: tuple[str, ...], adapter: str = "") -> dict[str, Any]:
    options: dict[str, Any] = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            # the item is not quoted: a mistyped secret ('api_key:…') must not be echoed
            raise click.BadParameter("expected KEY=VALUE", param_hint="--set")
        if value:
            _refuse_secret(adapter, key.strip())
        try:
            options[key.strip()] = jsonguard.loads(value)
        except ValueError:
            options[key.strip()] = value
    if path is not None:
        options["path"] = path
    return options


def _title(event: Any) -> str | None:
    subject = event.project or event.output or event.visit
    return getattr(subject, "title", None) or getattr(subject, "purpose", None)


def _summary(event: Any) -> str:
    title = _title(event) or ""
    extra = ""
    if event.project is not None:
        extra = f"  partners={len(event.project.partners)} funders={len(event.project.funders)}"
    return f"{event.kind.value:17} {event.source.record_id}  {title}{extra}"


def _explained(adapter: Any, record: Any, as_json: bool) -> None:
    """One record's block: a line naming it (its id, as its quarantine line names it, and its
    title), its quarantine reason, then the fields read and ignored."""
    explanation = adapter.explain(record)
    if as_json:
        if explanation is not None:
            click.echo(explanation.model_dump_json(), err=True)
        return
    title = next((t for e in record.events if (t := _title(e))), None)
    title = title or (explanation.title if explanation is not None else None)
    click.echo(terminal_text(f"record {record.record_id}" + (f": {title}" if title else "")))
    if record.error is not None:
        click.echo(terminal_text(f"  quarantined: {record.error}"))
    for event in record.events:
        click.echo(terminal_text(f"  {_summary(event)}"))
    _explain(adapter, explanation)


def _explain(adapter: Any, explanation: Any) -> None:
    if explanation is None:
        click.echo(f"  explain: the {adapter.name} adapter cannot tell which fields it read")
    else:
        # the fields a record holds are named as the source names them: shown, never run
        click.echo(terminal_text(f"  read:    {', '.join(explanation.read) or '-'}"))
        click.echo(terminal_text(f"  ignored: {', '.join(explanation.ignored) or '-'}"))
        for note in explanation.notes:
            click.echo(terminal_text(f"  note:    {note}"))


@click.command("fetch")
@click.option(
    "--source",
    required=True,
    help="a source named in the config (its settings apply), or an adapter name, e.g. pure",
)
@CONFIG_OPTION
@DB_OPTION  # read only, and only with --cursor: the rows the adapter kept beside its cursor
@REFDATA_OPTION
@click.option("--limit", type=click.IntRange(min=1), help="stop after N records")
@click.option("--json", "as_json", is_flag=True, help="one CollaborationEvent JSON per line")
@click.option("--path", type=click.Path(path_type=Path), help="shorthand for --set path=PATH")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="adapter setting")
@click.option(
    "--cursor",
    help="resume point from an earlier scan (default: everything); the adapter reads what it "
    "kept beside it in the state database (--db), which fetch never writes",
)
@click.option(
    "--raw",
    is_flag=True,
    help="the records as mapped, before enrichment (list hits, country signals and research "
    "areas are then empty)",
)
@click.option(
    "--explain",
    is_flag=True,
    help="per record, the source fields the mapping read and those present but ignored "
    "(the adapter re-reads each record; with --json, as JSON lines on stderr)",
)
def fetch(
    source: str,
    config_path: Path | None,
    db: Path | None,
    refdata: Path | None,
    limit: int | None,
    as_json: bool,
    path: Path | None,
    settings: tuple[str, ...],
    cursor: str | None,
    raw: bool,
    explain: bool,
) -> None:
    """Print the canonical records an adapter produces, enriched exactly as a scan enriches
    them before the rules see them (the reference store and taxonomies of the configuration).

    Quarantined records go to stderr with their id and reason (exit status 2 if any), and so
    does a listing that ended short of its count ("not read: …"; exit status 2 too).
    Nothing is evaluated, stored or written back. The foreign-funding share of a project's
    units is computed from the stored portfolio during a scan and is not shown here.
    """
    from kvrules import AdapterState
    from kvrules.assembly import build_adapter
    from kvrules.contract import checked_fetch
    from kvrules.staterows import StateMissing, stored_or_missing

    config = config_from(config_path, db, refdata)
    configured = config.sources.get(source)
    adapter_name = configured.adapter if configured else source
    adapter = build_adapter(
        adapter_name,
        configured.settings if configured else {},
        _options(path, settings, adapter_name),
    )
    # A resumed read needs what the scan that wrote the cursor kept beside it (kvrules.
    # AdapterState); a first read keeps its own rows in memory, as before.
    stored = stored_or_missing(config.database, source) if cursor else None
    if stored is not None:
        adapter.use_state(AdapterState(stored))
    enricher = None
    if not raw:
        from kvrules.assembly import config_enricher

        enricher = config_enricher(config)
    records = quarantined = 0
    unread: list[str] = []
    try:
        for record in checked_fetch(adapter, cursor):  # a broken hook named, not a bug
            if record.unread:  # records of the source this read did not get to
                unread.append(record.unread)
                click.echo(terminal_text(f"not read: {record.unread}"), err=True)
            if not record.events and record.error is None:
                continue  # a cursor-only marker
            records += 1
            if record.error is not None:
                quarantined += 1
                said = f"quarantined {record.record_id}: {record.error}"
                click.echo(terminal_text(said), err=True)
            for event in record.events:
                if enricher is not None:
                    enricher(event)
                if as_json:
                    click.echo(event.model_dump_json())
                elif not explain:  # with --explain, in the record's block
                    click.echo(terminal_text(_summary(event)))
            if explain:
                _explained(adapter, record, as_json)
            if limit is not None and records >= limit:
                break
    except StateMissing as e:
        raise click.ClickException(
            f"{source}: this cursor resumes from the state its adapter kept in the state "
            f"database, but {e}: pass the --db of the scan that wrote the cursor, or fetch "
            "without --cursor"
        ) from None
    except KvrulesError as e:  # the source failed for good (after the adapter's own retries)
        where = adapter.location()
        said = f"{source}{f' ({where})' if where else ''}: {e}"
        raise click.ClickException(terminal_text(said)) from None
    finally:
        adapter.close()
        if stored is not None:
            stored.close()
    if not as_json:
        incomplete = f"; the read is incomplete ({len(unread)} listing(s) ended short)"
        click.echo(
            f"{records} record(s), {quarantined} quarantined{incomplete if unread else ''}",
            err=True,
        )
    sys.exit(2 if quarantined or unread else 0)
