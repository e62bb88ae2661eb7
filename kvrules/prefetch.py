"""Reading a source ahead of processing: the next page is fetched while this one is evaluated.

A scan spends much of its time waiting on HTTP (the source's pages and what they refer to)
and the rest screening, evaluating and storing. ``Prefetch`` runs the adapter's ``fetch``
iterator on its own thread and hands its records over through a bounded queue, so the waits
overlap the processing. Nothing else changes: records arrive in the source's order, each is
processed and committed by the scanning thread exactly as before (crash safety is the
cursor's, not the reader's), and an error of the source is raised in the scanning thread at
the place it happened, after every record read before it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

# Records read ahead at most: one Pure page (its largest is 1,000 records), so a whole page can
# be fetched while the previous one is processed, and memory stays bounded whatever the size
# of the source.
AHEAD = 1000


class _End:
    """The source is exhausted (``error`` None) or failed with ``error``."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class Prefetch(Generic[T]):
    """Iterate ``source`` on a reader thread, at most ``ahead`` items in advance.

    Use as a context manager: leaving it (a ``break``, an error, a stop) stops the reader and
    closes the source on the reader's own thread, so no request outlives the scan.
    """

    def __init__(
        self,
        source: Iterator[T],
        *,
        ahead: int = AHEAD,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._source = source
        self._on_close = on_close  # run once the reader has stopped (say, close what it read)
        self._queue: queue.Queue[T | _End] = queue.Queue(maxsize=max(1, ahead))
        self._stop = threading.Event()
        self._done = False
        # A daemon: an interpreter that is exiting does not wait for a request in flight.
        self._reader = threading.Thread(target=self._read, name="kvrules-prefetch", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        end = _End()
        try:
            for item in self._source:
                if not self._put(item):
                    return
        except BaseException as exc:  # handed to the scanning thread, which raises it
            end = _End(exc)
        finally:
            if self._stop.is_set():
                self._close_source()
        self._put(end)

    def _close_source(self) -> None:
        """A generator stopped early runs its cleanup here, on the thread that ran it."""
        close = getattr(self._source, "close", None)
        if close is None:
            return
        with contextlib.suppress(Exception):  # nobody is left to tell: the scan stopped reading
            close()

    def _put(self, item: T | _End) -> bool:
        """Queue ``item``; False when the consumer has stopped."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        item = self._queue.get()
        if isinstance(item, _End):
            self._done = True
            self._reader.join()
            if item.error is not None:
                raise item.error
            raise StopIteration
        return item

    def close(self) -> None:
        """Stop reading ahead and wait for the reader (a request in flight ends first)."""
        self._stop.set()
        while self._reader.is_alive():
            try:  # make room, so a reader blocked on a full queue sees the stop
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._reader.join(timeout=0.1)
        self._done = True
        if self._on_close is not None:
            self._on_close, on_close = None, self._on_close
            on_close()

    def __enter__(self) -> Prefetch[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
