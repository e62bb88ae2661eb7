"""kvrules match --file: the defects a reviewer found (issue #16 item 3), each pinned down."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, ["match", *args], input=stdin)


def rows_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def on_a_terminal(command: list[str], stdout: Path) -> tuple[int, str]:
    """Run ``command`` with stdin and stderr on a pseudo-terminal and stdout into a file (as
    ``kvrules match ... > out.csv`` typed at a terminal); its exit code and what the terminal
    showed."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    with stdout.open("wb") as out:
        child = subprocess.Popen(command, stdin=terminal, stdout=out, stderr=terminal, env=env)
    os.close(terminal)  # the child holds its end: reading ends when the child is gone
    shown = b""
    while True:  # read as it is drawn: an unread terminal would block the child
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return child.wait(timeout=120), shown.decode(errors="replace")


def test_results_go_to_stdout_when_it_is_a_file_and_the_bar_to_the_terminal(
    tmp_path: Path,
) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,owner\n" + "Beihang University,HR\n" * 3000)
    command = [sys.executable, "-c", "from kvrules.cli import main; main()", "match", "--file"]
    out = tmp_path / "out.csv"
    code, shown = on_a_terminal([*command, str(names), "--format", "csv"], out)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 3000 and rows[0]["owner"] == "HR"
    assert rows[0]["match_list"] == "us_dod_1286"
    assert "━" in shown  # the bar, on the terminal
    assert "Beihang University" not in shown  # and none of the rows
