"""Hostile records in file exports (issue #14, items 3, 4, 9): each is quarantined with its id
(or FILE:LINE), the field path and the limit or type; every other record is still read."""

from __future__ import annotations

import json
from pathlib import Path

from file_adapter_helpers import event, row, sample_rows, write_csv
from kvrules_file import FileAdapter, FileConfig

from kvrules import FetchedRecord
from kvrules.testing import content


def read(path: Path) -> dict[str, FetchedRecord]:
    records = content(FileAdapter(FileConfig(path=path)).fetch(None))
    assert len({r.record_id for r in records}) == len(records)  # nothing doubled
    return {r.record_id: r for r in records}


def test_csv_cell_over_the_csv_module_limit_quarantines_only_its_project(tmp_path: Path) -> None:
    rows = sample_rows(4)
    rows.append(row("p-huge", title="T" * 200_000))  # over csv's own 128 KiB cell limit
    rows.append(row("p-name", title="ok", partner_name="N" * 3_000, partner_country="CN"))
    records = read(write_csv(tmp_path / "x.csv", rows))
    assert {r for r, rec in records.items() if rec.events} == {"p-1", "p-2", "p-3", "p-4"}
    assert "project.title: title of length 200,000" in records["p-huge"].error
    assert "(max_title_chars)" in records["p-huge"].error
    assert "project.partners[0].name: name of length 3,000" in records["p-name"].error


def test_csv_project_with_too_many_partners_is_quarantined(tmp_path: Path) -> None:
    rows = sample_rows(2)
    rows += [row("p-many", title="t", partner_name=f"Org {i}") for i in range(1_001)]
    records = read(write_csv(tmp_path / "x.csv", rows))
    assert "organisation references 1,001 is over the limit 1,000" in records["p-many"].error
    assert records["p-1"].events and records["p-2"].events


def test_jsonl_wrong_type_and_huge_lines_are_quarantined_with_their_path(tmp_path: Path) -> None:
    wrong = event("r-country", "t")
    wrong["project"]["partners"] = [{"name": "Beihang University", "country": 5}]  # type: ignore[index]
    huge_name = event("r-name", "t")
    huge_name["project"]["partners"] = [{"name": "N" * 3_000}]  # type: ignore[index]
    lines = [event("r-ok", "fine"), wrong, huge_name]
    text = "".join(json.dumps(e) + "\n" for e in lines) + json.dumps(
        event("r-big", "x" * 6_000_000)
    )
    path = tmp_path / "x.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    records = read(path)
    assert records["r-ok"].events
    assert "project.partners.0.country: expected an ISO 3166-1" in records["r-country"].error
    assert "project.partners[0].name: name of length 3,000" in records["r-name"].error
    assert "(max_record_chars)" in records["x.jsonl:4"].error
