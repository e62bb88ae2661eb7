"""The reader process keeps large blocks out of glibc's heaps (issue #20 item 4: the reader's
peak grew with the portfolio).

Each Pure page is a few MB of JSON, decoded text and pickled batches. glibc raised its mmap
threshold to the size of the largest such block freed, so every later one was carved from the
heaps wherever a hole fitted: the memory free in them grew with every page (to 90 MB after
20,000 projects, 12 MB in use) and a page touched more of it before the next trim. The reader
now fixes the threshold when it starts (``kvrules.reader._large_blocks_apart``); here the
real reader process reads the Pure simulator and then answers, in that process, where glibc
puts a large block after a larger one was freed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kvrules_pure import PureAdapter
from kvrules_pure.simulator import SimulatorHandle, start_simulator

from kvrules.reader import ReaderProcess
from tests.pipeline import malloc_probe

API_KEY = "reader-memory-test-key"
pytestmark = pytest.mark.skipif(malloc_probe.glibc() is None, reason="glibc's malloc only")


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorHandle]:
    sim = start_simulator(projects=60, seed=5, api_key=API_KEY, portfolio="stress")
    try:
        yield sim
    finally:
        sim.stop()


def probed_reader(out: Path) -> type[ReaderProcess]:
    """A reader whose process, once it has read everything, writes the probe's answer."""

    class Probed(ReaderProcess):
        command = (
            ReaderProcess.command
            + "; from tests.pipeline.malloc_probe import mapped_after_a_larger_free as probe"
            + f"; open({str(out)!r}, 'w').write(str(probe()))"
        )

    return Probed


def test_a_freed_page_does_not_move_later_large_blocks_into_the_heaps(
    simulator: SimulatorHandle, tmp_path: Path
) -> None:
    adapter = PureAdapter({"base_url": simulator.base_url, "api_key": API_KEY, "page_size": 20})
    answer = tmp_path / "reader.txt"
    with probed_reader(answer)(adapter, None) as reader:
        records = list(reader)
        # The probe runs once the last record is sent: wait for it (closing would stop it).
        reader._process.wait(timeout=60)
    assert len(records) > 60  # every project, and the pass's closing record
    assert answer.read_text() == "1"  # the reader's threshold stayed put


def test_the_probe_tells_a_plain_interpreter_apart(tmp_path: Path) -> None:
    """Without the reader's setting, the same probe sees the block carved from a heap: what
    every reader did before (the test above fails on that code)."""
    answer = tmp_path / "plain.txt"
    subprocess.run([sys.executable, malloc_probe.__file__, str(answer)], check=True, timeout=60)
    assert answer.read_text() == "0"
