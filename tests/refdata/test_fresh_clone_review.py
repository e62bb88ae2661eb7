"""A fresh-clone reviewer's defects in reference data and ``match`` (the real ROR records from
ror-community/ror-records, CC0: see shared/data/real/README.md; the shipped lists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli.refdata import match, refdata

from .conftest import FIXTURES
from .test_ror_dump import REAL

needs_real = pytest.mark.skipif(REAL is None, reason="shared/data/real is not beside the checkout")


@pytest.fixture(scope="module")
def real_ror_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store seeded with the shipped lists, then the real ROR records imported by hand, as the
    reviewer did; with what the import printed."""
    assert REAL is not None
    db = tmp_path_factory.mktemp("fresh") / "refdata.db"
    res = CliRunner().invoke(refdata, ["import", "ror", str(REAL), "--refdata", str(db)])
    assert res.exit_code == 0, res.output
    return db, res.output


@needs_real
@pytest.mark.parametrize("acronym", ["NUDT", "NWPU", "BUPT", "CAEP"])
def test_a_1286_entry_keeps_its_acronyms_whichever_ror_edition_is_imported(
    real_ror_store: tuple[Path, str], acronym: str
) -> None:
    db, _ = real_ror_store
    res = CliRunner().invoke(match, [acronym, "--country", "CN", "--json", "--refdata", str(db)])
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)["matches"]
    assert [m["list"] for m in found if m["list"] == "us_dod_1286"] == ["us_dod_1286"]
    assert all(m["candidate"] for m in found)  # a bare acronym stays a candidate to confirm


@needs_real
def test_the_ror_import_says_how_many_list_entries_link_to_records_it_lacks(
    real_ror_store: tuple[Path, str],
) -> None:
    db, printed = real_ror_store
    # 24 of the 29 shipped 1286 rows with a ROR id name records the v2.0-v2.9 folders lack
    assert "24 list entries link to ROR records this edition lacks" in printed
    lists = CliRunner().invoke(refdata, ["lists", "--refdata", str(db)], env={"COLUMNS": "80"})
    said = " ".join(lists.output.split())
    assert "24 list entries link to ROR records this edition lacks" in said


@needs_real
def test_a_hand_imported_ror_file_is_recorded_as_what_it_is(
    real_ror_store: tuple[Path, str],
) -> None:
    assert REAL is not None
    db, printed = real_ror_store
    res = CliRunner().invoke(refdata, ["lists", "--json", "--refdata", str(db)])
    (edition,) = [
        r for r in json.loads(res.output) if r["list_id"] == "ror" and r["edition"] != "sample-v2.9"
    ]
    # the file's whole range of releases, not its first; the file given, not Zenodo's dumps
    assert edition["edition"] == "v2.0-v2.9"
    assert edition["source_url"] == REAL.resolve().as_uri()
    assert "data dump" not in edition["title"] and REAL.name in edition["title"]
    # 13,503 records of the 120,000 or so a full dump holds: a subset, and said so
    assert edition["partial"] is True
    assert edition["notes"].startswith("13,503 records: a subset of ROR")
    assert "edition v2.0-v2.9" in printed and "PARTIAL: 13,503 records" in printed


def test_a_zenodo_dump_keeps_its_release_and_date(tmp_path: Path) -> None:
    from kvrules.refdata.importers.ror import provenance

    named = provenance(tmp_path / "v1.55-2024-10-31-ror-data.zip")
    assert (named["edition"], named["published"]) == ("v1.55", "2024-10-31")
    assert named["source_url"] == "https://zenodo.org/communities/ror-data"
    assert "edition" not in provenance(tmp_path / "my-ror-records.json")  # --edition is asked


def _two_1286_editions(tmp_path: Path) -> str:
    db = str(tmp_path / "kv.db")
    for edition in ("fy24", "fy25"):
        fixture = str(FIXTURES / f"dod1286_{edition}.csv")
        args = ["import", "dod1286", fixture, "--edition", edition.upper(), "--refdata", db]
        args.append("--complete")  # 3-row fixtures that stand for the whole list
        assert CliRunner().invoke(refdata, args).exit_code == 0
    return db


def test_lists_says_which_edition_screens_and_where_the_store_is(tmp_path: Path) -> None:
    db = _two_1286_editions(tmp_path)
    rows = json.loads(CliRunner().invoke(refdata, ["lists", "--json", "--refdata", db]).output)
    assert [(r["edition"], r["current"]) for r in rows if r["list_id"] == "us_dod_1286"] == [
        ("FY24", False),
        ("FY25", True),
    ]
    for width in (80, 200):  # a narrow terminal: nothing wraps a word a line, nothing is cut
        res = CliRunner().invoke(refdata, ["lists", "--refdata", db], env={"COLUMNS": str(width)})
        assert res.exit_code == 0, res.output
        lines = res.output.splitlines()
        assert f"reference store: {db}" in lines
        assert max(len(line) for line in lines if db not in line) <= width
        assert "[PARTIAL]" in res.output  # the shipped ROR sample
        fy24 = next(line for line in lines if "FY24" in line)
        fy25 = next(line for line in lines if "FY25" in line)
        assert "superseded" in fy24 and "current" not in fy24
        assert "current" in fy25 and "superseded" not in fy25


def test_history_says_a_registry_records_an_organisation_not_lists_it(tmp_path: Path) -> None:
    db = str(tmp_path / "kv.db")
    res = CliRunner().invoke(refdata, ["history", "--name", "Tsinghua University", "--refdata", db])
    (line,) = res.output.splitlines()
    assert line.split()[:3] == ["ror", "sample-v2.9", "recorded"] and "listed" not in line
    rows = CliRunner().invoke(
        refdata, ["history", "--name", "Tsinghua University", "--json", "--refdata", db]
    )
    assert [(r["kind"], r["listed"]) for r in json.loads(rows.output)] == [("registry", True)]


def test_history_refuses_an_unknown_country_as_match_does(tmp_path: Path) -> None:
    db = str(tmp_path / "kv.db")
    # match never starts a store it is named (a mistyped --refdata): `refdata lists` starts it
    assert CliRunner().invoke(refdata, ["lists", "--refdata", db]).exit_code == 0
    said = []
    for command, args in ((refdata, ["history", "--name", "Beihang"]), (match, ["Beihang"])):
        res = CliRunner().invoke(command, [*args, "--country", "XX", "--refdata", db])
        assert res.exit_code == 1
        said.append(res.output.strip())
    assert said == ["Error: not an ISO 3166-1 country: 'XX'"] * 2


def test_every_doc_gives_the_shipped_fy25_size_as_the_data_has_it() -> None:
    import csv

    from kvrules.refdata.shipped import DATA, manifest

    with (DATA / "us_dod_1286_fy25_partial.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    root = Path(__file__).resolve().parents[2]
    (notes,) = [m["notes"] for m in manifest() if m["list_id"] == "us_dod_1286"]
    said = {
        "README.md": (root / "README.md").read_text(encoding="utf-8"),
        "docs/reference-data.md": (root / "docs" / "reference-data.md").read_text(encoding="utf-8"),
        "data/README.md": (DATA / "README.md").read_text(encoding="utf-8"),
        "manifest.json": notes,
    }
    # FY25 as printed (shared/docs/reference-data.md): 156 rows, 150 institutions in Table 1;
    # the DoD's announcement says 130 institutions, which --expect (Table 1's rows) is not
    for where, text in said.items():
        flat = " ".join(text.split())
        assert f"{len(rows)} of the 156 printed FY25 rows" in flat, where
        assert "--expect 130" not in flat and "130 institutions in FY25" not in flat, where


def _match_csv(path: Path) -> tuple[list[dict[str, str]], str]:
    import csv
    import io

    from kvrules.cli import cli

    res = CliRunner().invoke(cli, ["match", "--file", str(path), "--format", "csv"])
    limit = csv.field_size_limit(1 << 24)  # read what was written, however long its cells
    try:
        return list(csv.DictReader(io.StringIO(res.stdout))), res.stderr
    finally:
        csv.field_size_limit(limit)


def test_match_csv_names_the_line_the_lists_searched_and_every_match(tmp_path: Path) -> None:
    names = tmp_path / "partners.csv"
    names.write_text("name,country\nBeihang University,CN\nQwzx Institute,US\nHUST,CN\n")
    rows, _ = _match_csv(names)
    assert [r["row"] for r in rows] == ["2", "3", "4"]  # as a spreadsheet numbers them
    beihang, nothing, hust = rows
    assert beihang["match_list"] == "us_dod_1286" and beihang["match_kind"] == "designation"
    # no hit is not "clear": the row says which lists it was not found in
    assert nothing["matches"] == "0" and nothing["match_list"] == ""
    assert nothing["searched"] == "ror@sample-v2.9 (partial); us_dod_1286@FY25 (partial)"
    # a bare acronym two universities share: the top one in match_*, the other beside it
    assert hust["matches"] == "2"
    top, other = hust["match_name"], hust["other_matches"]
    assert {top, other.split(" (")[0].split(" ", 1)[1]} == {
        "Huazhong University of Science and Technology",
        "Harbin University of Science and Technology",
    }
    assert other.startswith("ror@sample-v2.9 ") and other.endswith(", candidate)")


def test_match_csv_cuts_a_cell_to_what_a_spreadsheet_holds(tmp_path: Path) -> None:
    names = tmp_path / "partners.csv"
    huge = "x" * 200_000
    names.write_text(f"name,notes\nBeihang University,{huge}\n{huge},HR\n")
    rows, said = _match_csv(names)
    assert [r["row"] for r in rows] == ["2", "3"]
    cells = [cell for row in rows for cell in row.values()]
    assert max(len(cell) for cell in cells) <= 32_767  # Excel's limit: longer cells break rows
    assert rows[0]["notes"].startswith("xxx") and rows[0]["notes"].endswith(
        "[cut: 200,000 characters; a spreadsheet cell holds 32,767]"
    )
    assert rows[1]["name"].endswith("[cut: 200,000 characters; a spreadsheet cell holds 32,767]")
    assert "2 cells were longer than a spreadsheet cell holds (32,767 characters)" in said
