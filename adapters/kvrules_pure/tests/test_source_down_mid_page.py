"""Pure going down while a page's related records are read: the scan stops with the outage.

Before, every external organisation of the page was retried against the dead server for its
whole retry budget, one after the other on the worker pool (11+ minutes silent for a page of
600 projects), and each record using one was then quarantined as if it were malformed
("partner external organisation …: GET …: the server refused the connection"). Now the first
request that gets no answer stops the requests queued behind it and the scan ends with that
error once the records read before it are out; nothing is quarantined for a transport failure.

Real parts: the Pure simulator on 127.0.0.1, really stopped (connections refused) or really
resetting connections. No timing assertions: the outcome, and how many requests reached the
server, are asserted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from kvrules_pure.client import PureError
from kvrules_pure.simulator import Faults, start_simulator
from pure_helpers import SECRET, adapter_for

from kvrules import FetchedRecord

ORGS = "/external-organizations/"
RETRIES = 2
WORKERS = 4


@dataclass
class GoesDown(Faults):
    """The simulator stops listening at the first GET of an external organisation (later
    connects are refused) and resets that request and any other still on an open connection."""

    stop: Callable[[], None] | None = None
    _stopped: bool = False

    def decide(self, method: str, path: str) -> str | None:
        if ORGS not in path:
            return super().decide(method, path)
        with self._lock:
            first, self._stopped = not self._stopped, True
        if first and self.stop is not None:  # not on this thread: stop() waits for requests
            threading.Thread(target=self.stop, daemon=True).start()
        return self._note(method, path, "reset")


def _read(adapter: object) -> tuple[list[FetchedRecord], PureError | None]:
    got: list[FetchedRecord] = []
    try:
        for record in adapter.fetch(None):  # type: ignore[attr-defined]
            got.append(record)
    except PureError as e:
        return got, e
    return got, None


def _settings() -> dict[str, object]:
    return {"retries": RETRIES, "backoff": 0, "max_workers": WORKERS, "page_size": 20}


def test_a_source_stopped_mid_page_stops_the_scan_with_nothing_quarantined() -> None:
    faults = GoesDown(seed=3)
    sim = start_simulator(projects=60, seed=3, api_key=SECRET, faults=faults)
    faults.stop = sim.stop
    try:
        with adapter_for(sim, **_settings()) as adapter:
            records, error = _read(adapter)
    finally:
        sim.stop()
    assert error is not None, "the scan read on past a source that stopped answering"
    assert error.status is None
    assert not [r for r in records if r.error], "a transport failure quarantined records"
    # Only the requests already sent when the source went down were retried; the page's
    # other organisations were never asked for (before: every one, each RETRIES + 1 times).
    reached = [f for f in faults.injected if ORGS in f.path]
    assert len(reached) <= WORKERS * (RETRIES + 1)


def test_resets_on_every_organisation_stop_the_scan_instead_of_quarantining() -> None:
    faults = Faults(seed=4)
    faults.script("GET", 1, "reset", times=100_000, path=ORGS)
    with (
        start_simulator(projects=60, seed=4, api_key=SECRET, faults=faults) as sim,
        adapter_for(sim, **_settings()) as adapter,
    ):
        records, error = _read(adapter)
        # The next scan tries the source again (the outage is not remembered past it).
        faults.clear()
        again, error_again = _read(adapter)
    assert error is not None and "GET /external-organizations/" in str(error)
    assert not [r for r in records if r.error]
    assert error_again is None
    assert [r for r in again if r.events] and not [r for r in again if r.error]


@pytest.mark.parametrize("status", ["503", "429"])
def test_a_server_that_cannot_serve_is_no_malformed_record(status: str) -> None:
    faults = Faults(seed=5, retry_after=0)
    faults.script("GET", 1, status, times=100_000, path=ORGS)
    with (
        start_simulator(projects=30, seed=5, api_key=SECRET, faults=faults) as sim,
        adapter_for(sim, **_settings()) as adapter,
    ):
        records, error = _read(adapter)
    assert error is not None and error.status == int(status)
    assert not [r for r in records if r.error]
