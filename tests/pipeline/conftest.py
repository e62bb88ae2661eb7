from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pipeline.pipeline_helpers import System, start_system


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    """Pure simulator (60 projects, fixed seed), SMTP server and webhook receiver on 127.0.0.1."""
    running = start_system(tmp_path / "run")
    try:
        yield running
    finally:
        running.stop()
