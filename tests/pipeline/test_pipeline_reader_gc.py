"""The reader process collects cyclic garbage seldom (issue #20 item 3: the reader sets the
pace of a full scan, and CPython's collector took 0.2 of its 1.25 ms of CPU per project).

A page of Pure projects decodes to some 100,000 objects that live until the page is mapped;
with CPython's thresholds (700, 10, 10) the collector walked them again and again. The reader
now freezes what its imports made and collects every ``GC_THRESHOLDS[0]`` allocations
(``kvrules.reader._collect_seldom``). Here the real reader process reads the Pure simulator
and then writes, from that process, how its collector is set and how often it ran.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kvrules_pure import PureAdapter
from kvrules_pure.simulator import SimulatorHandle, start_simulator

from kvrules.reader import GC_THRESHOLDS, ReaderProcess

API_KEY = "reader-gc-test-key"


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorHandle]:
    sim = start_simulator(projects=200, seed=7, api_key=API_KEY)
    try:
        yield sim
    finally:
        sim.stop()


def reporting_reader(out: Path, *, as_before: bool = False) -> type[ReaderProcess]:
    """A reader whose process, once it has read everything, writes its collector's state;
    ``as_before``: one that leaves CPython's collector as it is, as every reader did before.
    Young collections are counted from the moment the read starts (the imports before it
    make many objects, and collections, either way)."""
    setting = "(lambda: None)" if as_before else "r._collect_seldom"

    class Reporting(ReaderProcess):
        command = (
            "import gc, json, kvrules.reader as r; started = []"
            + f"; setting = {setting}"
            + "; r._collect_seldom = lambda: (started.append(young()), setting())"
            + "; young = lambda: gc.get_stats()[0]['collections']"
            + "; r.child()"
            + f"; open({str(out)!r}, 'w').write(json.dumps({{'enabled': gc.isenabled(),"
            + " 'threshold': gc.get_threshold(), 'frozen': gc.get_freeze_count(),"
            + " 'young': young() - started[0]}))"
        )

    return Reporting


def read_all(simulator: SimulatorHandle, tmp_path: Path, *, as_before: bool = False) -> dict:
    adapter = PureAdapter({"base_url": simulator.base_url, "api_key": API_KEY, "page_size": 100})
    answer = tmp_path / f"gc-{as_before}.json"
    with reporting_reader(answer, as_before=as_before)(adapter, None) as reader:
        records = list(reader)
        # The report is written once the last record is sent: wait for it (closing stops it).
        reader._process.wait(timeout=60)
    assert len(records) == 201  # every project, and the pass's closing record
    state: dict = json.loads(answer.read_text())
    return state


def test_the_reader_freezes_its_imports_and_collects_seldom(
    simulator: SimulatorHandle, tmp_path: Path
) -> None:
    state = read_all(simulator, tmp_path)
    assert state["enabled"]  # cyclic garbage is still collected, only less often
    assert tuple(state["threshold"]) == GC_THRESHOLDS
    assert state["frozen"] > 10_000  # the modules, classes and schemas the imports made
    # The same read with CPython's thresholds: a young collection every 700 allocations.
    before = read_all(simulator, tmp_path, as_before=True)
    assert tuple(before["threshold"]) == (700, 10, 10) and before["frozen"] == 0
    assert before["young"] > 10 * max(1, state["young"])
