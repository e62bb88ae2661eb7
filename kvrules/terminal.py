"""Text from elsewhere as a terminal may print it: shown, never run.

One helper for every line kvrules prints that it did not write itself: stored text from the
RIS (``show``, ``findings``) and another process's command line (``db upgrade``'s refusal
names the process holding the database; its arguments are anyone's).
"""

from __future__ import annotations

import re

__all__ = ["terminal_lines", "terminal_text"]

# Stored text comes from the RIS (SECURITY.md: untrusted). What a terminal would run rather
# than show: C0 controls (ESC starts colours, cursor moves, OSC 8 links, "erase line"), DEL, C1
# (0x9b is an 8-bit ESC [) and the bidi overrides and isolates that reorder what follows them.
_RUNS_IN_A_TERMINAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Line breaks in a value (a title, a name): one value is one line, as the web shows it.
_LINE_BREAKS = re.compile("[ \t]*[\r\n\x85\u2028\u2029]+[ \t]*")


def terminal_text(text: str) -> str:
    """Stored text as a terminal may print it: on one line, its control characters written as
    escapes (``\\x1b``), shown rather than run. Everything the CLI prints from the store goes
    through here, plain or as rich markup (``kvrules.cli.output.shown``)."""
    flat = _LINE_BREAKS.sub(" ", text)
    return _RUNS_IN_A_TERMINAL.sub(lambda found: ascii(found.group())[1:-1], flat)


def terminal_lines(text: str) -> str:
    """A message of several lines kvrules wrote (a configuration's file:line:col problems, one
    a line) around text from a file: each line as ``terminal_text`` writes it, the breaks kept."""
    return "\n".join(terminal_text(line) for line in text.split("\n"))
