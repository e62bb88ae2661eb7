"""Progress bars only when stderr is a terminal, whatever FORCE_COLOR says: rich counts
FORCE_COLOR as a terminal, and drew the bar into a piped stderr (a log file, a CI job)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

BAR_GLYPHS = ("━", "\x1b[?25l")  # the bar, and hiding the cursor to draw it


def test_match_draws_no_bar_on_a_piped_stderr_even_with_force_color(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name\n" + "Beihang University\n" * 3000)
    command = [sys.executable, "-m", "kvrules", "match", "--file", str(names)]
    env = {**os.environ, "FORCE_COLOR": "1"}  # the test's reference store ($KVRULES_REFDATA)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3000
    assert not any(glyph in done.stderr for glyph in BAR_GLYPHS), done.stderr


def test_scan_draws_no_bar_on_a_piped_stderr_even_with_force_color(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "database: kvrules.db\nreference_data: refdata.db\n"
        f"sources:\n  f:\n    adapter: file\n    settings: {{path: {exports}}}\n"
    )
    command = [sys.executable, "-m", "kvrules", "scan", "--config", str(config)]
    env = {**os.environ, "FORCE_COLOR": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "scan of f" in done.stdout  # the scan ran, and said so
    assert not any(glyph in done.stderr for glyph in BAR_GLYPHS), done.stderr


def test_an_import_draws_no_spinner_on_a_piped_stderr_even_with_force_color(
    tmp_path: Path,
) -> None:
    """The import builds the lists' index under a spinner: on a terminal only."""
    entries = tmp_path / "watch.csv"
    entries.write_text("entry_id,name,country\ne1,Acme Institute of Rocketry,RU\n")
    command = [
        *(sys.executable, "-m", "kvrules", "refdata", "import", "csv", str(entries)),
        *("--list-id", "watch", "--edition", "1"),
    ]
    env = {**os.environ, "FORCE_COLOR": "1", "KVRULES_REFDATA": str(tmp_path / "refdata.db")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "built the lists' index" in done.stderr  # the build ran, and said so
    assert not any(glyph in done.stderr for glyph in BAR_GLYPHS), done.stderr
