"""Exports that are not clean UTF-8: one bad byte quarantines its row's record only (named by
file:line and column, the reason said once); a binary file is one clear failure; a UTF-8 file
with a BOM and CRLF line ends reads as any other."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from file_adapter_helpers import event
from kvrules_file import FileAdapter, FileConfig
from kvrules_file.encoding import NOT_TEXT

from kvrules import FetchedRecord
from kvrules.cli.fetch import fetch
from kvrules.testing import content

PARTNERS = [
    "Beihang University",
    "Technische Universität München",
    "Harbin Institute of Technology",
]


def read(path: Path) -> dict[str, FetchedRecord]:
    return {r.record_id: r for r in content(FileAdapter(FileConfig(path=path)).fetch(None))}


def latin1_row_csv(path: Path) -> Path:
    """Three projects, one partner each; the second row saved in Latin-1, the others UTF-8."""
    lines = [b"project_id,title,partner_name\r\n"]
    for n, partner in enumerate(PARTNERS, 1):
        encoding = "latin-1" if n == 2 else "utf-8"
        lines.append(f"p-{n},Project {n},{partner}\r\n".encode(encoding))
    path.write_bytes(b"".join(lines))
    return path


def test_one_latin1_row_quarantines_its_project_only(tmp_path: Path) -> None:
    path = latin1_row_csv(tmp_path / "latin1.csv")
    found = read(path)
    assert [found[p].events[0].project.partners[0].name for p in ("p-1", "p-3")] == [  # type: ignore[union-attr]
        PARTNERS[0],
        PARTNERS[2],
    ]
    assert found["p-2"].error == (
        f"{path}:3: partner_name: not UTF-8 ('Technische Universit\\xe4t M\\xfcnchen');"
        " export the file as UTF-8"
    )


def test_fetch_names_the_bad_row_once_and_reads_the_rest(
    tmp_path: Path, monkeypatch: object
) -> None:
    latin1_row_csv(tmp_path / "latin1.csv")
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    result = CliRunner().invoke(fetch, ["--source", "file", "--path", "latin1.csv"])
    assert result.exit_code == 2
    assert "p-1" in result.stdout and "p-3" in result.stdout
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("quarantined")]
    assert line.startswith("quarantined p-2: latin1.csv:3: partner_name: not UTF-8")
    assert line.count("latin1.csv") == 1
    assert "3 record(s), 1 quarantined" in result.stderr


def test_undecodable_project_id_is_known_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"project_id,title\np-1,T\np-\xe9,T\n")
    found = read(path)
    assert found["p-1"].events
    assert found["x.csv:3"].error == "project_id: not UTF-8 ('p-\\xe9'); export the file as UTF-8"


def test_header_not_utf8_is_one_failure_for_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"project_id,t\xeftle\np-1,T\n")
    (only,) = read(path).values()
    assert only.record_id == "x.csv:1"
    # where, never the cell: a header kvrules cannot read may not be an export's header
    assert (
        only.error
        == "header: column 2: not UTF-8 (byte 0xef at character 2); export the file as UTF-8"
    )


def test_jsonl_line_with_a_latin1_name_quarantines_its_record_only(tmp_path: Path) -> None:
    lines = [json.dumps(event(f"r-{n}", f"T {n}"), ensure_ascii=False) for n in (1, 2, 3)]
    lines[1] = lines[1].replace('"TU Delft"', '"Universität Wien", "country": "AT"')
    lines[1] = lines[1].replace('"title": "T 2"', '"title": "T 2", "keywords": [], "budget": 5')
    data = "\n".join(lines).encode()
    path = tmp_path / "x.jsonl"
    path.write_bytes(data.replace("Universität".encode(), "Universität".encode("latin-1")))
    found = read(path)
    assert found["r-1"].events and found["r-3"].events
    assert found["r-2"].error == (
        f"{path}:2: project.partners.0.name: not UTF-8 ('Universit\\xe4t Wien');"
        " export the file as UTF-8"
    )


def test_jsonl_line_that_is_not_json_and_not_utf8_is_known_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    good = json.dumps(event("r-1", "T"))
    path.write_bytes(good.encode() + b"\n{broken \xe9\n")
    found = read(path)
    assert found["r-1"].events
    assert (
        found["x.jsonl:2"].error == "not UTF-8 (byte 0xe9 at character 9); export the file as UTF-8"
    )


def test_binary_file_is_one_clear_failure(tmp_path: Path) -> None:
    for name in ("x.csv", "x.jsonl"):
        path = tmp_path / name
        path.write_bytes(bytes(range(256)) * 40)
        (only,) = read(path).values()
        assert only.record_id == name
        assert only.error == NOT_TEXT


def test_utf8_with_bom_and_crlf_reads_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    text = ",".join(["project_id", "title", "partner_name"]) + "\r\n"
    text += 'p-1,Project 1,Technische Universität München\r\np-2,"Two\r\nlines",\r\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    found = read(path)
    assert found["p-1"].events[0].project.partners[0].name == PARTNERS[1]  # type: ignore[union-attr]
    assert found["p-2"].events[0].project.title == "Two\r\nlines"  # type: ignore[union-attr]
    jsonl = tmp_path / "y.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + json.dumps(event("r-1", "Z\u00fcrich")).encode() + b"\r\n")
    assert read(jsonl)["r-1"].events[0].project.title == "Z\u00fcrich"  # type: ignore[union-attr]
