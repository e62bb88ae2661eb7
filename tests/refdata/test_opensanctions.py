"""OpenSanctions (FollowTheMoney) importer, on synthetic fixtures shaped like the bulk exports."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli.refdata import match, refdata
from kvrules.refdata import Resolver, Store
from kvrules.refdata.importers import ImportValidationError, import_file
from kvrules.refdata.importers.opensanctions import parse

FIXTURES = Path(__file__).parent / "fixtures"
NESTED = FIXTURES / "opensanctions_nested.json"
FLAT = FIXTURES / "opensanctions_flat.json"
CSV = FIXTURES / "opensanctions_targets.simple.csv"
HIT = "kvtest-harbin-institute-of-technology"
MIPT = "kvtest-moscow-institute-of-physics-and-technology"
DROPPED = "kvtest-example-dropped-university"
EAMS = "kvtest-example-academy-of-military-sciences"
TELECOM = "kvtest-example-telecom-equipment"
NRO = "kvtest-example-academy-of-defence-engineering"
NRO_ALIAS = "kvtest-example-institute-no-9"
TRADING = "kvtest-example-trading"
ALL_ORGS = [HIT, MIPT, DROPPED, EAMS, TELECOM, NRO, NRO_ALIAS, TRADING]


def _ids(path: Path, **opts: str) -> list[str]:
    parsed = parse(path, opts)
    assert not parsed.errors, parsed.errors
    return [e.entry_id for e in parsed.entries]


def _identity(path: Path) -> list[tuple]:
    return [
        (e.entry_id, e.name, e.aliases, e.native_names, e.acronyms, e.country, e.identifiers)
        for e in parse(path, {}).entries
    ]


def test_nested_flat_and_csv_give_the_same_entries() -> None:
    nested, flat, csv = parse(NESTED, {}), parse(FLAT, {}), parse(CSV, {})
    assert [e.entry_id for e in nested.entries] == ALL_ORGS
    # the flat form joins its separate Sanction lines (one via a referent id) to the same result
    assert [e.model_dump() for e in flat.entries] == [e.model_dump() for e in nested.entries]
    assert _identity(CSV) == _identity(NESTED)
    assert (nested.skipped, flat.skipped, csv.skipped) == (2, 5, 2)


def test_people_and_other_schemas_are_skipped(store: Store) -> None:
    report = import_file(store, "opensanctions", FLAT, edition="2026-08-20")
    # Person, Vessel, an Address, an Ownership and a non-target Company; Sanctions are joined
    assert (report.entries, report.skipped) == (8, 5)
    names = {e.name for e in store.entries("opensanctions")}
    assert "Example Official" not in names and "Example Star" not in names
    assert "Example Parent Holding" not in names
    schemas = {e.attributes["schema"] for e in store.entries("opensanctions")}
    assert schemas == {"Company", "PublicBody", "Organization"}


def test_aliases_native_names_and_acronyms() -> None:
    entries = {e.entry_id: e for e in parse(NESTED, {}).entries}
    hit, mipt = entries[HIT], entries[MIPT]
    assert hit.acronyms == ["HIT"] and hit.native_names == ["哈尔滨工业大学"] and hit.aliases == []
    # previousName is a matchable alias; weakAlias is kept as an acronym, never matched alone
    assert mipt.aliases == ["Moscow Physico-Technical Institute", "Phystech"]
    assert mipt.acronyms == ["MIPT"]
    assert mipt.native_names == ["Московский физико-технический институт"]
    assert entries[TRADING].acronyms == ["ETL"]
    assert hit.identifiers == {"wikidata": "Q999999001"}


def test_weak_aliases_never_match(store: Store) -> None:
    import_file(store, "opensanctions", NESTED, edition="1")
    resolver = Resolver(store)
    # an acronym alone is a candidate to confirm, never a verdict (issue #16 item 4)
    for acronym, entry in (("MIPT", MIPT), ("ETL", TRADING)):
        found = resolver.match(acronym)
        assert [m.entry for m in found] == [entry] and found[0].candidate
    assert resolver.match("Phystech", "RU")[0].entry == MIPT
    assert resolver.match("Moscow Physico-Technical Institute")[0].method == "alias"


def test_countries_normalised() -> None:
    entries = {e.entry_id: e for e in parse(NESTED, {}).entries}
    assert entries[HIT].country == "CN" and entries[MIPT].country == "RU"
    assert entries[EAMS].country == "CN"  # from jurisdiction
    assert "countries" not in entries[HIT].attributes
    # several countries, and FtM's non-ISO "zz" (global), are kept for display
    assert entries[TRADING].country == "IR"
    assert entries[TRADING].attributes["countries"] == ["IR", "zz"]
    assert {e.entry_id: e.country for e in parse(CSV, {}).entries}[TRADING] == "IR"


def test_attributes_say_why_an_entry_is_listed() -> None:
    hit = next(e for e in parse(FLAT, {}).entries if e.entry_id == HIT)
    a = hit.attributes
    assert a["datasets"] == ["us_special_leg"] and a["topics"] == ["debarment"]
    assert a["program_ids"] == ["US-MCCAIN-1286"] and a["listing_dates"] == ["2024", "2025"]
    assert [s["listing_date"] for s in a["sanctions"]] == ["2024", "2025"]
    assert a["sanctions"][1]["authority"] == "United States Congress"
    assert a["source_urls"][-1].endswith("section-1286-fy25.pdf")
    assert (a["first_seen"], a["last_seen"]) == ("2024-05-02T12:00:00", "2026-08-20T06:00:00")
    csv_hit = next(e for e in parse(CSV, {}).entries if e.entry_id == HIT)
    assert csv_hit.attributes["datasets"] == ["US Special Legislative Exclusions"]
    assert csv_hit.attributes["program_ids"] == ["US-MCCAIN-1286"]


@pytest.mark.parametrize("path", [NESTED, FLAT])
def test_dataset_filter(path: Path) -> None:
    assert _ids(path, dataset="us_special_leg") == [HIT, MIPT, DROPPED, EAMS, TELECOM]
    assert _ids(path, dataset="ca_named_research_orgs") == [NRO, NRO_ALIAS]


def test_dataset_filter_on_csv_uses_titles() -> None:
    assert _ids(CSV, dataset="canadian named research organizations LIST") == [NRO, NRO_ALIAS]
    assert _ids(CSV, dataset="US Special Legislative Exclusions") == [
        HIT,
        MIPT,
        DROPPED,
        EAMS,
        TELECOM,
    ]


@pytest.mark.parametrize("path", [NESTED, FLAT])
def test_program_and_listing_year_filters(path: Path) -> None:
    parsed = parse(path, {"dataset": "us_special_leg", "program": "US-MCCAIN-1286"})
    assert [e.entry_id for e in parsed.entries] == [HIT, MIPT, DROPPED, EAMS]
    # OpenSanctions keeps one entity with a sanction per edition: the FY24-only entry is there,
    # and the provenance notes say so
    assert "several years (2024, 2025)" in parsed.info["notes"]
    fy25 = parse(path, {"program": "us-mccain-1286", "listed_in": "2025"})
    assert [e.entry_id for e in fy25.entries] == [HIT, MIPT, EAMS]
    assert "several years" not in fy25.info["notes"]
    assert _ids(path, program="US-MCCAIN-889") == [TELECOM]
    assert _ids(path, topic="export.control") == [NRO, NRO_ALIAS]


def test_program_filter_on_csv() -> None:
    assert _ids(CSV, program="US-MCCAIN-1286") == [HIT, MIPT, DROPPED, EAMS]
    parsed = parse(CSV, {"listed_in": "2025"})
    assert [e.line for e in parsed.errors] == [1] and "listing dates" in parsed.errors[0].message


def test_filter_matching_nothing_lists_what_the_file_holds(store: Store) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "opensanctions", NESTED, edition="1", dataset="us_special_legs")
    msg = str(exc.value)
    assert "line 1: no organisation matched dataset us_special_legs" in msg
    assert "us_special_leg, us_trade_csl" in msg and "US-MCCAIN-1286" in msg
    assert store.is_empty()


def test_provenance_defaults_and_overrides(store: Store) -> None:
    import_file(store, "opensanctions", NESTED, edition="2026-08-20")
    info = store.latest("opensanctions")
    assert info.publisher == "OpenSanctions" and info.kind == "designation"
    assert info.licence.startswith("CC BY-NC 4.0") and "OpenSanctions licence" in info.licence
    assert info.source_url == "https://www.opensanctions.org/datasets/"
    assert info.title == "OpenSanctions export" and len(info.sha256) == 64
    import_file(
        store,
        "opensanctions",
        NESTED,
        list_id="us_dod_1286",
        edition="FY25",
        dataset="us_special_leg",
        program="US-MCCAIN-1286",
        listed_in="2025",
    )
    info = store.latest("us_dod_1286")
    assert info.edition == "FY25" and info.publisher == "OpenSanctions"
    assert "program US-MCCAIN-1286, listed in 2025" in info.title
    assert [e.entry_id for e in store.entries("us_dod_1286")] == [HIT, MIPT, EAMS]


def test_cli_import_as_dod_1286_then_match(tmp_path: Path) -> None:
    db, run = str(tmp_path / "kv.db"), CliRunner()
    args = ["import", "opensanctions", str(NESTED), "--dataset", "us_special_leg"]
    args += ["--program", "US-MCCAIN-1286", "--list-id", "us_dod_1286", "--edition", "FY25"]
    args += ["--complete"]  # a 3-entry fixture that stands for the whole list
    res = run.invoke(refdata, [*args, "--listed-in", "2025", "--refdata", db])
    assert res.exit_code == 0, res.output
    assert (
        "imported 3 entries into us_dod_1286 edition FY25 (skipped: 3 outside --dataset or "
        "--topic, 2 not organisations or not targets, 2 outside --program or --listed-in)"
    ) in res.output
    res = run.invoke(match, ["Harbin Institute of Technology", "--json", "--refdata", db])
    assert res.exit_code == 0, res.output
    top = json.loads(res.output)["matches"][0]
    assert (top["list"], top["edition"], top["entry"], top["method"]) == (
        "us_dod_1286",
        "FY25",
        HIT,
        "exact",
    )
    res = run.invoke(match, ["Example Dropped University", "--json", "--refdata", db])
    assert json.loads(res.output)["matches"] == []
    # the documented command, without --listed-in, replaces the edition with every listing year
    res = run.invoke(refdata, [*args, "--replace", "--refdata", db])
    assert res.exit_code == 0 and "imported 4 entries" in res.output, res.output
    rows = json.loads(run.invoke(refdata, ["lists", "--json", "--refdata", db]).output)
    rows = [r for r in rows if r["list_id"] == "us_dod_1286"]
    assert [(r["edition"], r["entries"]) for r in rows] == [("FY25", 4)]
    assert rows[0]["licence"].startswith("CC BY-NC") and "--listed-in" in rows[0]["notes"]


def test_cli_import_nro_slice(tmp_path: Path) -> None:
    db = str(tmp_path / "kv.db")
    res = CliRunner().invoke(
        refdata,
        [
            "import",
            "opensanctions",
            str(FLAT),
            "--dataset",
            "ca_named_research_orgs",
            "--list-id",
            "ca_nro",
            "--edition",
            "2025-01-16",
            "--refdata",
            db,
        ],
    )
    assert res.exit_code == 0, res.output
    assert "imported 2 entries into ca_nro" in res.output
    with Store(db) as store:
        nro, alias = store.entries("ca_nro")
    assert nro.name == "Example Academy of Defence Engineering" and nro.country == "CN"
    assert nro.acronyms == ["EADE"] and nro.attributes["topics"] == ["export.control"]
    # OpenSanctions emits the NRO's longer aliases (often subsidiaries) as organisations of
    # their own, pointing back to the listed one
    assert alias.name == "Example Institute No. 9"
    assert alias.attributes["notes"] == ["see: Example Academy of Defence Engineering"]


def test_bad_json_lines_reported_and_nothing_imported(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "opensanctions", FIXTURES / "opensanctions_bad.json", edition="1")
    assert [e.line for e in exc.value.errors] == [2, 4, 5, 6]
    msgs = [e.message for e in exc.value.errors]
    assert msgs[0].startswith("not JSON") and "without a name" in msgs[1]
    assert "'country' is not a list" in msgs[2] and "'sanctions[0].programId'" in msgs[3]
    assert store.is_empty()
    res = CliRunner().invoke(
        refdata,
        [
            "import",
            "opensanctions",
            str(FIXTURES / "opensanctions_bad.json"),
            "--edition",
            "1",
            "--refdata",
            str(tmp_path / "cli.db"),
        ],
    )
    assert res.exit_code != 0
    assert "line 2: not JSON" in res.output and "nothing imported" in res.output


def test_bad_csv_header_and_rows(store: Store) -> None:
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "opensanctions", FIXTURES / "opensanctions_bad_header.csv", edition="1")
    assert [e.line for e in exc.value.errors] == [1]
    assert "unknown column(s): nmae" in str(exc.value)
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "opensanctions", FIXTURES / "opensanctions_bad_rows.csv", edition="1")
    assert [str(e) for e in exc.value.errors] == [
        "line 3: name is empty",
        "line 4: schema is empty",
    ]
    assert store.is_empty()


def test_json_array_and_duplicate_ids_are_errors(tmp_path: Path) -> None:
    array = tmp_path / "entities.json"
    array.write_text("[\n" + NESTED.read_text(encoding="utf-8").splitlines()[0] + "\n]\n")
    (error,) = parse(array, {}).errors
    assert error.line == 1 and "expected JSON lines" in error.message
    dup = tmp_path / "dup.json"
    first = NESTED.read_text(encoding="utf-8").splitlines()[0]
    dup.write_text(f"{first}\n\n{first}\n", encoding="utf-8")
    assert [str(e) for e in parse(dup, {}).errors] == [
        f"line 3: duplicate entity id {HIT!r} (first on line 1)"
    ]


def test_gzip_and_format_sniffing(tmp_path: Path) -> None:
    gz = tmp_path / "entities.ftm.json.gz"
    gz.write_bytes(gzip.compress(FLAT.read_bytes()))
    assert _identity(gz) == _identity(NESTED)
    csv_txt = tmp_path / "export.txt"
    csv_txt.write_bytes(CSV.read_bytes())
    json_txt = tmp_path / "export.dat"
    json_txt.write_bytes(NESTED.read_bytes())
    assert _identity(csv_txt) == _identity(json_txt) == _identity(NESTED)


def test_a_corrupt_gzip_is_reported_not_raised(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(NESTED.read_bytes()))
    data[40:80] = bytes(b ^ 0xFF for b in data[40:80])  # damaged in transit
    corrupt = tmp_path / "targets.nested.json.gz"
    corrupt.write_bytes(bytes(data))
    (error,) = parse(corrupt, {}).errors
    assert error.message.startswith("cannot read the file:")
    res = CliRunner().invoke(
        refdata,
        [
            "import",
            "opensanctions",
            str(corrupt),
            "--edition",
            "1",
            "--refdata",
            str(tmp_path / "db"),
        ],
    )
    assert res.exit_code == 1 and "cannot read the file" in res.output, res.output


def test_a_csv_cell_larger_than_the_csv_module_s_default_limit(tmp_path: Path) -> None:
    # an entity with thousands of aliases: the export writes them into one cell
    aliases = ";".join(f"Example Alias Institute {i}" for i in range(8000))  # > 128 KiB
    big = tmp_path / "targets.simple.csv"
    big.write_text(
        "id,schema,name,aliases,countries,dataset\n"
        f'kvtest-big,Company,Example Big University,"{aliases}",cn,Example Dataset\n',
        encoding="utf-8",
    )
    (entry,) = parse(big, {}).entries
    assert len(entry.aliases) == 8000
    import csv

    assert csv.field_size_limit() == 131072  # the limit is raised for the import only


def test_a_csv_that_breaks_the_csv_reader_is_reported_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kvrules.refdata.importers import opensanctions

    monkeypatch.setattr(opensanctions, "_CSV_FIELD_LIMIT", 20)  # a cell larger than even that
    bad = tmp_path / "targets.simple.csv"
    bad.write_text(f"id,schema,name\nkvtest-a,Company,{'x' * 64}\n", encoding="utf-8")
    errors = parse(bad, {}).errors
    assert [e.line for e in errors] == [2] and "field larger than field limit" in errors[0].message


def test_a_nameless_organisation_outside_the_filter_does_not_block_the_import(
    tmp_path: Path,
) -> None:
    # a collection such as `default` holds every dataset: one odd record elsewhere must not
    # stop the import of the slice asked for (it still does when it would be imported)
    odd = {
        "id": "kvtest-nameless",
        "schema": "Organization",
        "properties": {"name": [], "country": ["xx"]},
        "datasets": ["example_other_dataset"],
        "target": True,
    }
    collection = tmp_path / "default.json"
    collection.write_text(NESTED.read_text(encoding="utf-8") + json.dumps(odd) + "\n")
    assert _ids(collection, dataset="us_special_leg") == [HIT, MIPT, DROPPED, EAMS, TELECOM]
    (error,) = parse(collection, {}).errors
    assert "kvtest-nameless: Organization without a name" in error.message
    rows = CSV.read_text(encoding="utf-8") + '"kvtest-x","Company","","","","cn","","","","","","",'
    rows += '"Example Other Dataset","","",""\n'
    csv = tmp_path / "targets.simple.csv"
    csv.write_text(rows, encoding="utf-8")
    assert _ids(csv, dataset="US Special Legislative Exclusions") == [
        HIT,
        MIPT,
        DROPPED,
        EAMS,
        TELECOM,
    ]
    assert [str(e) for e in parse(csv, {}).errors] == ["line 12: name is empty"]


def test_a_line_too_long_is_one_error_read_no_further(store: Store, tmp_path: Path) -> None:
    """Security review 2026-12-07, item 10: importers cap what one record may be before they
    read it whole (a 1 GiB line would be read, then parsed)."""
    from kvrules.refdata.importers.opensanctions import MAX_LINE_CHARS

    good = (FIXTURES / "opensanctions_bad.json").read_text().splitlines()[0]
    path = tmp_path / "entities.ftm.json"
    path.write_text(good + "\n" + '{"id": "' + "x" * (MAX_LINE_CHARS + 10) + '"}\n' + good + "\n")
    with pytest.raises(ImportValidationError) as exc:
        import_file(store, "opensanctions", path, edition="1")
    (only,) = exc.value.errors
    assert only.line == 2 and only.message.startswith("a line of more than 5,000,000 characters")
    assert store.is_empty()
