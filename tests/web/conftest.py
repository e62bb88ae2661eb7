from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.prescreen import Screener
from tests.web.web_helpers import build_db


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # argon2 hashing is deliberately slow: build the database once and copy it per test.
    return build_db(tmp_path_factory.mktemp("web") / "template.db")


@pytest.fixture
def db(tmp_path: Path, _template_db: Path) -> Path:
    import sqlite3

    target = tmp_path / "kvrules.db"
    src, dst = sqlite3.connect(_template_db), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture(scope="session")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screener]:
    """The shipped rulebooks and lists, compiled once for every pre-screening test."""
    from kvrules.config import Config

    refdata = tmp_path_factory.mktemp("refdata") / "refdata.sqlite"
    built = Screener.from_config(Config(reference_data=refdata))
    yield built
    built.close()
