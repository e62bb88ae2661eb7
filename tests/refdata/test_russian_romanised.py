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

from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.importers.dod1286 import names_in_notes
from kvrules.refdata.romanised import romanised_key

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


@pytest.mark.parametrize(
    ("notes", "said"),
    [
        (
            "Bauman MSTU; name checked 2026-12-06 against a public transcription",
            (["Bauman MSTU"], []),
        ),
        ("HSE; name and aliases checked 2026-12-06", ([], ["HSE"])),
        ("Keldysh Institute; name checked", (["Keldysh Institute"], [])),
        ("manual match: FY25 list prints a name variant", ([], [])),
        ("Table 2 (foreign talent recruitment programme)", ([], [])),
        ("a Tsinghua sub-unit is listed, not Tsinghua University itself", ([], [])),
    ],
)
def test_the_short_names_a_notes_cell_gives(notes, said):
    assert names_in_notes(notes) == said


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
