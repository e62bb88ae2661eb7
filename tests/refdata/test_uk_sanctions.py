"""The FCDO's UK Sanctions List XML: entities only, names by type, countries kept as printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.refdata import Store
from kvrules.refdata.importers import ImportValidationError, import_file

FIXTURES = Path(__file__).parent / "fixtures"


def test_entities_with_their_names_and_regimes(store: Store) -> None:
    report = import_file(store, "uk_sanctions", FIXTURES / "uk_sanctions.xml", edition="2026-12-01")
    assert (report.entries, report.skipped) == (2, 2)  # an individual and a ship skipped
    institute, shipyard = store.entries("uk_sanctions")
    assert institute.entry_id == "RUS0001" and institute.country == "RU"
    assert institute.name == "EXAMPLE INSTITUTE OF APPLIED PHYSICS"
    assert institute.aliases == ["Example Applied Physics Institute", "EIAP"]
    assert institute.native_names == ["Пример института"]
    assert institute.attributes["regimes"] == ["The Russia (Sanctions) (EU Exit) Regulations 2019"]
    assert shipyard.country is None
    assert shipyard.attributes["country_as_printed"] == "Occupied territory"
    assert report.info.licence == "Open Government Licence v3.0"


def test_truncated_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    text = (FIXTURES / "uk_sanctions.xml").read_text(encoding="utf-8")
    cut = tmp_path / "UK_Sanctions_List.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ImportValidationError, match="not a complete UK Sanctions List XML"):
        import_file(store, "uk_sanctions", cut, edition="x")
    assert store.is_empty()
