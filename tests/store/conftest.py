"""Store fixtures: a fake clock and a fresh store in a temporary file (also used by tests/alerts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.store import Store
from tests.store.store_helpers import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kvrules.db"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[Store]:
    with Store.open(db_path, clock=clock) as s:
        yield s
