"""A plugin hook kvrules gave up on may still print: never into the command's stdout.

The hook ran under ``contextlib.redirect_stdout(sys.stderr)``, which ended with kvrules' wait;
the hung thread went on and its print() landed in ``kvrules plugins --json``'s output. A real
installed plugin, in a real process: its hook sleeps past the deadline, then prints, and the
process waits (at exit, after the JSON is written) until it has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_plugins_cli import install

__all__ = ["install"]  # the fixture

DEADLINE = 10  # seconds: the good plugins' imports share it too (this machine runs loaded)

SLEEPS_THEN_PRINTS = """
import atexit
import threading
import time

from kvrules import hookimpl

printed = threading.Event()
# kvrules has written its output when it exits: wait there until the late print has happened
atexit.register(printed.wait, 120)


@hookimpl
def register_adapters(register):
    time.sleep({sleep})  # past kvrules' deadline: it has given up and gone on
    print("late words from a hook kvrules gave up on", flush=True)
    printed.set()
"""


def test_a_hook_given_up_on_prints_to_stderr_not_into_the_json(install, tmp_path: Path) -> None:
    install(
        "kvrules-late-print",
        SLEEPS_THEN_PRINTS.format(sleep=DEADLINE + 1.5),
        {"late_print": "kvrules_tp_late_print"},
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
        "KVRULES_PLUGIN_DEADLINE": str(DEADLINE),
    }
    done = subprocess.run(
        [sys.executable, "-m", "kvrules", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    # the print happened (else this test would prove nothing), and on stderr
    assert "late words from a hook kvrules gave up on" in done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)}  # stdout is JSON, whole
    assert rows["late_print"]["error"].startswith(
        f"register_adapters did not return within {DEADLINE} s"
    )
