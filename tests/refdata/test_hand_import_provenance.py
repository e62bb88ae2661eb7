"""A file of an official list imported by hand is recorded as what it is.

`kvrules refdata update` refuses a download with fewer entries than the catalogue says a
complete file has; `kvrules refdata import` must not record such a file as the complete
official edition either (a reviewer's 4-row NRO CSV was stored as current, not partial and
"from science.gc.ca", and `check` then said "not found in the Canadian Named Research
Organizations list" with no caveat). Below the catalogue's size it is partial, with the
reason, unless ``--complete`` says otherwise (recorded as the person's statement); its source
is the file read unless ``--source-url`` names where it was downloaded from."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli.refdata import match, refdata
from kvrules.refdata.shipped import DATA

SHIPPED_1286 = DATA / "us_dod_1286_fy25_partial.csv"  # kvrules' own transcription (public domain)
NRO_PAGE = (
    "https://science.gc.ca/site/science/en/safeguarding-your-research/"
    "guidelines-and-tools-implement-research-security/named-research-organizations"
)


def nro_csv(path: Path, rows: int) -> Path:
    """A hand-made NRO CSV of ``rows`` invented organisations (the official columns)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Country", "Known alias(es)"])
        for n in range(rows):
            writer.writerow([f"Example Institute of Defence Studies No. {n}", "China", ""])
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(refdata, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def edition(db: Path, list_id: str, name: str) -> dict:
    rows = json.loads(run("lists", "--json", "--refdata", str(db)))
    [row] = [r for r in rows if r["list_id"] == list_id and r["edition"] == name]
    return row


def test_a_small_hand_made_nro_list_is_partial_and_from_its_file(tmp_path: Path) -> None:
    db, listed = tmp_path / "r.db", nro_csv(tmp_path / "nro.csv", 4)
    said = run("import", "nro", str(listed), "--edition", "2025-01-test", "--refdata", str(db))
    assert f"from {listed.resolve().as_uri()}" in said and "science.gc.ca" not in said
    assert "PARTIAL: 4 entries, where a complete file has 50 to 500" in said
    row = edition(db, "ca_nro", "2025-01-test")
    assert row["partial"] is True and row["current"] is True
    assert row["source_url"] == listed.resolve().as_uri()
    # a miss is said against a partial copy, never as "not on the official list"
    found = CliRunner().invoke(match, ["Nowhere Polytechnic", "--refdata", str(db), "--json"])
    assert "ca_nro@2025-01-test (partial)" in json.loads(found.output)["searched"]


def test_complete_is_recorded_as_the_persons_statement(tmp_path: Path) -> None:
    db, listed = tmp_path / "r.db", nro_csv(tmp_path / "nro.csv", 4)
    said = run("import", "nro", str(listed), "--edition", "E1", "--complete", "--notes",
               "our committee's copy", "--refdata", str(db))  # fmt: skip
    row = edition(db, "ca_nro", "E1")
    assert row["partial"] is False
    assert row["notes"] == (
        "our committee's copy; stated complete by the person who imported it (--complete), "
        "with 4 entries, where a complete file has 50 to 500 (kvrules' catalogue)"
    )
    assert "stated complete by the person who imported it" in said


def test_a_file_of_the_official_size_is_complete_and_a_named_source_is_kept(
    tmp_path: Path,
) -> None:
    db, listed = tmp_path / "r.db", nro_csv(tmp_path / "nro.csv", 50)
    run("import", "nro", str(listed), "--edition", "E1", "--source-url", NRO_PAGE,
        "--refdata", str(db))  # fmt: skip
    row = edition(db, "ca_nro", "E1")
    assert (row["partial"], row["source_url"], row["notes"]) == (False, NRO_PAGE, None)


def test_a_partial_1286_transcription_does_not_clear_the_partial_flag(tmp_path: Path) -> None:
    """The shipped 52-row FY25 transcription, imported again by hand: still partial, so it
    does not silently supersede the stored partial edition (that needs --replace)."""
    db = tmp_path / "r.db"
    args = ["import", "dod1286", str(SHIPPED_1286), "--edition", "FY25", "--refdata", str(db)]
    refused = CliRunner().invoke(refdata, args)
    assert refused.exit_code == 1
    assert "us_dod_1286 edition FY25 is already stored (--replace replaces it)" in refused.output
    said = run(*args, "--replace")
    assert "PARTIAL: 52 entries, where a complete file has 100 to 400" in said
    row = edition(db, "us_dod_1286", "FY25")
    assert row["partial"] is True and row["source_url"] == SHIPPED_1286.resolve().as_uri()


def test_a_list_the_catalogue_does_not_name_is_left_as_given(tmp_path: Path) -> None:
    """An institution's own list has no official size: one row is a whole list."""
    db, own = tmp_path / "r.db", tmp_path / "own.csv"
    own.write_text("entry_id,name,country\ne1,Example Rocketry Institute,RU\n", encoding="utf-8")
    run("import", "csv", str(own), "--list-id", "mylist", "--edition", "1", "--refdata", str(db))
    row = edition(db, "mylist", "1")
    assert (row["partial"], row["source_url"]) == (False, None)


FIXTURES = Path(__file__).parent / "fixtures"
# One small file of every list the catalogue names, each in its official format (the list id
# is the parser's default). A list added to the catalogue needs one here (the test below).
SMALL_FILES = {
    "us_dod_1286": ("dod1286", FIXTURES / "dod1286_fy25.csv"),
    "us_csl": ("csl", FIXTURES / "csl.json"),
    "ca_nro": ("nro", FIXTURES / "nro.csv"),
    "ror": ("ror", FIXTURES / "ror_v2.json"),
    "uk_sanctions": ("uk_sanctions", FIXTURES / "uk_sanctions.xml"),
}


def test_every_catalogued_list_has_a_small_file_below() -> None:
    from kvrules.refdata.update import catalogued

    assert set(catalogued()) == set(SMALL_FILES)


@pytest.mark.parametrize("list_id", sorted(SMALL_FILES))
def test_a_small_file_of_every_catalogued_list_is_partial(list_id: str, tmp_path: Path) -> None:
    """Streamed or not (ROR and the UK Sanctions List are counted only once read), a file
    below the catalogue's size is recorded partial: a reviewer's 1-entity UK Sanctions List
    was stored complete and `check` then said "not found in the UK Sanctions List"."""
    fmt, small = SMALL_FILES[list_id]
    db = tmp_path / "r.db"
    said = run("import", fmt, str(small), "--edition", "E1", "--refdata", str(db))
    assert "; PARTIAL: " in said
    row = edition(db, list_id, "E1")
    assert row["partial"] is True
    found = CliRunner().invoke(match, ["Nowhere Polytechnic", "--refdata", str(db), "--json"])
    assert f"{list_id}@E1 (partial)" in json.loads(found.output)["searched"]


def uk_sanctions_xml(path: Path, entities: int) -> Path:
    """A UK Sanctions List file (the FCDO's layout, as the fixture uk_sanctions.xml) of
    ``entities`` invented entities and one individual, who is not counted."""
    designations = "".join(
        f"<Designation><UniqueID>EXA{n:04}</UniqueID>"
        "<IndividualEntityShip>Entity</IndividualEntityShip><Names><Name>"
        f"<Name6>Example Institute of Applied Physics No. {n}</Name6>"
        "<NameType>Primary Name</NameType></Name></Names></Designation>"
        for n in range(entities)
    )
    individual = (
        "<Designation><UniqueID>EXA9999</UniqueID><IndividualEntityShip>Individual"
        "</IndividualEntityShip><Names><Name><Name6>EXAMPLE</Name6><NameType>Primary Name"
        "</NameType></Name></Names></Designation>"
    )
    path.write_text(f"<Designations>{designations}{individual}</Designations>", "utf-8")
    return path


def test_a_streamed_file_counts_its_entries_not_its_records(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    short = uk_sanctions_xml(tmp_path / "short.xml", 199)  # 200 designations, 199 entities
    said = run("import", "uk_sanctions", str(short), "--edition", "E1", "--refdata", str(db))
    assert "PARTIAL: 199 entries, where a complete file has 200 to 50000" in said
    assert edition(db, "uk_sanctions", "E1")["partial"] is True
    full = uk_sanctions_xml(tmp_path / "full.xml", 200)
    said = run("import", "uk_sanctions", str(full), "--edition", "E2", "--refdata", str(db))
    assert "PARTIAL" not in said
    row = edition(db, "uk_sanctions", "E2")
    assert (row["partial"], row["notes"]) == (False, None)
    assert row["source_url"] == full.resolve().as_uri()


def test_a_streamed_file_stated_complete_keeps_the_statement(tmp_path: Path) -> None:
    db, one = tmp_path / "r.db", uk_sanctions_xml(tmp_path / "one.xml", 1)
    run("import", "uk_sanctions", str(one), "--edition", "E1", "--complete", "--refdata", str(db))
    row = edition(db, "uk_sanctions", "E1")
    assert row["partial"] is False
    assert row["notes"] == (
        "stated complete by the person who imported it (--complete), with 1 entries, where a "
        "complete file has 200 to 50000 (kvrules' catalogue)"
    )
