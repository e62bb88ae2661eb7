"""docs/writing-an-adapter.md documents the CSV format the code reads, column for column."""

from __future__ import annotations

import re
from pathlib import Path

from kvrules_file import COLUMNS

DOC = Path(__file__).resolve().parents[3] / "docs" / "writing-an-adapter.md"


def test_csv_column_table_matches_the_code() -> None:
    section = DOC.read_text(encoding="utf-8").split("### The CSV format", 1)[1].split("\n## ")[0]
    table = re.findall(r"^\| `(\w+)` \| (.+?) \|$", section, re.M)
    assert dict(table) == COLUMNS
