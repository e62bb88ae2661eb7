"""How commands print: severity colours, tables or JSON lines."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kvrules.terminal import terminal_text

__all__ = ["emit", "json_line", "progress_console", "shown", "styled", "terminal_text"]

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


# What json.dumps(ensure_ascii=False) leaves as it is among what a terminal runs (it escapes
# C0 itself); kvrules.terminal says which
_RUNS_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Stored text for a rich console: ``terminal_text``, its "[" not read as markup."""
    return escape(terminal_text(text))


def json_line(data: Any) -> str:
    """One JSON object on one line, non-ASCII text as it is but no character a terminal runs
    (C1, DEL, bidi overrides written as \\u escapes, as json.dumps writes C0)."""
    text = json.dumps(data, default=str, ensure_ascii=False)
    return _RUNS_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def styled(value: str) -> str:
    """A severity in its colour, for rich tables."""
    return f"[{SEVERITY_STYLE.get(value, '')}]{value}[/]"


def emit(rows: list[dict], as_json: bool, table: Table) -> None:
    """One JSON object per line, or the table."""
    if as_json:
        for row in rows:
            click.echo(json_line(row))
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
