"""Test-wide isolation: no test reads the developer's configuration or reference store.

Every test gets its own reference store (``$KVRULES_REFDATA``), a copy of one seeded with the
shipped lists once per session, so a test that imports a list cannot change what another
screens with, and seeding costs one import per run.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SETTINGS_ENV = ("KVRULES_CONFIG", "KVRULES_DB", "KVRULES_REFDATA", "KVRULES_DEBUG")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts): half as many workers again as there are cores (3 on
    2), not one per core. A worker often waits with its core idle: on a subprocess's start-up
    pipe, a simulator's socket, a deadline a test sleeps out; a third worker fills those
    gaps (measured figures: the commit that set this). PYTEST_XDIST_AUTO_NUM_WORKERS or an
    explicit ``-n N`` still decide."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(2, (cores or 1) * 3 // 2)


@pytest.fixture(scope="session", autouse=True)
def _subprocesses_compile_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Where Python is told not to write bytecode (PYTHONDONTWRITEBYTECODE, as on the shared
    test machine), every `kvrules` a test starts compiled all it imports from source again:
    half a second of CPU per child, hundreds of children per run. The children of this run
    keep their bytecode in a folder of the run instead (PYTHONPYCACHEPREFIX), so they
    compile once; nothing is written beside the source, as the setting intends."""
    if not sys.flags.dont_write_bytecode:
        yield  # bytecode is kept beside the source already
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        patch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path_factory.mktemp("bytecode")))
        yield


@pytest.fixture(scope="session")
def seeded_reference_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kvrules.refdata.shipped import open_reference_store

    path = tmp_path_factory.mktemp("refdata-seed") / "refdata.db"
    open_reference_store(path).close()
    return path


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, seeded_reference_store: Path
) -> Iterator[None]:
    # Its own MonkeyPatch: a test calling monkeypatch.undo() must not undo the isolation.
    with pytest.MonkeyPatch.context() as patch:
        for name in SETTINGS_ENV:
            patch.delenv(name, raising=False)
        store = tmp_path_factory.mktemp("refdata") / "refdata.db"
        shutil.copyfile(seeded_reference_store, store)
        patch.setenv("KVRULES_REFDATA", str(store))
        yield
