"""A scan reads the source ahead: the next page is fetched while the current one is processed
(issue #20, item 3), and reading ahead changes nothing else: order, errors, early stops."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kvrules.assembly import build_scanner
from kvrules.config import load_config
from kvrules.prefetch import Prefetch
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import start_system


def eventually(condition: Callable[[], bool], *, within: float = 60.0) -> bool:
    """Whether ``condition`` comes true (a liveness bound, not a measurement)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_next_page_is_fetched_while_the_current_one_is_processed(tmp_path: Path) -> None:
    system = start_system(tmp_path / "run", projects=60, page_size=20)

    # The adapter asks for the next listing page early on its own; the page after that is
    # asked for only once the reader has moved on to page two (its awards, organisations...).
    def page_two_under_way() -> bool:
        return any(
            r.path.endswith("/projects") and "offset=40" in r.query for r in system.sim.requests
        )

    asked_while_processing: list[bool] = []

    def progress(_record: object) -> None:
        if not asked_while_processing:  # the scan is still on the first record of page one
            asked_while_processing.append(eventually(page_two_under_way))

    try:
        with Store.open(system.database) as store:
            scanner = build_scanner(load_config(system.config), "pure", store)
            report = scanner.scan(progress=progress)
    finally:
        system.stop()
    assert asked_while_processing == [True]
    assert report.records == 60


def test_records_keep_their_order_and_a_source_error_comes_after_them() -> None:
    failure = ConnectionError("source went away")

    def source() -> Iterator[int]:
        yield from range(5)
        raise failure

    got: list[int] = []
    with Prefetch(source(), ahead=2) as records, pytest.raises(ConnectionError) as raised:
        for record in records:
            got.append(record)
    assert got == [0, 1, 2, 3, 4]
    assert raised.value is failure


def test_stopping_early_closes_the_source_on_its_own_thread_and_reads_boundedly() -> None:
    pulled: list[int] = []
    closed_on: list[str] = []

    def source() -> Iterator[int]:
        try:
            for n in range(10_000):
                pulled.append(n)
                yield n
        finally:
            closed_on.append(threading.current_thread().name)

    with Prefetch(source(), ahead=3) as records:
        for record in records:
            if record == 2:
                break
    assert closed_on == ["kvrules-prefetch"]
    assert len(pulled) <= 3 + 3 + 1  # consumed, queued, and the one waiting for room


def test_committed_pages_give_their_memory_back(tmp_path: Path, monkeypatch, write_rulebook):
    """Issue #20 (4): a scan's resident size stays flat because the C heaps' free pages go
    back to the system as records are committed (glibc kept them: +5 KB per record read)."""
    import kvrules.pipeline as pipeline
    from kvrules import Evaluator, load_rulebook
    from kvrules.memory import give_back_free_memory
    from kvrules.plugins import get_adapters
    from tests.conftest import rule_yaml

    if not give_back_free_memory():
        pytest.skip("not glibc: nothing to give back this way")
    trims: list[bool] = []
    monkeypatch.setattr(pipeline, "give_back_free_memory", lambda: trims.append(True) or True)
    monkeypatch.setattr(pipeline._Batches, "TRIM_RECORDS", 3)
    exports = tmp_path / "exports"
    exports.mkdir()
    lines = [
        f'{{"id": "P{n}:v1", "kind": "project.created", "occurred_at": "2026-01-01T00:00:00Z",'
        f' "source": {{"system": "file", "record_id": "P{n}"}},'
        f' "project": {{"id": "P{n}", "title": "t{n}"}}}}'
        for n in range(10)
    ]
    (exports / "projects.jsonl").write_text("\n".join(lines) + "\n")
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports, page_size=1))  # a cursor per record
    book = load_rulebook(write_rulebook(rule_yaml("t", 'project.title == "t1"')))
    with Evaluator([book]) as evaluator, Store.open(tmp_path / "state.db") as store:
        report = pipeline.Scanner(store, "file", adapter, evaluator, None).scan()
    assert report.records == 10
    assert len(trims) >= 10 // 3  # at least after records 3, 6 and 9
