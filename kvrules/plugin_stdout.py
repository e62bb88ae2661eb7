"""stdout is the command's output: what a plugin's code prints goes to stderr, per thread.

A command's stdout may be machine-read (``kvrules plugins --json``, ``fetch --json``), which a
plugin's debugging print() would corrupt. ``contextlib.redirect_stdout`` swaps ``sys.stdout``
for the whole process and only while its block runs: a hook kvrules gave up on after its
deadline (``kvrules.plugins``) runs on in its thread after the block has ended, and what it
printed then landed in the middle of the command's JSON. Here ``sys.stdout`` is, once, a stream
that asks which thread writes: a thread marked as running plugin code writes to stderr for as
long as it is so marked (a hook that never returns: for the rest of its life), every other
thread to the stdout it had.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["plugin_prints_to_stderr"]

_marked = threading.local()
_installing = threading.Lock()


class _ByThread:
    """``sys.stdout`` as each thread should see it: stderr for a thread running plugin code,
    the stdout it replaced for the others (attributes too: ``encoding``, ``isatty`` …)."""

    def __init__(self, stdout: TextIO) -> None:
        self.stdout = stdout

    def _target(self) -> TextIO:
        return sys.stderr if getattr(_marked, "plugin", False) else self.stdout

    def write(self, text: str) -> int:
        return self._target().write(text)

    def writelines(self, lines: Any) -> None:
        self._target().writelines(lines)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


def _install() -> None:
    """Put the per-thread stream in place of ``sys.stdout`` unless it is there already (a
    test runner that swaps ``sys.stdout`` later puts its own back, which is its business)."""
    with _installing:
        if sys.stdout is not None and not isinstance(sys.stdout, _ByThread):
            sys.stdout = _ByThread(sys.stdout)  # type: ignore[assignment]


@contextlib.contextmanager
def plugin_prints_to_stderr() -> Iterator[None]:
    """What the current thread prints while inside goes to stderr. A plugin's code runs
    inside: a thread kvrules starts for a hook never leaves it if the hook never returns."""
    _install()
    before = getattr(_marked, "plugin", False)
    _marked.plugin = True
    try:
        yield
    finally:
        _marked.plugin = before
