"""match --file on several cores (issue #16 item 3): this process matches from the first row and
a worker process joins it once it has loaded the kept index; the answers and their order are
those of one process, whoever matched each chunk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.refdata import Store, batch
from kvrules.refdata.cache import Index, prepare
from kvrules.refdata.importers import import_file
from kvrules.refdata.shipped import load_shipped

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = [
    ("Harbin Institute of Technology", "CN"),
    ("Harbin Institue of Technlogy", ""),  # corrected spelling
    ("School of Astronautics, Harbin Institute of Technology, Harbin, China", ""),
    ("Beihang Univrsity", "CN"),  # fuzzy
    ("Nonexistent Foundation for Applied Studies", ""),
    ("", ""),  # a bad row
    ("Beihang University", "Atlantis"),  # an unknown country
]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Store(tmp_path / "refdata.db") as store:
        load_shipped(store)
        import_file(store, "ror", FIXTURES / "ror_v2.json", edition="fixture")
        kept = prepare(store)
    assert kept.path is not None
    yield kept


def _rows(count: int) -> list[batch.Row]:
    picked = [NAMES[i % len(NAMES)] for i in range(count)]
    return [
        batch.Row(n, {"name": name, "country": cc}, name=name, country=cc or None)
        for n, (name, cc) in enumerate(picked, 2)
    ]


def _said(results: Iterator[batch.Result]) -> list[tuple[int, list[dict], str | None]]:
    return [(r.row.number, r.matches, r.error) for r in results]


def test_a_worker_beside_this_process_answers_as_one_process(index: Index) -> None:
    rows = _rows(3_000)  # six chunks
    alone = _said(batch.match_rows(index, rows, remember=0))
    with batch.Workers(index, 1) as workers:
        workers.ready.result()  # the worker has loaded the index: it takes the first chunk
        stats = batch.Stats()
        both = _said(
            batch.match_rows(index, rows, workers=workers, beside=True, stats=stats, remember=0)
        )
    assert both == alone
    assert [number for number, _, _ in both] == list(range(2, 3_002))
    assert 0 < stats.by_workers <= stats.matched == 3_000 - 3_000 // len(NAMES)


def test_repeated_rows_split_between_processes_are_answered_as_one_process(index: Index) -> None:
    rows = _rows(3_000)
    alone = _said(batch.match_rows(index, rows))
    with batch.Workers(index, 1) as workers:
        workers.ready.result()
        both = _said(batch.match_rows(index, rows, workers=workers, beside=True))
    assert both == alone


def test_a_long_file_uses_every_core_by_default(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_AFTER", 1_000)
    monkeypatch.setattr(batch, "usable_cores", lambda: 2)  # this machine's count may be one
    rows = _rows(2_000)
    stats = batch.Stats()
    assert _said(batch.match_rows(index, rows, jobs=None, stats=stats)) == _said(
        batch.match_rows(index, rows)
    )
    assert stats.rows == 2_000


def test_a_worker_that_cannot_load_the_index_leaves_every_row_to_this_process(
    index: Index,
) -> None:
    rows = _rows(1_500)
    alone = _said(batch.match_rows(index, rows, remember=0))
    index.resolver()  # loaded here; then the kept file goes (an import removes it)
    assert index.path is not None
    index.path.unlink()
    with batch.Workers(index, 1) as workers:
        with pytest.raises(Exception):  # noqa: B017 - the pool says it broke, in its words
            workers.ready.result()
        stats = batch.Stats()
        both = _said(
            batch.match_rows(index, rows, workers=workers, beside=True, stats=stats, remember=0)
        )
    assert both == alone and stats.by_workers == 0


def test_closing_the_workers_ends_every_worker_process(index: Index) -> None:
    """`Workers.close` stops its worker processes (one may still be loading the index, which a
    command would otherwise wait for) through the processes it started, not the pool's
    private list; none is left running, and other children of this process are untouched."""
    import multiprocessing

    before = set(multiprocessing.active_children())
    workers = batch.Workers(index, 2)
    workers.ready.result()
    started = set(multiprocessing.active_children()) - before
    assert started  # the pool starts its workers as work comes: one at least
    workers.close()
    for process in started:
        process.join()
        assert not process.is_alive()
    assert set(multiprocessing.active_children()) <= before
