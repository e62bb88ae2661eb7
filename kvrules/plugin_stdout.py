"""stdout is the command's output: what a plugin's code prints goes to stderr.

A command's stdout may be machine-read (``kvrules plugins --json``, ``fetch --json``), which a
plugin's debugging print() would corrupt. ``contextlib.redirect_stdout`` swaps ``sys.stdout``
for the whole process and only while its block runs: a hook kvrules gave up on after its
deadline (``kvrules.plugins``) runs on in its thread after the block has ended, and what it
printed then landed in the middle of the command's JSON. So while plugin code can run,
``sys.stdout`` is a stream that asks which thread writes: a thread marked as running plugin
code (a hook that never returns: for the rest of its life) writes to stderr, and so does every
thread but the main one, which writes the command's output (reviewer: a ``write_tags`` that
printed from a ``ThreadPoolExecutor`` of its own wrote into stdout, as its workers are not
marked). The stream is put in place when the first plugin call begins and taken out when the
last ends (a print outside plugin calls costs what a raw print does: through the stream it cost
7-11 times as much); a hook given up on never ends, and keeps it in place.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["plugin_prints_to_stderr"]

_marked = threading.local()
_calls_lock = threading.Lock()
_calls = 0  # plugin calls begun and not ended (a hook given up on: never ended)


class _ByThread:
    """``sys.stdout`` as each thread should see it while plugin code can run: stderr for a
    thread running plugin code or started by it, the stdout it replaced for the main thread
    (attributes too: ``encoding``, ``isatty`` …) and for everyone once no plugin call is on."""

    def __init__(self, stdout: TextIO) -> None:
        self.stdout = stdout

    def _target(self) -> TextIO:
        if not _calls:
            return self.stdout
        if getattr(_marked, "plugin", False):
            return sys.stderr
        main = threading.current_thread() is threading.main_thread()
        return self.stdout if main else sys.stderr

    def write(self, text: str) -> int:
        return self._target().write(text)

    def writelines(self, lines: Any) -> None:
        self._target().writelines(lines)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


def _begin() -> None:
    """One more plugin call: the per-thread stream in place of ``sys.stdout`` unless it is
    there already (a test runner that swaps ``sys.stdout`` later puts its own back, which is
    its business)."""
    global _calls
    with _calls_lock:
        _calls += 1
        if sys.stdout is not None and not isinstance(sys.stdout, _ByThread):
            sys.stdout = _ByThread(sys.stdout)  # type: ignore[assignment]


def _end() -> None:
    """One plugin call fewer: the last one puts back the stdout the stream replaced (unless
    someone has swapped ``sys.stdout`` since: theirs stays, and ours reads through once back)."""
    global _calls
    with _calls_lock:
        _calls -= 1
        if not _calls and isinstance(sys.stdout, _ByThread):
            sys.stdout = sys.stdout.stdout


@contextlib.contextmanager
def plugin_prints_to_stderr() -> Iterator[None]:
    """What plugin code prints while inside goes to stderr: the current thread's, and any
    thread's but the main one's. A plugin's code runs inside: a thread kvrules starts for a
    hook never leaves it if the hook never returns."""
    _begin()
    before = getattr(_marked, "plugin", False)
    _marked.plugin = True
    try:
        yield
    finally:
        _marked.plugin = before
        _end()
