"""Reliability suite. Tests marked `slow` here run only when asked for (`-m slow`, or
KVRULES_SLOW=1): pyproject's addopts does not deselect them by default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.getoption("markexpr") or "") or os.environ.get("KVRULES_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or KVRULES_SLOW=1")
    for item in items:
        if item.get_closest_marker("slow") and HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)
