"""A scan calls the cyclic collector seldom while it runs (issue #20 item 3: CPU per project).

Each record makes a few thousand objects that live until it is stored (its events, findings,
the batch it was unpickled from); CPython's collector, every 700 allocations, walked them
again and again for next to no garbage: ~0.05 ms of the scan process's CPU per project, its
full collections more often the longer the scan (README, the scan bench). The scan now runs
with ``kvrules.memory.SELDOM`` and puts back what was set before, so a `watch` between scans
and anything else in the process is as it was.
"""

from __future__ import annotations

import gc
from pathlib import Path

from kvrules.assembly import build_scanner
from kvrules.config import load_config
from kvrules.memory import SELDOM, collecting_seldom
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import start_system


def test_a_scan_collects_seldom_and_puts_the_setting_back(tmp_path: Path) -> None:
    system = start_system(tmp_path / "run", projects=30, page_size=10)
    during: set[tuple[int, int, int]] = set()
    before = (700, 10, 10)
    try:
        with Store.open(system.database) as store:
            scanner = build_scanner(load_config(system.config), "pure", store)
            kept = gc.get_threshold()
            gc.set_threshold(*before)
            try:
                report = scanner.scan(progress=lambda _r: during.add(gc.get_threshold()))
                after = gc.get_threshold()
            finally:
                gc.set_threshold(*kept)
    finally:
        system.stop()
    assert report.records == 30
    assert during == {SELDOM}  # every record processed with it
    assert after == before


def test_the_setting_comes_back_when_the_block_fails() -> None:
    kept = gc.get_threshold()
    try:
        gc.set_threshold(600, 9, 8)
        try:
            with collecting_seldom():
                assert gc.get_threshold() == SELDOM
                raise KeyError("a source error")
        except KeyError:
            pass
        assert gc.get_threshold() == (600, 9, 8)
        assert gc.isenabled()  # garbage in cycles is still collected, later
    finally:
        gc.set_threshold(*kept)
