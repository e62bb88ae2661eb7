"""Write-back target: a CSV of ``record_id,tags,updated_at`` for the RIS to import.

Tags are ``;``-separated (as keywords are in the CSV export). The file is replaced atomically:
an import job reading it mid-write sees the old or the new version, never half of one.

A record id comes from the export, anyone's text: a cell a spreadsheet would run as a formula
(``=…``, ``+…``, ``-…``, ``@…``) is written with a leading apostrophe, as kvrules' exports
write it (``kvrules.csv_safe``), and read back without it; an id that starts with an apostrophe
itself gets a second one, so that every id reads back as it was.
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kvrules import csv_safe

HEADER = ["record_id", "tags", "updated_at"]
Row = tuple[list[str], str]  # tags, updated_at


def check_tags(tags: list[str]) -> None:
    bad = [t for t in tags if not t or t != t.strip() or ";" in t or "\n" in t]
    if bad:
        raise ValueError(f"tags must be non-empty, without ';', newlines or edge spaces: {bad}")


def _cell(text: str) -> str:
    """``text`` as a cell a spreadsheet shows and never runs (``csv_safe``), told apart from
    a text that starts with an apostrophe of its own."""
    return "'" + text if text.startswith("'") else csv_safe(text)


def _text(cell: str) -> str:
    """What ``_cell`` wrote ``cell`` for."""
    rest = cell[1:]
    if cell.startswith("'") and (rest.startswith("'") or csv_safe(rest) != rest):
        return rest
    return cell


def read(path: Path) -> dict[str, Row]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {
            _text(row["record_id"]): (
                [t for t in _text(row["tags"]).split(";") if t],
                row.get("updated_at", ""),
            )
            for row in csv.DictReader(fh)
        }


def write(path: Path, rows: dict[str, Row]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for record_id, (values, updated_at) in sorted(rows.items()):
                writer.writerow([_cell(record_id), _cell(";".join(values)), updated_at])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
