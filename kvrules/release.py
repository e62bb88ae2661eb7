"""Which kvrules this is: the release (pyproject's version, as installed) and, run from a git
checkout, the commit. Two installations of the same release from different commits of main
(a site that tracks main between releases) are then told apart by `kvrules --version`, the
upgrade's audit entry and a pre-screen's version lines.

The commit is asked of git itself, only where the package sits in a checkout (a `.git` beside
it) and only when wanted: no dependency, nothing at import time."""

from __future__ import annotations

import functools
import subprocess
from importlib import metadata
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent  # the folder holding the kvrules package


@functools.cache
def version() -> str:
    """The installed release ('0.2.0'); 'unknown' for a source tree that is not installed."""
    try:
        return metadata.version("kvrules")
    except metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def checkout_commit() -> str | None:
    """The short commit of the checkout kvrules runs from, with '+changes' when files differ
    from it; None for an installed wheel (no `.git`), or where git is missing or fails."""
    if not (_CHECKOUT / ".git").exists():  # a worktree has a .git file, a clone a folder
        return None
    try:
        head = _git("rev-parse", "--short=10", "HEAD")
        changed = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+changes" if changed else head


def described() -> str:
    """The release, and the commit when run from a checkout: '0.2.0 (git 991f433a1b)'."""
    commit = checkout_commit()
    return f"{version()} (git {commit})" if commit else version()


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(_CHECKOUT), *args],
        capture_output=True,
        text=True,
        timeout=5,
        check=True,
    )
    return done.stdout.strip()
