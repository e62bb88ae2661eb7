"""Test-wide isolation: no test reads the developer's configuration or reference store.

Every test gets its own reference store (``$KVRULES_REFDATA``), a copy of one seeded with the
shipped lists once per session, so a test that imports a list cannot change what another
screens with, and seeding costs one import per run.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SETTINGS_ENV = ("KVRULES_CONFIG", "KVRULES_DB", "KVRULES_REFDATA", "KVRULES_DEBUG")


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
