"""``kvrules fetch``: preview what an adapter hands the rules, without evaluating or writing.

Convention for adapter settings: ``AdapterClass.Config(**options)`` builds the config. A
pydantic-settings ``Config`` fills the rest from its environment variables (e.g. the Pure
adapter reads ``KVRULES_PURE_*``); a plain pydantic ``Config`` gets only the options. Options
come from ``--set KEY=VALUE`` (repeatable; JSON values such as lists are parsed) and
``--path`` (shorthand for ``--set path=...``, e.g. for the file adapter).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def _options(path: Path | None, settings: tuple[str, ...]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--set")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    if path is not None:
        options["path"] = path
    return options


def _summary(event: Any) -> str:
    subject = event.project or event.output or event.visit
    title = getattr(subject, "title", None) or getattr(subject, "purpose", None) or ""
    extra = ""
    if event.project is not None:
        extra = f"  partners={len(event.project.partners)} funders={len(event.project.funders)}"
    return f"{event.kind.value:17} {event.source.record_id}  {title}{extra}"


@click.command("fetch")
@click.option("--source", required=True, help="adapter name, e.g. pure or file")
@click.option("--limit", type=click.IntRange(min=1), help="stop after N records")
@click.option("--json", "as_json", is_flag=True, help="one CollaborationEvent JSON per line")
@click.option("--path", type=click.Path(path_type=Path), help="shorthand for --set path=PATH")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="adapter setting")
@click.option("--cursor", help="resume point from an earlier run (default: everything)")
def fetch(
    source: str,
    limit: int | None,
    as_json: bool,
    path: Path | None,
    settings: tuple[str, ...],
    cursor: str | None,
) -> None:
    """Print the canonical records an adapter produces, exactly as the rules will see them.

    Quarantined records go to stderr with their id and reason (exit status 2 if any).
    Nothing is evaluated, stored or written back.
    """
    from kvrules.assembly import AssemblyError, build_adapter

    try:
        adapter = build_adapter(source, _options(path, settings))
    except AssemblyError as e:
        raise click.UsageError(str(e)) from None
    records = quarantined = 0
    try:
        for record in adapter.fetch(cursor):
            if not record.events and record.error is None:
                continue  # a cursor-only marker
            records += 1
            if record.error is not None:
                quarantined += 1
                click.echo(f"quarantined {record.record_id}: {record.error}", err=True)
            for event in record.events:
                click.echo(event.model_dump_json() if as_json else _summary(event))
            if limit is not None and records >= limit:
                break
    except Exception as e:  # the source failed for good (after the adapter's own retries)
        raise click.ClickException(f"{source}: {type(e).__name__}: {e}") from None
    finally:
        close = getattr(adapter, "close", None)
        if callable(close):
            close()
    if not as_json:
        click.echo(f"{records} record(s), {quarantined} quarantined", err=True)
    sys.exit(2 if quarantined else 0)
