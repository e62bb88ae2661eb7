"""Canada's NRO list read from the official page's HTML as published (and from CSV)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.refdata import Store
from kvrules.refdata.importers import ImportValidationError, import_file

FIXTURES = Path(__file__).parent / "fixtures"


def test_official_page_imports_with_its_date_as_edition(store: Store) -> None:
    report = import_file(store, "nro", FIXTURES / "nro_page.html")
    assert report.entries == 4 and report.info.edition == "2025-03-14"
    assert str(report.info.published) == "2025-03-14"
    entries = {e.name: e for e in store.entries("ca_nro")}
    academy = entries["Example Academy of Defence Engineering"]
    assert academy.country == "CN"
    assert academy.aliases == ["Example Defence Academy", "Example Institute No. 9", "EADE"]
    assert entries["Example Nuclear Research Centre"].country == "IR"
    assert entries["Example Radio Engineering Institute named after A.S. Popov"].aliases == [
        "Example & Co. Radio Laboratory"
    ]
    assert entries["Example University of Aeronautics"].country == "CN"


def test_page_with_another_layout_is_refused(store: Store) -> None:
    with pytest.raises(ImportValidationError, match="page layout has changed"):
        import_file(store, "nro", FIXTURES / "nro_page_changed_layout.html", edition="x")
    assert store.is_empty()


def test_csv_still_imports(store: Store) -> None:
    assert import_file(store, "nro", FIXTURES / "nro.csv", edition="2024-01-16").entries == 2
