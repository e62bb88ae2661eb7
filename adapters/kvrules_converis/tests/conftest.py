"""Fixtures: a Converis simulator shared by a test session (rate limit off; tests pace the
adapter themselves, and the one rate-limit test starts its own simulator)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from converis_helpers import SECRET
from kvrules_converis.simulator import SimulatorHandle, start_simulator


@pytest.fixture(scope="session")
def converis_sim() -> Iterator[SimulatorHandle]:
    """120 synthetic projects, seed 1, on a free 127.0.0.1 port; faults cleared per test."""
    with start_simulator(projects=120, seed=1, password=SECRET, rate_limit=None) as sim:
        yield sim


@pytest.fixture(autouse=True)
def _clean_converis_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "converis_sim" in request.fixturenames:
        request.getfixturevalue("converis_sim").faults.clear()
