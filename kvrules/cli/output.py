"""How commands print: severity colours, tables or JSON lines."""

from __future__ import annotations

import json

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
