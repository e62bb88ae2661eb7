"""``kvrules plugins`` and ``kvrules new-adapter``: what is installed, and a new adapter."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kvrules.scaffold import placeholders, scaffold


@click.command()
@click.option("--json", "as_json", is_flag=True, help="one object per entry point")
def plugins(as_json: bool) -> None:
    """List installed plugins: distribution, version, entry point and the adapters, alert
    channels, importers and commands each provides. A plugin that fails to load is listed with its
    error; the others work regardless (exit status 0)."""
    from rich.markup import escape

    from kvrules.plugins import KINDS, plugin_errors, registrations, registry
    from kvrules.refdata.importers import PARSERS

    kinds = [*KINDS, "commands"]
    found = registrations()
    errors = plugin_errors()  # after registrations(): includes hooks that raised just now
    owners: dict[tuple[str, str], list[str]] = {}
    for r in found:
        owners.setdefault((r.kind, r.name), []).append(r.plugin)
    built_in = {i.name for i in registry().plugins if i.distribution == "kvrules"}
    rows = []
    for info in registry().plugins:
        row: dict = {
            "name": info.name,
            "entry_point": info.entry_point,
            "distribution": info.distribution,
            "version": info.version,
            "error": errors.get(info.name),
        }
        for kind in kinds:
            row[kind] = sorted({r.name for r in found if r.plugin == info.name and r.kind == kind})
        # Two plugins claiming one name: which one runs depends on installation order.
        row["clashes"] = sorted(
            f"{kind} {name!r} also registered by "
            + ", ".join(f"{p} (built in)" if p in built_in else p for p in who if p != info.name)
            for (kind, name), who in owners.items()
            if info.name in who and len(set(who)) > 1
        )
        row["clashes"] += [  # a built-in format always wins (importers.all_parsers)
            f"importers {name!r} is a built-in format: this plugin's is never used"
            for name in row["importers"]
            if name in PARSERS
        ]
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table()
    # fold, never cut: an entry point ("kvrules_pure.plugin:plugin") is one long word, and
    # rich's default ellipsis left only "kvrules_…" of it in 80 columns
    # a commands column only when a plugin adds commands: 80 columns are narrow already
    shown = [kind for kind in kinds if kind != "commands" or any(r["commands"] for r in rows)]
    for col in ("name", "entry point", "distribution", *(k.replace("_", " ") for k in shown)):
        table.add_column(col, overflow="fold")
    table.add_column("status", overflow="fold")
    problems = []  # in full below the table: a narrow terminal would cut a column off
    for r in rows:
        status = "; ".join(filter(None, [r["error"], *r["clashes"]]))
        if status:
            problems.append(f"{r['name']}: {status}")
        table.add_row(
            r["name"],
            r["entry_point"],
            f"{r['distribution'] or '?'} {r['version'] or ''}".strip(),
            *(", ".join(r[kind]) for kind in shown),
            "[red]see below[/]" if status else "ok",
        )
    console = Console()
    console.print(table)
    for line in problems:
        console.print(f"[red]{escape(line)}[/]", soft_wrap=True)


@click.command("new-adapter")
@click.argument("name")
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="where to create the kvrules-NAME folder",
)
def new_adapter(name: str, parent: Path) -> None:
    """Create kvrules-NAME/: an adapter package with config, a sample source, an entry point,
    the conformance suite and a README. Its tests pass as generated."""
    try:
        root = scaffold(name, parent)
    except (ValueError, FileExistsError) as e:
        raise click.UsageError(str(e)) from None
    values = placeholders(name)
    click.echo(f"created {root}")
    click.echo(f"  cd {root} && pip install -e '.[test]' && python -m pytest")
    click.echo(f"  kvrules fetch --source {values['name']}")
