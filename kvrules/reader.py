"""Reading a source in a process of its own: fetching, JSON decoding and mapping off the scan's
interpreter.

A scan is bound by one interpreter: the adapter's HTTP threads, JSON decoding and mapping share
it with screening, evaluation and the store, so reading ahead on a thread (``kvrules.prefetch``)
overlaps the waits but not the work. An adapter that sets ``fetch_apart`` is read here instead:
a child process (a fresh interpreter, never forked, so no lock or thread of the scan is copied
half-way) rebuilds the adapter from its class and configuration, runs ``fetch`` and streams the
records, pickled in batches, through its standard output; the scan only unpickles them.

Nothing else changes: records arrive in the source's order, each is processed and committed by
the scan exactly as before (crash safety is the cursor's, not the reader's), and an error of
the source is raised in the scan at the place it happened, after every record read before it.
The configuration, secrets included, reaches the child through its standard input: never on a
command line, never logged. A child that dies (killed, out of memory) is
reported as ``ReaderFailed`` after the records it sent; the next scan resumes from the last
stored cursor. The child dies with the scan's process (``PR_SET_PDEATHSIG`` on Linux), and
stopping early (a limit, a budget, an error) stops it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

from kvrules.adapter import Adapter, AdapterState, FetchedRecord, StoredRows
from kvrules.contract import checked_fetch
from kvrules.errors import KvrulesError
from kvrules.memory import SELDOM, c_library, give_back_free_memory

# Records per message: small enough that the scan starts on a page before all of it is
# pickled, large enough that the per-message cost is nothing.
BATCH = 100
# Messages the child keeps ready ahead of the scan (about two Pure pages of 1,000 records),
# so it fetches on while the scan works; memory stays bounded whatever the source's size.
AHEAD = 20
# Free memory goes back to the system after this many records are sent, as the scan does
# after committing them (kvrules.memory): the reader's resident size stays flat too.
TRIM_RECORDS = 1000
# Blocks at least this big get pages of their own, unmapped when freed (glibc's default, held
# fixed: see _large_blocks_apart).
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
# The cyclic collector's thresholds in the reader process (CPython's are 700, 10, 10). A page
# of 1,000 Pure projects decodes to about 100,000 objects that live until the page is mapped:
# with CPython's thresholds some 150 young collections per page walked them again and again,
# and the full ones every page and cache, 0.2 of the reader's 1.25 ms of CPU per project
# (5,000 projects, measured with gc.callbacks). Next to nothing the reader makes is cyclic
# garbage (2,068 objects in a whole 5,000-project read): a young collection every 50,000
# allocations frees the same, a little later, and the peak stayed the same (123 MB).
GC_THRESHOLDS = SELDOM  # as the scan's process while it scans (kvrules.memory)
_PR_SET_PDEATHSIG = 1


class ReaderFailed(KvrulesError):
    """The reader process stopped without finishing (killed, out of memory, a crash)."""


class ReaderUnavailable(KvrulesError):
    """A reader process was asked for an adapter that does not allow one (``fetch_apart``)."""


class ReaderProcess:
    """Iterate ``adapter.fetch(cursor)`` run in a child process; a context manager.

    ``adapter`` stays in this process for everything else (write-back, explain): what the
    child's copy learnt while reading reaches it through ``fetch_notes``/``take_notes``.
    """

    # What the child runs (a test appends what it measures there once the read is done).
    command = "from kvrules.reader import child; child()"

    def __init__(
        self,
        adapter: Adapter,
        cursor: str | None,
        stored: StoredRows | None = None,
        *,
        batch: int = BATCH,
    ) -> None:
        """``stored``: the rows the adapter kept beside its cursor (``AdapterState``), pickled
        as where to read them: the child reads them itself."""
        self._adapter = adapter
        # What to read, for the child's stdin (the configuration holds secrets): the import
        # path first, so that the adapter's class can be found when the rest is unpickled.
        try:
            start = pickle.dumps((os.getpid(), sys.path)) + pickle.dumps(
                (type(adapter), adapter.config, cursor, stored, batch), pickle.HIGHEST_PROTOCOL
            )
        except Exception as exc:  # a class defined in a function, a config holding a socket
            raise ReaderUnavailable(
                f"the {getattr(adapter, 'name', 'source')} adapter cannot be handed to a reader"
                f" process ({type(exc).__name__}); use --reader thread"
            ) from None
        # A plain interpreter, not multiprocessing's spawn: that would import the scan's own
        # main module (the whole command line) again and start a resource tracker besides.
        self._process = subprocess.Popen(
            [sys.executable, "-c", self.command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._conn = Connection(os.dup(self._process.stdout.fileno()), writable=False)
        self._process.stdout.close()
        # A child that died at once is reported by the first read (ReaderFailed).
        with contextlib.suppress(BrokenPipeError), self._process.stdin as stdin:
            stdin.write(start)
        adapter.take_notes(None)  # a new read: what an earlier one saw may be out of date
        self._records: deque[FetchedRecord] = deque()
        self._done = False

    def __iter__(self) -> Iterator[FetchedRecord]:
        return self

    def __next__(self) -> FetchedRecord:
        while not self._records:
            if self._done:
                raise StopIteration
            self._receive()
        return self._records.popleft()

    def _receive(self) -> None:
        try:
            message = pickle.loads(self._conn.recv_bytes())
        except EOFError:
            self._done = True
            raise ReaderFailed(self._death()) from None
        kind = message[0]
        if kind == "records":
            _, records, notes = message
            if notes is not None:
                self._adapter.take_notes(notes)
            self._records.extend(records)
        elif kind == "end":
            self._done = True
        else:  # "error": the source failed; raised here as it would have been on a thread
            self._done = True
            raise _error(*message[1:])

    def _death(self) -> str:
        try:
            code: int | None = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        if code is not None and code < 0:
            how = f"killed by {signal.Signals(-code).name}"
        else:
            how = f"exit code {code}" if code is not None else "no exit code"
        # what was kept and where the next scan resumes: said once, by the scan's own line
        return f"the process reading the source stopped unexpectedly ({how})"

    def close(self) -> None:
        """Stop the child (it only reads: nothing is left half-written) and wait for it."""
        self._done = True
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process.wait()
        self._conn.close()

    def __enter__(self) -> ReaderProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _error(pickled: bytes | None, kind: str, message: str) -> BaseException:
    """The child's exception as raised there, or one carrying its message when it does not
    survive pickling (a constructor with other arguments than its message)."""
    if pickled is not None:
        with contextlib.suppress(Exception):
            error = pickle.loads(pickled)
            if isinstance(error, BaseException):
                return error
    return ReaderFailed(message or kind)


def _portable(exc: BaseException) -> tuple[bytes | None, str, str]:
    try:
        pickled: bytes | None = pickle.dumps(exc)
        pickle.loads(pickled)  # some exceptions pickle but cannot be rebuilt
    except Exception:
        pickled = None
    return pickled, type(exc).__name__, str(exc)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this process when the scan's dies, even by SIGKILL."""
    libc = c_library()
    if libc is not None:
        with contextlib.suppress(AttributeError, OSError):
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _large_blocks_apart() -> bool:
    """Keep glibc from carving large blocks out of its heaps; False where it cannot be told.

    glibc raises its mmap threshold to the size of the largest mapped block freed (up to
    32 MB). After the first page of JSON (3 MB for 1,000 Pure projects) is freed, every later
    page's body, its decoded text and the pickled batches come from the heaps instead, each in
    whatever hole fits: the heaps spread, the memory free in them grew with every page read
    (to 90 MB after 20,000 projects, 12 MB in use) and so did what a page touched before the
    next trim. Set explicitly, the threshold stays put: those blocks are mapped and unmapped
    whole, and the heaps keep to what lives on (issue #20 item 4; README, the scan bench)."""
    mallopt = getattr(c_library(), "mallopt", None)
    return mallopt is not None and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


def child() -> None:
    """The reader process: what to read comes on stdin, records go out on stdout."""
    _large_blocks_apart()  # first: before anything large is allocated and freed
    out = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print goes to stderr, not into the record stream
    # Ctrl-C reaches the whole process group: the scan decides how to stop, then stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin = sys.stdin.buffer
    try:
        parent, path = pickle.load(stdin)
        _die_with_parent(parent)
        sys.path[:] = path
        adapter_class, config, cursor, stored, batch = pickle.load(stdin)
    except BaseException as exc:  # e.g. the adapter's package is not importable here
        failed = ReaderFailed(f"the reader process could not start: {type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):  # told in one line by the scan, no traceback
            out.send_bytes(pickle.dumps(("error", *_portable(failed))))
        return
    _collect_seldom()
    _read(adapter_class, config, cursor, stored, out, batch)


def _collect_seldom() -> None:
    """Once the adapter's modules are imported: what they made lives as long as the process, so
    it is frozen out of every later collection, and collections come seldom (GC_THRESHOLDS)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _read(
    adapter_class: type[Adapter],
    config: Any,
    cursor: str | None,
    stored: StoredRows | None,
    conn: Connection,
    batch: int,
) -> None:
    """Fetch, pickle batches, hand them to a sender thread that writes the pipe."""
    ready: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)

    def send() -> None:
        while (message := ready.get()) is not None:
            try:
                conn.send_bytes(message)
            except OSError:  # the scan is gone or stopped reading
                os._exit(0)

    sender = threading.Thread(target=send, name="kvrules-reader-send", daemon=True)
    sender.start()
    pending: list[FetchedRecord] = []
    adapter: Adapter | None = None
    untrimmed = 0

    def flush() -> None:
        nonlocal untrimmed
        notes = adapter.fetch_notes() if adapter is not None else None
        if pending or notes is not None:
            ready.put(pickle.dumps(("records", pending, notes), pickle.HIGHEST_PROTOCOL))
        untrimmed += len(pending)
        pending.clear()
        if untrimmed >= TRIM_RECORDS:
            untrimmed = 0
            give_back_free_memory()

    try:
        adapter = adapter_class(config)
        if stored is not None:
            adapter.use_state(AdapterState(stored))
        with adapter:
            for record in checked_fetch(adapter, cursor):
                pending.append(record)
                if record.cursor is not None or len(pending) >= batch:
                    flush()
            flush()
        ready.put(pickle.dumps(("end",)))
    except BaseException as exc:  # handed to the scan, which raises it after what came before
        flush()
        ready.put(pickle.dumps(("error", *_portable(exc))))
    ready.put(None)
    sender.join()
    conn.close()
