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

``sys.stdout`` is Python's: a subprocess a hook runs (``subprocess.run(["echo", …])``), C code
and ``os.write(1, …)`` write to file descriptor 1 itself, and did land in ``--json``'s output
(security review). So while a plugin call is on, descriptor 1 of the whole process is a copy of
descriptor 2 (``os.dup2``), and the command's own output (the main thread's ``sys.stdout``)
goes to a duplicate of the real descriptor 1 kept aside; the last call to end puts descriptor
1 back, unless someone else (a test runner's capture) has replaced it since. Descriptors are
the process's, not a thread's, so what a plugin's own threads may do follows from it:

- while any plugin call is on (or a hook kvrules gave up on still runs), every thread's
  print(), subprocess and write to descriptor 1 goes to stderr;
- a subprocess started then keeps stderr as its stdout for its whole life, even running on in
  the background after the hook returned;
- a thread a plugin leaves running after its hook has returned (not one kvrules gave up on:
  the plugin's own) writes to descriptor 1 as it is at that moment: into the command's output
  once no plugin call is on. Hooks start no threads that outlive them (``kvrules.hookspecs``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["plugin_prints_to_stderr"]

_marked = threading.local()
# Guards the count, the descriptors, and the main thread's writes while calls are on (a write
# never meets the descriptor it goes to being closed by the last call's end). Reentrant: a
# signal handler that prints runs in the main thread, maybe inside one of its writes.
_calls_lock = threading.RLock()
_calls = 0  # plugin calls begun and not ended (a hook given up on: never ended)


class _Descriptor1Aside:
    """Descriptor 1 pointed at descriptor 2's file, the real one kept as ``kept``."""

    def __init__(self) -> None:
        self.kept = os.dup(1)  # OSError where there is no descriptor 1 (a daemon's closed one)
        try:
            os.dup2(2, 1)
            self.now = _identity(1)  # what this put there, to tell whether it is still ours
        except OSError:
            os.close(self.kept)
            raise

    def put_back(self) -> None:
        try:
            if _identity(1) == self.now:  # else another has replaced it since: theirs stays
                os.dup2(self.kept, 1)
        finally:
            os.close(self.kept)


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _fd_of(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return None


class _ByThread:
    """``sys.stdout`` as each thread should see it while plugin code can run: stderr for a
    thread running plugin code or started by it, the stdout it replaced for the main thread
    (attributes too: ``encoding``, ``isatty`` …) and for everyone once no plugin call is on.
    Where that stdout writes to descriptor 1, which points at stderr while plugin calls are on,
    the main thread writes through a stream onto the real one kept aside (made at its first
    write, with the replaced stream's encoding and buffering)."""

    def __init__(self, stdout: TextIO, aside: _Descriptor1Aside | None) -> None:
        self.stdout = stdout
        self.aside = aside if aside is not None and _fd_of(stdout) == 1 else None
        self.onto_kept: TextIO | None = None

    def _main(self) -> TextIO:
        """The main thread's stream (called holding ``_calls_lock``)."""
        if not _calls or self.aside is None:
            return self.stdout
        if self.onto_kept is None:
            self.onto_kept = open(  # noqa: SIM115 (closed by let_go, the last call's end)
                self.aside.kept,
                "w",
                closefd=False,
                encoding=getattr(self.stdout, "encoding", None) or "utf-8",
                errors=getattr(self.stdout, "errors", None) or "strict",
                newline=None,
            )
            self.onto_kept.reconfigure(
                line_buffering=bool(getattr(self.stdout, "line_buffering", False))
            )
        return self.onto_kept

    def _in_main(self) -> bool:
        """Whether the thread writing writes the command's output: the main one, unless it is
        running plugin code itself."""
        if getattr(_marked, "plugin", False):
            return False
        return threading.current_thread() is threading.main_thread()

    def _target(self) -> TextIO:
        if not _calls:
            return self.stdout
        if not self._in_main():
            return sys.stderr
        with _calls_lock:
            return self._main()

    def write(self, text: str) -> int:
        if _calls and self._in_main():
            with _calls_lock:
                return self._main().write(text)
        return self._target().write(text)

    def writelines(self, lines: Any) -> None:
        if _calls and self._in_main():
            with _calls_lock:
                self._main().writelines(lines)
                return
        self._target().writelines(lines)

    def flush(self) -> None:
        if _calls and self._in_main():
            with _calls_lock:
                self._main().flush()
                return
        self._target().flush()

    def let_go(self) -> None:
        """The last call has ended (called holding ``_calls_lock``): what the main thread wrote
        onto the kept descriptor is written out before that is closed; whoever still holds
        this stream writes to the stdout it replaced from now on."""
        if self.onto_kept is not None:
            with contextlib.suppress(OSError, ValueError):
                self.onto_kept.close()  # flushes; the descriptor is not its to close
        self.onto_kept = None
        self.aside = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


_aside: _Descriptor1Aside | None = None
_installed: _ByThread | None = None


def _flushed(stream: TextIO | None) -> None:
    """What ``stream`` holds written out now, before the descriptor under it changes."""
    if stream is not None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def _begin() -> None:
    """One more plugin call: the first puts descriptor 1 aside and the per-thread stream in
    place of ``sys.stdout`` (a test runner that swaps ``sys.stdout`` later puts its own back,
    which is its business)."""
    global _calls, _aside, _installed
    with _calls_lock:
        _calls += 1
        if _calls > 1:
            return
        stdout = sys.stdout
        if isinstance(stdout, _ByThread):  # one let go, put back by someone who kept it
            stdout = stdout.stdout
        _flushed(stdout)  # the command's output so far, into the real stdout
        try:
            _aside = _Descriptor1Aside()
        except OSError:  # no descriptor 1 or 2 to work with: Python's own stream only
            _aside = None
        if stdout is not None:
            _installed = _ByThread(stdout, _aside)
            sys.stdout = _installed  # type: ignore[assignment]


def _end() -> None:
    """One plugin call fewer: the last one puts back the stdout the stream replaced (unless
    someone has swapped ``sys.stdout`` since: theirs stays, and ours reads through once back)
    and descriptor 1 (unless someone has replaced it since)."""
    global _calls, _aside, _installed
    with _calls_lock:
        _calls -= 1
        if _calls:
            return
        if _installed is not None:
            _installed.let_go()
            if sys.stdout is _installed:
                sys.stdout = _installed.stdout
            _flushed(_installed.stdout)  # what was written past the stream went to stderr
            _installed = None
        if _aside is not None:
            with contextlib.suppress(OSError):
                _aside.put_back()
            _aside = None


@contextlib.contextmanager
def plugin_prints_to_stderr() -> Iterator[None]:
    """What plugin code prints while inside goes to stderr: the current thread's, and any
    thread's but the main one's; and what anything writes to descriptor 1 (a subprocess, C
    code). A plugin's code runs inside: a thread kvrules starts for a hook never leaves it if
    the hook never returns."""
    _begin()
    before = getattr(_marked, "plugin", False)
    _marked.plugin = True
    try:
        yield
    finally:
        _marked.plugin = before
        _end()
