"""What a reader process holds does not grow with the records it has read (issue #20 item 4:
the reader's peak RSS crept, about 0.1 KB per project, and an earlier round blamed the Pure
cursor's reverse index).

The reader process runs ``checked_fetch(adapter, None)`` on an adapter whose rows live in the
state database (``AdapterState(NoRowsYet())`` on a first full read, as ``kvrules.reader``
gives it). Here the same read runs in this process, and once the pass's last record is out,
with the read still suspended, every object reachable from the adapter and the suspended read
is counted: after 3x the projects the count must be the same. The Scanner's caches of
external organisations and own units are left out of the count: they grow with the distinct
organisations a portfolio names, not with its records, and are bounded (``ORG_CACHE_MAX``).

The check can fail: a read that keeps its rows in memory (``AdapterState()``, no database, as
an adapter's own tests and ``kvrules fetch`` without a cursor do) holds a reverse-index entry
per record, and the same count grows with it (the second test).
"""

from __future__ import annotations

import gc
import types
from collections.abc import Iterator
from typing import Any

import pytest
from kvrules_pure import PureAdapter
from kvrules_pure.scan import Scanner
from kvrules_pure.simulator import SimulatorHandle, start_simulator

from kvrules import AdapterState
from kvrules.contract import checked_fetch
from kvrules.staterows import NoRowsYet

API_KEY = "reader-per-record-test-key"
SMALL, LARGE = 100, 300
# Shared code and types, not what a read holds: never counted, never walked through.
SHARED = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


@pytest.fixture(scope="module")
def simulators() -> Iterator[dict[int, SimulatorHandle]]:
    sims = {n: start_simulator(projects=n, seed=11, api_key=API_KEY) for n in (SMALL, LARGE)}
    try:
        yield sims
    finally:
        for sim in sims.values():
            sim.stop()


def reachable(*roots: Any) -> int:
    """Objects reachable from ``roots``, leaving out code, types and the Scanner's caches of
    related records (bounded: see the module's docstring)."""
    seen: set[int] = set()
    stack = list(roots)
    count = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, SHARED):
            continue
        seen.add(id(obj))
        if isinstance(obj, Scanner):
            seen.update((id(obj.orgs), id(obj.units)))
        count += 1
        stack.extend(gc.get_referents(obj))
        if isinstance(obj, dict):  # a dict of str keys gives only its values to the collector
            stack.extend(obj.keys())
    return count


def held_after_a_read(sim: SimulatorHandle, rows: AdapterState) -> tuple[int, int]:
    """(records read, objects the adapter and its suspended read hold after the last one),
    read as ``kvrules.reader`` reads: the notes (``fetch_notes``) leave with each batch."""
    adapter = PureAdapter({"base_url": sim.base_url, "api_key": API_KEY, "page_size": 50})
    adapter.use_state(rows)
    with adapter:
        read = checked_fetch(adapter, None)
        for records, record in enumerate(read, 1):
            if record.cursor is not None:  # the reader sends a batch: the notes go with it
                adapter.fetch_notes()
            if record.record_id == "pure:pass-complete":  # the last: the read is suspended
                gc.collect()
                return records, reachable(adapter, read)
    raise AssertionError("the read ended without its closing record")


def test_a_full_read_holds_the_same_after_three_times_the_records(
    simulators: dict[int, SimulatorHandle],
) -> None:
    small_records, small = held_after_a_read(simulators[SMALL], AdapterState(NoRowsYet()))
    large_records, large = held_after_a_read(simulators[LARGE], AdapterState(NoRowsYet()))
    assert (small_records, large_records) == (SMALL + 1, LARGE + 1)
    # Equal but for a handful (a connection or a future more or less, a page's last record):
    # one object per record would be 200 more.
    assert abs(large - small) < 50, (small, large)


def test_the_count_sees_rows_held_in_memory(simulators: dict[int, SimulatorHandle]) -> None:
    """Without a database every reverse-index row stays in memory: the count grows by
    several objects per record, so the test above would fail on a read that held them."""
    _, small = held_after_a_read(simulators[SMALL], AdapterState())
    _, large = held_after_a_read(simulators[LARGE], AdapterState())
    assert large - small > 2 * (LARGE - SMALL), (small, large)
