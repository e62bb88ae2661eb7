from __future__ import annotations

from pathlib import Path

import pytest

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
