"""Running a command the way a person does at a terminal, for the tests of what it draws."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path


def on_a_terminal(command: list[str], stdout: Path) -> tuple[int, str]:
    """Run ``command`` with stdin and stderr on a pseudo-terminal and stdout into a file (as
    ``kvrules match ... > out.csv`` typed at a terminal); its exit code and what the terminal
    showed."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    with stdout.open("wb") as out:
        child = subprocess.Popen(command, stdin=terminal, stdout=out, stderr=terminal, env=env)
    os.close(terminal)  # the child holds its end: reading ends when the child is gone
    shown = b""
    while True:  # read as it is drawn: an unread terminal would block the child
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return child.wait(timeout=120), shown.decode(errors="replace")
