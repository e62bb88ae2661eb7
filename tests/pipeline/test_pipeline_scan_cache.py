"""A scan writes through a larger SQLite page cache, bounded, and puts the size back (issue #20
item 3: CPU per project).

Each record lands in several indexes keyed by record id (snapshot, remembered body, search
text, facets, scan marks) on random pages of tables that grow with the portfolio: with
SQLite's default cache (2,000 KiB) most of them were read from the file again for every record
and written out at each commit. The scan now runs with ``SCAN_CACHE_KIB`` (bounded, so its
memory stays flat) and puts back what was set before, for a `watch` between scans.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.assembly import build_scanner
from kvrules.config import load_config
from kvrules.store import Store
from kvrules.store.api import SCAN_CACHE_KIB
from tests.pipeline.pipeline_helpers import start_system


def cache_size(store: Store) -> int:
    return store._db.conn.execute("PRAGMA cache_size").fetchone()[0]


def test_a_scan_writes_through_the_scan_cache_and_puts_the_size_back(tmp_path: Path) -> None:
    system = start_system(tmp_path / "run", projects=30, page_size=10)
    during: set[int] = set()
    try:
        with Store.open(system.database) as store:
            scanner = build_scanner(load_config(system.config), "pure", store)
            before = cache_size(store)
            report = scanner.scan(progress=lambda _r: during.add(cache_size(store)))
            after = cache_size(store)
    finally:
        system.stop()
    assert report.records == 30
    assert during == {-SCAN_CACHE_KIB}  # KiB (negative), every record written through it
    assert before == after != -SCAN_CACHE_KIB
    assert 8_192 <= SCAN_CACHE_KIB <= 65_536  # larger than SQLite's default, and bounded


def test_the_size_comes_back_when_the_scan_fails(tmp_path: Path) -> None:
    with Store.open(tmp_path / "kvrules.db") as store:
        before = cache_size(store)
        with pytest.raises(KeyError), store.scan_cache():
            assert cache_size(store) == -SCAN_CACHE_KIB
            raise KeyError("a source error")
        assert cache_size(store) == before
