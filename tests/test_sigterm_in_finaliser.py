"""A SIGTERM whose ``Stopped`` lands in a finaliser (CI: "Exception ignored in: Decimal(…)"
with a traceback on the user's terminal, then the scan's own "stopped by SIGTERM" line): the
stop is kept for the next record, and nothing is printed for the lost exception. In a fresh
interpreter: pytest installs an unraisable hook of its own."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import gc
    from kvrules.cli.scan import TALLY, Stopped, sigterm_stops

    class Lost:
        def __del__(self):
            TALLY.stop_asked = True  # as the SIGTERM handler does before it raises
            raise {raised}

    with sigterm_stops():
        Lost()  # collected at once: __del__ raises where Python ignores the exception
        gc.collect()
        print("stop kept:", TALLY.stop_asked)
    """
)


def _run(raised: str) -> subprocess.CompletedProcess[str]:
    code = SCRIPT.format(raised=raised)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )


def test_a_stop_lost_in_a_finaliser_prints_no_traceback() -> None:
    done = _run("Stopped")
    assert "stop kept: True" in done.stdout  # raised again at the next record
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_other_lost_exceptions_are_still_reported() -> None:
    done = _run("ValueError('a real bug in a finaliser')")
    assert "a real bug in a finaliser" in done.stderr
