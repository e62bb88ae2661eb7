from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.config import Config
from kvrules.prescreen import Screener
from kvrules.refdata import Resolver, Store
from kvrules.refdata.shipped import load_shipped, open_reference_store

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


@pytest.fixture(scope="module")
def shipped_screener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Screener]]:
    """A pre-screener on a new reference store (the shipped lists), and the store's path."""
    path = tmp_path_factory.mktemp("refdata") / "refdata.sqlite"
    open_reference_store(path).close()  # `match` never starts a store it is named
    screener = Screener.from_config(Config(reference_data=path))
    yield path, screener
    screener.close()
