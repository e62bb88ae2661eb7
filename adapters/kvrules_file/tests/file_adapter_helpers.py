"""Sample exports and the conformance harness of the file adapter (CSV and JSON lines)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from kvrules_file import COLUMNS, FileAdapter, FileConfig

from kvrules.testing import SourceHarness

HEADER = list(COLUMNS)


def row(project_id: str, **values: str) -> dict[str, str]:
    return {"project_id": project_id, **values}


def sample_rows(n: int = 6) -> list[dict[str, str]]:
    """n projects; every even one has a partner and a funder row (two rows, one project)."""
    rows = []
    for i in range(1, n + 1):
        pid = f"p-{i}"
        rows.append(row(pid, title=f"Project {i}", keywords="quantum;sensing", start="2026-01-01"))
        if i % 2 == 0:
            rows.append(
                row(
                    pid,
                    partner_name="Beihang University",
                    partner_country="CN",
                    partner_ror="https://ror.org/00wk2mp56",
                    partner_role="partner",
                )
            )
            rows.append(
                row(
                    pid,
                    funder_name="Office of Naval Research Global",
                    funder_country="US",
                    amount="180000",
                    currency="USD",
                )
            )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, HEADER, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def event(record_id: str, title: str) -> dict[str, object]:
    return {
        "id": f"ris:{record_id}:1",
        "kind": "project.created",
        "source": {"system": "ris", "record_id": record_id},
        "occurred_at": "2026-03-02T09:00:00Z",
        "project": {"id": record_id, "title": title, "partners": [{"name": "TU Delft"}]},
    }


def write_jsonl(path: Path, events: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


class FileHarness(SourceHarness):
    """A folder with a CSV export and a JSON-lines export (``fmt`` picks which one changes)."""

    unknown_record_error = LookupError

    def __init__(self, root: Path, fmt: str = "csv") -> None:
        self.root, self.fmt = root / "exports", fmt
        self.root.mkdir()
        self.rows = sample_rows()
        self.events = [event(f"j-{i}", f"Event project {i}") for i in range(1, 5)]
        write_csv(self.root / "projects.csv", self.rows)
        write_jsonl(self.root / "events.jsonl", self.events)

    def adapter(self) -> FileAdapter:
        return FileAdapter(FileConfig(path=self.root, page_size=1))

    def snapshot(self) -> object:
        return sorted((p.name, p.read_bytes()) for p in self.root.parent.rglob("*") if p.is_file())

    def change(self, record_id: str) -> None:
        for r in self.rows:
            if r["project_id"] == record_id and r.get("title"):
                r["title"] += " (revised)"
        for e in self.events:
            if e["source"]["record_id"] == record_id:  # type: ignore[index]
                e["project"]["title"] += " (revised)"  # type: ignore[index]
        write_csv(self.root / "projects.csv", self.rows)
        write_jsonl(self.root / "events.jsonl", self.events)

    def add_broken(self) -> str:
        if self.fmt == "jsonl":
            bad = event("j-bad", "Bad")
            bad["occurred_at"] = "yesterday"
            write_jsonl(self.root / "events.jsonl", [*self.events, bad])
            return "j-bad"
        self.rows.append(row("p-bad", title="Bad", partner_name="X", partner_country="Narnia"))
        write_csv(self.root / "projects.csv", self.rows)
        return "p-bad"

    def break_source(self) -> None:
        shutil.rmtree(self.root)
