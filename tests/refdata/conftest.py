from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.refdata import Resolver, Store
from kvrules.refdata.shipped import load_shipped

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "kv.db") as s:
        yield s


@pytest.fixture(scope="module")
def shipped_resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    s = Store(tmp_path_factory.mktemp("db") / "kv.db")
    load_shipped(s)
    return Resolver(s)
