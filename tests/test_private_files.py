"""Sensitive files are private (reviewer's defect: with umask 022 kvrules.db and refdata.db
were created -rw-r--r--, and a world-readable key file went unremarked). The web app behind a
TLS proxy: tests/web/test_web_forwarded.py."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.refdata.store import Store as ReferenceStore
from kvrules.store import Store


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_stores_and_their_wal_and_shm_are_created_owner_only(
    tmp_path: Path, umask_022: None
) -> None:
    state = tmp_path / "kvrules.db"
    with Store.open(state) as store:
        store.set_cursor("pure", "c1")  # a write: the -wal and -shm files exist now
        for path in (state, f"{state}-wal", f"{state}-shm"):
            assert _mode(path) == 0o600, path
    refdata = tmp_path / "refdata.db"
    lists = ReferenceStore(refdata)
    try:
        for path in (refdata, f"{refdata}-wal", f"{refdata}-shm"):
            assert _mode(path) == 0o600, path
    finally:
        lists.close()


def test_an_existing_database_keeps_the_mode_its_operator_gave_it(tmp_path: Path) -> None:
    state = tmp_path / "kvrules.db"
    Store.open(state).close()
    state.chmod(0o640)  # shared with a reporting group on purpose
    Store.open(state).close()
    assert _mode(state) == 0o640


def test_config_check_warns_about_a_key_file_others_can_read(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("KVRULES_PURE_API_KEY", raising=False)
    monkeypatch.delenv("KVRULES_PURE_API_KEY_FILE", raising=False)
    key = tmp_path / "pure-api-key"
    key.write_text("k-0123456789")
    key.chmod(0o644)
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources:\n  pure:\n    adapter: pure\n    settings:\n"
        f"      base_url: https://pure.example.edu/ws/api\n      api_key_file: {key}\n"
    )
    said = runner.invoke(cli, ["config", "check", "--config", str(cfg)]).output
    assert (
        f"warning: sources.pure.api_key_file: {key} holds a secret and its group and every "
        f"user can read it; make it readable by its owner only: chmod 600 {key}"
    ) in said
    key.chmod(0o600)
    assert (
        "holds a secret" not in runner.invoke(cli, ["config", "check", "--config", str(cfg)]).output
    )
