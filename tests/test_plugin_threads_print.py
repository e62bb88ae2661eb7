"""What a plugin prints from a thread of its own goes to stderr, not into the command's output.

Reviewer: a ``write_tags`` printing from a ``ThreadPoolExecutor`` it starts wrote into stdout,
as only the thread running the hook was marked. A real process (its main thread writes the
command's output, as kvrules' does) runs the real contract wrapper around such an adapter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kvrules.plugin_stdout import plugin_prints_to_stderr

ADAPTER_WITH_WORKERS = textwrap.dedent(
    """
    from concurrent.futures import ThreadPoolExecutor

    from kvrules.adapter import TagWrite
    from kvrules.contract import checked_write_tags


    class Adapter:
        def write_tags(self, record_id, tags, **options):
            print("hook print")
            with ThreadPoolExecutor(2) as pool:
                pool.submit(print, "worker print").result()
            return TagWrite(
                record_id=record_id, before=[], after=tags, written=True, dry_run=False
            )


    checked_write_tags(Adapter(), "P-1", ["x"])
    print('{"json": "the command output"}')
    """
)


def test_a_plugins_own_threads_print_to_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ADAPTER_WITH_WORKERS],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == '{"json": "the command output"}\n'
    assert "hook print" in done.stderr and "worker print" in done.stderr


def test_stdout_is_the_raw_stream_again_once_no_plugin_call_is_on() -> None:
    """A print outside plugin calls goes straight to the stream (through the per-thread one it
    cost 7-11x a raw print), whatever ``sys.stdout`` is (pytest's capture here)."""
    before = sys.stdout
    with plugin_prints_to_stderr():
        assert sys.stdout is not before
        with plugin_prints_to_stderr():  # nested: still in place
            pass
        assert sys.stdout is not before
    assert sys.stdout is before
