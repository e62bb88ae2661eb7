"""Who the audit log names for an action taken from the command line."""

from __future__ import annotations

import getpass


def cli_actor() -> str:
    """``cli:<login name>``, or ``cli`` where the login name cannot be read (containers)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
