"""Hostile records in file exports (issue #14, items 3, 4, 9): each is quarantined with its id
(or FILE:LINE), the field path and the limit or type; every other record is still read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from file_adapter_helpers import event, row, sample_rows, write_csv
from kvrules_file import FileAdapter, FileConfig
from kvrules_file.safefile import NotAnExport

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


# Security review 2026-12-07, item 1: a link in the export folder made the adapter read what it
# pointed at, and the header of that file was quoted into a quarantine reason (the audit log).
SECRET = "AKIA-TOP-SECRET-9876"


def test_a_symbolic_link_in_the_export_folder_is_refused_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "svc.json"
    secret.write_text(json.dumps({"client_secret": SECRET}) + "\n")
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "a.csv", sample_rows(2))
    (folder / "creds.jsonl").symlink_to(secret)
    with pytest.raises(NotAnExport) as exc:
        read(folder)
    assert str(exc.value).startswith(f"{folder / 'creds.jsonl'} is a symbolic link: kvrules ")
    assert SECRET not in str(exc.value) and "\n" not in str(exc.value)


def test_a_hard_link_in_the_export_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "a.csv", sample_rows(2))
    os.link(folder / "a.csv", tmp_path / "elsewhere.csv")
    with pytest.raises(NotAnExport, match="has 2 hard links"):
        read(folder)


def test_a_link_named_as_the_export_itself_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "key.txt"
    secret.write_text(f"project_id,{SECRET}\n")
    (tmp_path / "x.csv").symlink_to(secret)
    with pytest.raises(NotAnExport, match="is a symbolic link"):
        read(tmp_path / "x.csv")


def test_a_file_that_is_not_an_export_is_never_quoted_in_its_reason(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("project_id,title\nx,y\n")
    (tmp_path / "key.csv").write_text(f"AWS_SECRET={SECRET}\n")
    (tmp_path / "key2.csv").write_bytes(f"project_id,{SECRET}\xe9\n".encode("latin-1"))
    (tmp_path / "key.jsonl").write_bytes(f"{SECRET}\xe9\n{SECRET}\n".encode("latin-1"))
    records = read(tmp_path)
    reasons = [r.error or "" for r in records.values()]
    assert all(SECRET.lower() not in reason.lower() for reason in reasons), reasons
    assert records["key.csv:1"].error == "unknown column(s) at position(s) 1 of 1"
    assert records["key2.csv:1"].error == (
        "header: column 2: not UTF-8 (byte 0xe9 at character 21); export the file as UTF-8"
    )


def test_a_jsonl_line_nested_too_deep_quarantines_its_line_only(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    good = json.dumps(event("r-ok", "fine"))
    path.write_bytes(b"[" * 100_000 + b"\xe9\n" + good.encode() + b"\n" + b"[" * 100_000 + b"\n")
    records = read(path)
    assert records["r-ok"].events
    assert records["x.jsonl:1"].error.startswith("not UTF-8 (byte 0xe9")
    assert "recursion limit exceeded" in records["x.jsonl:3"].error
