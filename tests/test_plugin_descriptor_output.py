"""What a plugin writes to file descriptor 1 goes to stderr too, not into the command's output.

Security review: ``plugin_stdout`` swapped only ``sys.stdout``, so a hook's
``subprocess.run(["echo", …])`` and its ``os.write(1, …)`` landed in ``kvrules plugins
--json``'s stdout, which no longer parsed. Real processes throughout: an installed plugin run
by the real command, and a program whose main thread writes the command's output while a
plugin call runs in another thread.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.test_plugins_cli import install

__all__ = ["install"]  # the fixture

WRITES_TO_DESCRIPTOR_1 = """
import os
import subprocess
import sys

from kvrules import hookimpl

os.write(1, b"raw write at import\\n")


@hookimpl
def register_adapters(register):
    subprocess.run(["echo", "echo from a hook's subprocess"], check=True)
    subprocess.run([sys.executable, "-c", "print('python child of a hook')"], check=True)
    os.write(1, b"raw write in a hook\\n")
    print("print in a hook")
"""


def test_a_plugins_subprocess_and_raw_writes_go_to_stderr_not_into_the_json(
    install, tmp_path: Path
) -> None:
    install("kvrules-fd-writer", WRITES_TO_DESCRIPTOR_1, {"fd_writer": "kvrules_tp_fd_writer"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-m", "kvrules", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for written in (
        "raw write at import",
        "echo from a hook's subprocess",
        "python child of a hook",
        "raw write in a hook",
        "print in a hook",
    ):  # each happened (else this test proves nothing), on stderr
        assert written in done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)}  # stdout is JSON, whole
    assert rows["fd_writer"]["error"] is None


MAIN_WRITES_WHILE_A_CALL_RUNS = textwrap.dedent(
    """
    import os
    import subprocess
    import sys
    import threading

    from kvrules.plugin_stdout import plugin_prints_to_stderr

    print("before any call")
    started, release = threading.Event(), threading.Event()


    def hook():
        with plugin_prints_to_stderr():
            started.set()
            subprocess.run(["echo", "hook's child, first"], check=True)
            release.wait()
            os.write(1, b"hook's raw write, last\\n")


    thread = threading.Thread(target=hook)
    thread.start()
    started.wait()
    print('{"the": "command output"}')  # the main thread, while descriptor 1 is stderr's
    sys.stdout.flush()
    release.set()
    thread.join()
    sys.stdout.flush()
    os.write(1, b"after the last call\\n")  # descriptor 1 is stdout's again
    """
)


def test_the_main_threads_output_reaches_stdout_while_descriptor_1_is_aside() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MAIN_WRITES_WHILE_A_CALL_RUNS],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ('before any call\n{"the": "command output"}\nafter the last call\n'), (
        done.stderr
    )
    assert "hook's child, first" in done.stderr and "hook's raw write, last" in done.stderr
