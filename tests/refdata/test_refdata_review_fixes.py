"""The reference-data review of 0.3.0 (450a225): each defect reproduced, fixed and pinned here."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner, Result

from kvrules.cli import cli
from kvrules.cli.refdata import match, refdata
from kvrules.model import country_code
from kvrules.plain import designation_in_words, list_named
from kvrules.refdata import Entry, ListInfo, Resolver, Store
from kvrules.refdata.countries import as_country, to_country
from kvrules.refdata.importers import import_file
from kvrules.refdata.importers.base import slug
from kvrules.refdata.shipped import load_shipped, open_reference_store
from kvrules.refdata.store import edition_date
from tests.every_list import store_with_every_list

FIXTURES = Path(__file__).parent / "fixtures"

CSL = ListInfo(list_id="us_csl", edition="2026-12-01", title="US CSL", kind="designation")
EL = "Entity List (EL) - Bureau of Industry and Security"
CMIC = "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"


def _csl(*rows: tuple[str, str, str, str]) -> Resolver:
    return Resolver(
        records=[
            (CSL, Entry(entry_id=eid, name=name, country=cc, attributes={"source": src}))
            for eid, name, cc, src in rows
        ]
    )


def test_one_organisation_on_two_parts_of_a_list_is_one_confident_hit() -> None:
    r = _csl(
        ("el-dual", "Example Dual Listed Aerospace Corporation", "CN", EL),
        ("cmic-dual", "Example Dual Listed Aerospace Corporation", "CN", CMIC),
    )
    for country in ("CN", None):
        found = r.match("Example Dual Listed Aerospace Corporation", country)
        assert {m.entry for m in found} == {"el-dual", "cmic-dual"}
        assert not any(m.candidate for m in found), found
        assert {m.designated_under for m in found} == {EL, CMIC}
    assert r.best("Example Dual Listed Aerospace Corporation", "CN") is not None


def test_namesakes_in_different_countries_stay_ambiguous() -> None:
    r = _csl(
        ("a", "Example Namesake Trading Company", "CN", EL),
        ("b", "Example Namesake Trading Company", "AE", CMIC),
    )
    assert all(m.candidate for m in r.match("Example Namesake Trading Company"))
    only = r.match("Example Namesake Trading Company", "AE")
    assert [m.entry for m in only] == ["b"] and not only[0].candidate


def test_evidence_cites_every_part_the_organisation_is_listed_under() -> None:
    matches = [
        {"list": "us_csl", "score": 1.0, "designated_under": CMIC},
        {"list": "us_csl", "score": 1.0, "designated_under": EL},
    ]
    said = designation_in_words(matches)
    assert "component lists" in said and CMIC in said and EL in said
    uk = [
        {"list": "uk_sanctions", "score": 1.0, "designated_under": "Russia regime"},
        {"list": "uk_sanctions", "score": 1.0, "designated_under": "Cyber regime"},
    ]
    assert designation_in_words(uk) == " (designated under Russia regime; Cyber regime)"


def _import(db: str, *args: str) -> Result:
    res = CliRunner().invoke(refdata, ["import", *args, "--refdata", db])
    assert res.exit_code == 0, res.output
    return res


def _current(db: str, list_id: str) -> list[str]:
    rows = json.loads(CliRunner().invoke(refdata, ["lists", "--json", "--refdata", db]).output)
    return [r["edition"] for r in rows if r["list_id"] == list_id and r["current"]]


def test_an_older_fiscal_year_imported_last_is_superseded_not_current(tmp_path: Path) -> None:
    db = str(tmp_path / "kv.db")
    for edition in ("FY25", "FY24"):  # no --published: the edition's name orders them
        csv = str(FIXTURES / f"dod1286_{edition.lower()}.csv")
        res = _import(db, "dod1286", csv, "--edition", edition, "--complete")
    assert "the next scan screens with it" not in res.stdout
    assert "us_dod_1286 edition FY24 is kept for history but does not screen (superseded)" in (
        res.stderr
    )
    assert "`kvrules refdata current us_dod_1286 FY24` makes this one current" in res.stderr
    assert _current(db, "us_dod_1286") == ["FY25"]
    # the explicit way to make the older edition current, and back
    run = CliRunner()
    res = run.invoke(refdata, ["current", "us_dod_1286", "FY24", "--refdata", db])
    assert res.exit_code == 0 and "FY24 screens: chosen" in res.output, res.output
    assert _current(db, "us_dod_1286") == ["FY24"]
    history = run.invoke(
        refdata, ["history", "--name", "Example Dropped University", "--json", "--refdata", db]
    )
    rows = [(r["edition"], r["listed"], r["current"]) for r in json.loads(history.output)]
    assert rows == [("FY24", True, True), ("FY25", False, False)]
    res = run.invoke(refdata, ["current", "us_dod_1286", "--newest", "--refdata", db])
    assert res.exit_code == 0 and _current(db, "us_dod_1286") == ["FY25"], res.output
    res = run.invoke(refdata, ["current", "us_dod_1286", "FY99", "--refdata", db])
    assert res.exit_code == 1 and "no edition 'FY99'" in res.output


def test_editions_are_ordered_by_the_lists_own_publication_order() -> None:
    assert edition_date("FY24") < edition_date("FY25") < edition_date("FY2026")  # type: ignore[operator]
    assert edition_date("FY25 (retrieved 2026-12-07T14:00:00Z)") == edition_date("FY25")
    assert edition_date("2026-01-31") < edition_date("2026-12-01T08:00:00Z")  # type: ignore[operator]
    assert edition_date("v1.55") is None


def test_a_csl_import_of_some_component_lists_is_partial_and_says_which(tmp_path: Path) -> None:
    db = str(tmp_path / "kv.db")
    res = _import(
        db, "csl", str(FIXTURES / "csl.json"), "--edition", "2026-12-01", "--source", "Entity List"
    )
    assert "PARTIAL: only the results whose source contains 'Entity List'" in res.stdout
    rows = json.loads(CliRunner().invoke(refdata, ["lists", "--json", "--refdata", db]).output)
    (csl,) = [r for r in rows if r["list_id"] == "us_csl"]
    assert csl["partial"] is True
    assert csl["title"].startswith("US Consolidated Screening List (only: Entity List (EL)")
    assert "Entity List (EL)" in csl["notes"]
    said = list_named("us_csl", csl["title"])
    assert said.startswith("the US Consolidated Screening List (only: Entity List (EL)")
    _import(str(tmp_path / "all.db"), "csl", str(FIXTURES / "csl.json"), "--edition", "x")
    out = CliRunner().invoke(refdata, ["lists", "--json", "--refdata", str(tmp_path / "all.db")])
    (whole,) = [r for r in json.loads(out.output) if r["list_id"] == "us_csl"]
    assert whole["title"] == "US Consolidated Screening List"
    assert "--source" not in (whole["notes"] or "")


def _check(*args: str) -> dict:
    res = CliRunner().invoke(cli, ["check", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_a_prescreen_on_a_store_lacking_lists_the_rules_read_is_never_a_bare_green(
    tmp_path: Path,
) -> None:
    shipped = tmp_path / "shipped.db"
    open_reference_store(shipped).close()
    proposal = ("--partner", "KU Leuven (BE)", "--topic", "medieval manuscripts")
    out = _check(*proposal, "--refdata", str(shipped))
    assert out["lists_not_imported"] == ["ca_nro", "us_csl", "uk_sanctions", "aspi_cdut"]
    assert (out["triage"]["headline"], out["triage"]["complete"]) == ("NOT COMPLETE", False)
    assert "ca_nro (`kvrules refdata update ca_nro`)" in out["triage"]["reason"]
    assert out["in_words"]["lists_not_imported"] == [out["triage"]["reason"].split("; ")[0]]
    every = _check(*proposal, "--refdata", str(store_with_every_list(tmp_path / "every.db")))
    assert every["lists_not_imported"] == []
    assert (every["triage"]["headline"], every["triage"]["complete"]) == ("GREEN", True)


CURLY_DPRK = "Democratic People\u2019s Republic of Korea"  # U+2019, as the NRO page prints it


def test_a_country_with_a_curly_apostrophe_is_read_everywhere(tmp_path: Path) -> None:
    assert to_country(CURLY_DPRK) == as_country(CURLY_DPRK) == country_code(CURLY_DPRK) == "KP"
    assert to_country("Lao People\u2019s Democratic Republic") == "LA"
    assert to_country("Guinea\u2010Bissau") == "GW"  # U+2010 HYPHEN
    nro = tmp_path / "nro.csv"
    nro.write_text(
        "Name,Country,Known alias(es)\n"
        f'Example Kim Il Sung Research Academy,"{CURLY_DPRK}",\n'
        "Example Institute of Applied Physics,Russia,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "kv.db")
    _import(db, "nro", str(nro), "--edition", "2026-12-01")
    res = CliRunner().invoke(
        match,
        [
            "Example Kim Il Sung Research Academy",
            "--country",
            CURLY_DPRK,
            "--json",
            "--refdata",
            db,
        ],
    )
    assert res.exit_code == 0, res.output
    (top,) = json.loads(res.output)["matches"]
    assert (top["list"], top["candidate"]) == ("ca_nro", False)  # the country agreed
    with Store(db) as store:
        assert {e.name: e.country for e in store.entries("ca_nro")} == {
            "Example Kim Il Sung Research Academy": "KP",
            "Example Institute of Applied Physics": "RU",
        }


TOMSK = (
    "Federal State Autonomous Educational Institution of Higher Education National Research "
    "Tomsk Polytechnic University"
)
MEPHI = (
    "Federal State Autonomous Educational Institution of Higher Education National Research "
    "Nuclear University MEPhI"
)


def _nro_ids(tmp_path: Path, *names: str) -> dict[str, str]:
    nro = tmp_path / f"nro{len(list(tmp_path.iterdir()))}.csv"
    rows = "".join(f"{name},Russia,\n" for name in names)
    nro.write_text(f"Name,Country,Known alias(es)\n{rows}", encoding="utf-8")
    with Store(tmp_path / f"{nro.stem}.db") as store:
        import_file(store, "nro", nro, edition="2026-12-01")
        return {e.name: e.entry_id for e in store.entries("ca_nro")}


def test_two_long_names_alike_in_their_first_80_characters_get_an_id_each(tmp_path: Path) -> None:
    ids = _nro_ids(tmp_path, TOMSK, MEPHI, "Example Short Name Institute")
    assert len(set(ids.values())) == 3 and all(len(i) <= 80 for i in ids.values())
    assert ids[TOMSK].startswith("federal-state-autonomous-educational-institution-of-higher")
    # the ids do not depend on the file's order
    assert _nro_ids(tmp_path, MEPHI, TOMSK, "Example Short Name Institute") == ids
    # a short name's id, and a long name no other shares, are what every import stored so far
    # (stored findings and advisers' verdicts cite them): a re-import keeps them
    assert ids["Example Short Name Institute"] == "example-short-name-institute"
    alone = _nro_ids(tmp_path, TOMSK)
    assert alone[TOMSK] == slug(TOMSK) == slug(TOMSK)[:80] and len(alone[TOMSK]) == 80


def test_a_superseded_registry_edition_is_never_screened_after_a_complete_one(
    tmp_path: Path,
) -> None:
    # one record of the shared ROR dump (ror-community/ror-records @ d93fc667872f8ef9386896bd6c
    # 68bd3c6103603e, CC0 1.0), reduced, imported as a complete edition that lacks HIT's record
    qaenat = {
        "id": "https://ror.org/04vkn5g30",
        "names": [{"value": "Bozorgmehr University of Qaenat", "types": ["ror_display", "label"]}],
        "locations": [{"geonames_details": {"country_code": "IR", "name": "Qaen"}}],
        "types": ["education"],
        "status": "active",
    }
    (tmp_path / "ror.json").write_text(json.dumps([qaenat]), encoding="utf-8")
    with Store(tmp_path / "kv.db") as store:
        load_shipped(store)
        import_file(store, "ror", tmp_path / "ror.json", edition="v9.9", partial=False)
        assert [i.edition for i in store.lists("ror")] == ["sample-v2.9", "v9.9"]
        assert not list(store.carried_records())
        resolver = Resolver(store)
    assert resolver.searched == ["ror@v9.9", "us_dod_1286@FY25 (partial)"]
    for name in ("Harbin Institute of Technology", "哈尔滨工业大学", "Tsinghua University"):
        found = resolver.match(name, "CN")
        assert not [m for m in found if m.edition == "sample-v2.9"], found
    assert [m.list for m in resolver.match("Harbin Institute of Technology", "CN")] == [
        "us_dod_1286"
    ]


def test_json_files_with_a_utf8_bom_are_read(tmp_path: Path) -> None:
    csl = tmp_path / "csl.json"
    csl.write_text((FIXTURES / "csl.json").read_text(encoding="utf-8"), encoding="utf-8-sig")
    record = {
        "id": "https://ror.org/04vkn5g30",
        "names": [{"value": "Bozorgmehr University of Qaenat", "types": ["ror_display", "label"]}],
        "locations": [{"geonames_details": {"country_code": "IR", "name": "Qaen"}}],
        "types": ["education"],
        "status": "active",
    }
    ror = tmp_path / "ror-records_v9.9.json"
    ror.write_text(json.dumps([record]), encoding="utf-8-sig")
    packed = tmp_path / "ror-records_v9.8.json.gz"
    packed.write_bytes(gzip.compress(ror.read_bytes()))
    assert ror.read_bytes().startswith(b"\xef\xbb\xbf")
    with Store(tmp_path / "kv.db") as store:
        assert import_file(store, "csl", csl, edition="2026-12-01").entries == 2
        assert import_file(store, "ror", ror).entries == 1
        assert import_file(store, "ror", packed).entries == 1


def test_refdata_lists_shows_each_editions_age_and_its_partial_or_notes_line(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "kv.db")
    csl = str(FIXTURES / "csl.json")
    _import(db, "csl", csl, "--edition", "2026-12-01", "--source", "Entity List")
    fh = str(FIXTURES / "fh.csv")
    _import(db, "fh", fh, "--published", "2025-02-26")
    text = CliRunner().invoke(refdata, ["lists", "--refdata", db]).output
    said = " ".join(text.split())
    assert "PARTIAL: only the results whose source contains 'Entity List'" in said
    assert "published 2025-02-26; retrieved " in said and "(today)" in said
    # every edition says how old it is; a note that says PARTIAL itself is not said so twice
    assert said.count("retrieved ") == len(json.loads(_lists_json(db))) and "days ago)" in said
    assert "PARTIAL: PARTIAL" not in said


def _lists_json(db: str) -> str:
    return CliRunner().invoke(refdata, ["lists", "--json", "--refdata", db]).output


def test_hand_imports_of_aspi_fh_and_opensanctions_cite_the_file_and_follow_the_partial_rule(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "kv.db")
    given = {
        "aspi": (FIXTURES / "aspi.csv", "--edition", "2026"),
        "fh": (FIXTURES / "fh.csv",),
        "opensanctions": (FIXTURES / "opensanctions_nested.json", "--edition", "x"),
    }
    for fmt, (path, *more) in given.items():
        _import(db, fmt, str(path), *more)
    rows = {r["list_id"]: r for r in json.loads(_lists_json(db))}
    lists = ("aspi_cdut", "fh_fiw", "opensanctions")
    for list_id, (path, *_) in zip(lists, given.values(), strict=True):
        row = rows[list_id]
        assert row["source_url"] == path.resolve().as_uri(), row  # the file, not the website
    assert rows["aspi_cdut"]["publisher"] == "Australian Strategic Policy Institute"
    assert rows["aspi_cdut"]["partial"] is True  # 2 rows of a tracker of about 160 and more
    assert "2 entries, where a complete file has 100 to 1000" in rows["aspi_cdut"]["notes"]
    assert rows["fh_fiw"]["partial"] is True
    # --source-url says where the file came from; --complete is the person's statement
    again = str(tmp_path / "again.db")
    url = "https://unitracker.aspi.org.au/"
    _import(again, "aspi", str(FIXTURES / "aspi.csv"), "--edition", "2026", "--source-url", url,
            "--complete")  # fmt: skip
    (aspi,) = [r for r in json.loads(_lists_json(again)) if r["list_id"] == "aspi_cdut"]
    assert (aspi["source_url"], aspi["partial"]) == (url, False)
    assert "stated complete by the person who imported it" in aspi["notes"]


def test_a_match_on_an_inactive_ror_record_says_so_and_names_its_successor(tmp_path: Path) -> None:
    # iXBlue's record as the shared dump has it (ror-community/ror-records @ d93fc667872f8ef93
    # 86896bd6c68bd3c6103603e, shared/data/real/ror-records_v2.0-v2.9_latest.json.gz; CC0 1.0),
    # reduced to the fields read here
    ixblue = {
        "id": "https://ror.org/00cjejy66",
        "names": [{"lang": None, "types": ["ror_display", "label"], "value": "iXBlue (France)"}],
        "locations": [
            {"geonames_details": {"country_code": "FR", "name": "Saint-Germain-en-Laye"}}
        ],
        "relationships": [
            {"label": "Exail (France)", "type": "successor", "id": "https://ror.org/01sh68675"}
        ],
        "status": "inactive",
        "types": ["company"],
    }
    (tmp_path / "ror.json").write_text(json.dumps([ixblue]), encoding="utf-8")
    with Store(tmp_path / "kv.db") as store:
        import_file(store, "ror", tmp_path / "ror.json", edition="v3.0")
        resolver = Resolver(store)
    (found,) = resolver.match("iXBlue (France)", "FR")
    assert found.explanation.endswith(
        "inactive in ROR; successor: Exail (France) (ror:01sh68675)"
    ), found.explanation
    active = Resolver(
        records=[(CSL, Entry(entry_id="x", name="Example Active Company", country="FR"))]
    )
    assert "inactive" not in active.match("Example Active Company", "FR")[0].explanation
