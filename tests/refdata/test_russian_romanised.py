"""Russian names in the common romanisations, in Cyrillic, and by the short names the list
gives, meet the listed organisation (reviewer's defect 4, names in non-Latin scripts).

Before (shipped lists): "Moskovskiy aviatsionnyy institut" was an alias hit, but the ISO 9 /
scholarly "Moskovskij aviacionnyj institut" and the German "Moskowski Awiazionny Institut" were
not found; "Moskovskij gosudarstvennyj universitet" only a 0.92 fuzzy candidate; "Bauman MSTU"
and "Keldysh Institute" (the 1286 rows' Notes) not found. The shipped lists: 1286 FY25 (public domain), the demo ROR sample
(CC0 1.0: Moscow Aviation Institute 033zpbv42, Moscow State University 010pmpe69 with their
Russian names).
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver, Store
from kvrules.refdata.importers import import_file
from kvrules.refdata.romanised import romanised_key
from kvrules.refdata.shipped import load_shipped

MAI = "Moscow Aviation Institute"


@pytest.mark.parametrize(
    "written",
    [
        "Moskovskij aviacionnyj institut",  # ISO 9 / scholarly
        "Moskowski Awiazionny Institut",  # German
        "Moskovskiy aviatsionnyy institut",  # BGN/PCGN
        "Московский авиационный институт",  # Cyrillic
    ],
)
def test_the_romanisations_meet(written):
    assert romanised_key(written) == romanised_key("Moskovskiy aviatsionnyy institut")


def test_other_names_stay_apart():
    assert romanised_key("Moskovskij fiziko-tehniceskij institut") != romanised_key(
        "Moskovskij aviacionnyj institut"
    )
    assert romanised_key("Kazanskij universitet") != romanised_key("Kurskij universitet")


@pytest.mark.parametrize(
    "written", ["Moskovskij aviacionnyj institut", "Moskowski Awiazionny Institut"]
)
def test_another_romanisation_finds_the_listed_institute(shipped_resolver, written):
    top = shipped_resolver.match(written, "RU")[0]
    assert (top.name, top.list, top.method) == (MAI, "us_dod_1286", "transliteration")
    assert not top.candidate and top.score == 0.93
    assert shipped_resolver.match(written)[0].candidate  # no country: confirm it
    assert shipped_resolver.match(written, "CN") == []


def test_msu_in_iso_9_is_a_transliteration_not_a_typo(shipped_resolver):
    top = shipped_resolver.match("Moskovskij gosudarstvennyj universitet", "RU")[0]
    assert (top.name, top.method) == ("Moscow State University", "transliteration")


def test_only_names_in_countries_writing_russian_are_keyed():
    info = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
    resolver = Resolver(
        records=[
            (info, Entry(entry_id="a", name="Kazan Federal University", country="RU")),
            (info, Entry(entry_id="b", name="Katsan Federal University", country="US")),
        ]
    )
    assert resolver.match("Katsan Federal University")[0].entry == "b"  # exact, its own
    assert [m.entry for m in resolver.match("Kazan Federal Universitet")] != ["b"]


@pytest.fixture(scope="module")
def shipped_entries(tmp_path_factory) -> list[Entry]:
    store = Store(tmp_path_factory.mktemp("db") / "kv.db")
    load_shipped(store)
    return store.entries("us_dod_1286")


# Code review 2 of 0.4.0: the importer read a short name from the start of a row's Notes, so a
# transcription's "None", "TBD", "See Aliases", "Removed" or "Renamed; formerly X" became an
# alias or an acronym of the entry. Notes are remarks now; the four short names the shipped
# rows' Notes gave are in their Aliases and Acronyms columns.
@pytest.mark.parametrize(
    "notes", ["None", "TBD", "See Aliases", "Removed", "Renamed; formerly Old Name Institute"]
)
def test_a_rows_notes_are_not_its_names(tmp_path, notes):
    csv = tmp_path / "fy.csv"
    csv.write_text(
        "Table,English Name,Foreign Country of Concern,Aliases,Notes,Acronyms\n"
        f'1,Example Institute,Russia,,"{notes}",\n',
        encoding="utf-8",
    )
    store = Store(tmp_path / "kv.db")
    import_file(store, "dod1286", csv, edition="FY25")
    (entry,) = store.entries("us_dod_1286")
    assert (entry.aliases, entry.acronyms) == ([], [])
    assert entry.attributes["notes"] == notes  # kept, as a remark


@pytest.mark.parametrize(
    ("short", "listed"),
    [
        ("USTC", "University of Science and Technology of China"),
        ("Bauman MSTU", "Bauman Moscow State Technical University"),
        ("HSE", "Moscow’s Higher School of Economics"),
        ("Keldysh Institute", "Keldysh Institute of Applied Mathematics"),
    ],
)
def test_the_shipped_short_names_are_in_their_columns(shipped_entries, short, listed):
    (entry,) = [e for e in shipped_entries if e.name == listed]
    assert short in [*entry.aliases, *entry.acronyms]


@pytest.mark.parametrize(
    ("written", "listed"),
    [
        ("Bauman MSTU", "Bauman Moscow State Technical University"),
        ("Keldysh Institute", "Keldysh Institute of Applied Mathematics"),
    ],
)
def test_the_lists_own_short_names_find_it(shipped_resolver, written, listed):
    top = shipped_resolver.match(written, "RU")[0]
    assert top.name == listed and top.list == "us_dod_1286" and not top.candidate
