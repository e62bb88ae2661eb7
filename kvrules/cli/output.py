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

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


# Stored text comes from the RIS (SECURITY.md: untrusted). What a terminal would run rather
# than show: C0 controls (ESC starts colours, cursor moves, OSC 8 links, "erase line"), DEL, C1
# (0x9b is an 8-bit ESC [) and the bidi overrides and isolates that reorder what follows them.
_RUNS_IN_A_TERMINAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Line breaks in a value (a title, a name): one value is one line, as the web shows it.
_LINE_BREAKS = re.compile("[ \t]*[\r\n\x85\u2028\u2029]+[ \t]*")
# What json.dumps(ensure_ascii=False) leaves as it is among those (it escapes C0 itself)
_RUNS_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """Stored text as a terminal may print it: on one line, its control characters written as
    escapes (``\\x1b``), shown rather than run. Everything the CLI prints from the store goes
    through here, plain or as rich markup (``shown``)."""
    flat = _LINE_BREAKS.sub(" ", text)
    return _RUNS_IN_A_TERMINAL.sub(lambda found: ascii(found.group())[1:-1], flat)


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
