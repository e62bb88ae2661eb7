"""Who the audit log names for an action taken from the command line."""

from __future__ import annotations

import getpass

SYSTEM_ACTOR = "kvrules"  # what kvrules itself does: a scan's findings, a case it opens


def cli_actor() -> str:
    """``cli:<login name>``, or ``cli`` where the login name cannot be read (containers)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
