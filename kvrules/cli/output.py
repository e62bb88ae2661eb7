"""How commands print: severity colours, tables or JSON lines."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


def styled(value: str) -> str:
    """A severity in its colour, for rich tables."""
    return f"[{SEVERITY_STYLE.get(value, '')}]{value}[/]"


def emit(rows: list[dict], as_json: bool, table: Table) -> None:
    """One JSON object per line, or the table."""
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, default=str, ensure_ascii=False))
    else:
        Console().print(table)


def progress_console() -> Console:
    """The console progress bars draw on: stderr, a terminal only when stderr really is one.
    rich takes FORCE_COLOR to mean a terminal, and would draw the bar into a piped stderr (a
    log file, a CI job); colours still follow FORCE_COLOR where a bar is drawn."""
    try:
        on_a_terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced by something without a file, or closed
        on_a_terminal = False
    return Console(stderr=True, force_terminal=on_a_terminal)
