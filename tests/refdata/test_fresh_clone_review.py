"""A fresh-clone reviewer's defects in reference data and ``match`` (the real ROR records from
ror-community/ror-records, CC0: see shared/data/real/README.md; the shipped lists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli.refdata import match, refdata

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
    lists = CliRunner().invoke(refdata, ["lists", "--refdata", str(db)], terminal_width=200)
    assert "24 list entries link to ROR records this edition lacks" in lists.output


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
