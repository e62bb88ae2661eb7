"""The file adapter passes the kvrules adapter conformance suite, for CSV and JSON lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from file_adapter_helpers import FileHarness

from kvrules.testing import AdapterConformance


class TestFileAdapterConformance(AdapterConformance):
    @pytest.fixture(params=["csv", "jsonl"])
    def harness(self, request: pytest.FixtureRequest, tmp_path: Path) -> FileHarness:
        return FileHarness(tmp_path, request.param)
