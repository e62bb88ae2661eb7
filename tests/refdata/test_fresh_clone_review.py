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
