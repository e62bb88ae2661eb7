"""Private outputs (a report, a person's data) are new 0600 files renamed over their name:
never written into an existing file (which kept its owner and mode 0666) nor through a
symbolic link (security review 2026-12-07, item 6)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.private import write_private
from kvrules.store import Store
from tests.store.test_privacy import NAME, _committee_db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _traps(folder: Path, suffix: str = ".out") -> tuple[Path, Path, Path]:
    """An existing world-writable file, and a link to a file that must not change."""
    shared = folder / f"shared{suffix}"
    shared.write_text("old")
    os.chmod(shared, 0o666)
    precious = folder / "precious.txt"
    precious.write_text("precious")
    link = folder / f"link{suffix}"
    link.symlink_to(precious)
    return shared, precious, link


def test_write_private_replaces_a_file_and_a_link_never_writes_through(tmp_path: Path) -> None:
    shared, precious, link = _traps(tmp_path)
    write_private(shared, "new")
    write_private(link, b"new")
    assert shared.read_text() == "new" and _mode(shared) == 0o600
    assert not link.is_symlink() and link.read_text() == "new" and _mode(link) == 0o600
    assert precious.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.out", "precious.txt", "shared.out"]


def test_report_and_privacy_export_write_through_it(tmp_path: Path) -> None:
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        _committee_db(store)
    runner = CliRunner()
    for suffix in (".html", ".md"):
        shared, precious, link = _traps(tmp_path, suffix)
        for out in (shared, link):
            done = runner.invoke(cli, ["report", "--db", str(db), "--out", str(out)])
            assert done.exit_code == 0, done.output
            assert not out.is_symlink() and _mode(out) == 0o600, out
            out.unlink()
        assert precious.read_text() == "precious"
    shared, precious, link = _traps(tmp_path)
    for out in (shared, link):
        args = ["privacy", "export", "--person", NAME, "--db", str(db), "--out", str(out)]
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
        assert not out.is_symlink() and _mode(out) == 0o600 and NAME in out.read_text()
    assert precious.read_text() == "precious"
