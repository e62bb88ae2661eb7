"""Write-back target: a CSV of ``record_id,tags,updated_at`` for the RIS to import.

Tags are ``;``-separated (as keywords are in the CSV export). The file is replaced atomically:
an import job reading it mid-write sees the old or the new version, never half of one.
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HEADER = ["record_id", "tags", "updated_at"]
Row = tuple[list[str], str]  # tags, updated_at


def check_tags(tags: list[str]) -> None:
    bad = [t for t in tags if not t or t != t.strip() or ";" in t or "\n" in t]
    if bad:
        raise ValueError(f"tags must be non-empty, without ';', newlines or edge spaces: {bad}")


def read(path: Path) -> dict[str, Row]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {
            row["record_id"]: ([t for t in row["tags"].split(";") if t], row.get("updated_at", ""))
            for row in csv.DictReader(fh)
        }


def write(path: Path, rows: dict[str, Row]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for record_id, (values, updated_at) in sorted(rows.items()):
                writer.writerow([record_id, ";".join(values), updated_at])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
