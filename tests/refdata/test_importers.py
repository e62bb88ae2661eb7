from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.refdata import Store
from kvrules.refdata.importers import ImportValidationError, import_file

FIXTURES = Path(__file__).parent / "fixtures"


def test_ror_dump(store: Store) -> None:
    report = import_file(store, "ror", FIXTURES / "ror_v2.json", edition="v2.9")
    assert (report.entries, report.skipped) == (2, 1)
    hit, weihai = store.entries("ror")
    assert hit.native_names == ["哈尔滨工业大学"] and hit.acronyms == ["HIT"]
    assert hit.identifiers == {"grid": "grid.19373.3f"} and hit.country == "CN"
    assert weihai.parent_ror_id == "01yqg2h08"
    info = store.latest("ror")
    assert info.kind == "registry" and info.licence == "CC0 1.0" and len(info.sha256) == 64


def test_ror_bad_records_reported_by_number(store: Store) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "ror", FIXTURES / "ror_bad.json", edition="v1")
    assert [e.line for e in exc.value.errors] == [2]
    assert store.is_empty()


def test_generic_csv_attributes_and_ids(store: Store) -> None:
    import_file(
        store,
        "csv",
        FIXTURES / "generic.csv",
        list_id="local",
        edition="2025",
        kind="assessment",
        title="Local list",
    )
    acme, tpp = store.entries("local")
    assert acme.attributes == {"risk_level": "medium", "listing_date": "2024-03-01"}
    assert acme.identifiers == {"wikidata": "Q1"} and acme.acronyms == ["AIAP"]
    assert tpp.entity_type == "programme"
    assert store.latest("local").kind == "assessment"


def test_generic_csv_bad_rows_have_line_numbers(store: Store) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "csv", FIXTURES / "generic_bad.csv", list_id="x", edition="1")
    assert [e.line for e in exc.value.errors] == [3, 4, 5]
    assert "line 3" in str(exc.value)
    assert store.is_empty()


def test_generic_csv_needs_provenance(store: Store) -> None:
    with pytest.raises(ValueError, match="edition"):
        import_file(store, "csv", FIXTURES / "generic.csv", list_id="x")


def test_dod1286_editions_and_history(store: Store) -> None:
    import_file(
        store, "dod1286", FIXTURES / "dod1286_fy24.csv", edition="FY24", published="2024-06-30"
    )
    import_file(
        store, "dod1286", FIXTURES / "dod1286_fy25.csv", edition="FY25", published="2025-06-30"
    )
    rows = store.history(name="Example Dropped University")
    assert [(r.edition, r.listed) for r in rows] == [("FY24", True), ("FY25", False)]
    rows = store.history(ror="https://ror.org/00v0z9322")
    assert [(r.edition, r.listed) for r in rows] == [("FY24", False), ("FY25", True)]
    hit = store.entries("us_dod_1286")[0]
    assert hit.affiliates == ["School of Astronautics"] and hit.attributes["table"] == 1
    assert store.entries("us_dod_1286")[-1].entity_type == "programme"


def test_dod1286_bad_rows(store: Store) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "dod1286", FIXTURES / "dod1286_bad.csv", edition="FY25")
    assert [e.line for e in exc.value.errors] == [3, 4, 5]
    assert "duplicate" in exc.value.errors[-1].message
    assert store.is_empty()


def test_failed_import_keeps_previous_data(store: Store) -> None:
    import_file(store, "dod1286", FIXTURES / "dod1286_fy25.csv", edition="FY25")
    with pytest.raises(ImportValidationError):
        import_file(store, "dod1286", FIXTURES / "dod1286_bad.csv", edition="FY25", replace=True)
    assert len(store.entries("us_dod_1286")) == 3


def test_nro(store: Store) -> None:
    import_file(store, "nro", FIXTURES / "nro.csv", edition="2024-01-16")
    first, second = store.entries("ca_nro")
    assert first.aliases == ["Example Defence Academy", "Example Institute No. 9"]
    assert (first.country, second.country) == ("CN", "IR")


def test_csl_filters_source_and_people(store: Store) -> None:
    report = import_file(
        store,
        "csl",
        FIXTURES / "csl.json",
        list_id="us_bis_entity",
        edition="2025-01-01",
        source="Entity List",
    )
    assert (report.entries, report.skipped) == (1, 2)
    (el,) = store.entries("us_bis_entity")
    assert el.country == "CN" and el.attributes["license_policy"] == "Presumption of denial."
    report = import_file(store, "csl", FIXTURES / "csl.json", edition="2025-01-01")
    assert (report.entries, report.skipped) == (2, 1)  # the individual is never stored


def test_aspi(store: Store) -> None:
    import_file(store, "aspi", FIXTURES / "aspi.csv", edition="2025-09")
    epu, _ = store.entries("aspi_cdut")
    assert epu.attributes["risk_level"] == "very_high" and epu.attributes["defence_labs"] == 4
    assert epu.country == "CN" and store.latest("aspi_cdut").kind == "assessment"


def test_aspi_bad_rows(store: Store) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "aspi", FIXTURES / "aspi_bad.csv", edition="x")
    assert [e.line for e in exc.value.errors] == [2, 3]


def test_freedom_house_latest_edition(store: Store) -> None:
    report = import_file(store, "fh", FIXTURES / "fh.csv")
    assert (report.info.edition, report.entries, report.skipped) == ("2025", 4, 1)
    by_id = {e.entry_id: e for e in store.entries("fh_fiw")}
    assert by_id["RU"].attributes["status"] == "NF" and by_id["CD"].country == "CD"
    assert by_id["gaza-strip"].attributes["territory"] is True


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("Iran (Islamic Republic of)", "IR"),
        ("Korea (North)", "KP"),
        ("Korea (South)", "KR"),  # never "Korea" alone, which would hide the qualifier
        ("China (PRC)", "CN"),
        ("Korea, Democratic People's Republic of", "KP"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("Burma", "MM"),
        ("Hong Kong SAR", "HK"),
    ],
)
def test_country_names_as_lists_print_them(printed: str, code: str) -> None:
    from kvrules.refdata.countries import as_country, to_country

    assert as_country(printed) == to_country(printed) == code


def test_csl_errors_name_the_result_number_and_id(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "consolidated.json"
    bad.write_text(
        '{"results": [{"id": "ok-1", "name": "Example Entity", "type": "Entity"},'
        ' {"id": "el-2", "type": "Entity"},'
        ' {"id": "el-3", "name": "Example Other", "type": "Entity",'
        ' "addresses": [{"country": "QQ"}]}]}'
    )
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "csl", bad, edition="x")
    text = str(exc.value)
    assert "result 2 (el-2): result without a name" in text
    assert "result 3 (el-3): country" in text and "line" not in text
