"""Ukrainian city names spelt from Russian meet the Ukrainian-derived spellings (reviewer's
defect 6, names in non-Latin scripts).

Before (with the real ROR records imported): "National University of Kiev-Mohyla Academy" and
"Kiev University of Aviation and Information Technologies" were not found (the Kyiv forms
matched at 0.95); "V. N. Karazin Kharkov National University" was only a 0.92 similar name.
Records as the shared ROR dump has them (ror-community/ror-records @
d93fc667872f8ef9386896bd6c68bd3c6103603e, CC0 1.0): 03wfca816, 05bb9k540, 03ftejk10.
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.normalise import name_key

ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
RECORDS = {
    "03wfca816": "National University of Kyiv-Mohyla Academy",
    "05bb9k540": "Kyiv University of Aviation and Information Technologies",
    "03ftejk10": "V. N. Karazin Kharkiv National University",
}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(
        records=[
            (ROR, Entry(entry_id=rid, ror_id=rid, name=name, country="UA"))
            for rid, name in RECORDS.items()
        ]
    )


@pytest.mark.parametrize(
    ("written", "rid"),
    [
        ("National University of Kiev-Mohyla Academy", "03wfca816"),
        ("Kiev University of Aviation and Information Technologies", "05bb9k540"),
        ("V. N. Karazin Kharkov National University", "03ftejk10"),
    ],
)
def test_the_russian_derived_spelling_finds_the_record(resolver, written, rid):
    top = resolver.match(written, "UA")[0]
    assert top.entry == rid and top.score == 1.0 and not top.candidate


def test_in_an_affiliation_string_too(resolver):
    found = resolver.resolve(
        "Dept. of Physics, Kiev University of Aviation and Information Technologies, Kiev, Ukraine"
    )
    assert found is not None and found.entry == "05bb9k540"


@pytest.mark.parametrize(
    ("russian", "ukrainian"),
    [
        ("Odessa", "Odesa"),
        ("Lvov", "Lviv"),
        ("Dnepropetrovsk", "Dnipro"),
        ("Zaporozhye", "Zaporizhzhia"),
    ],
)
def test_the_table_s_pairs_meet(russian, ukrainian):
    assert name_key(f"{russian} National University") == name_key(
        f"{ukrainian} National University"
    )
    assert name_key("Lviv National University") != name_key("Kyiv National University")


# Code review 2 of 0.4.0 (/tmp/rev-revcode2/nik.py): the table was applied to every name, so
# the surname Nikolaev read as the city Mykolaiv, and "Mykolaiv Institute of Inorganic
# Chemistry" (no country) was an exact 0.95 match for the Russian "Nikolaev Institute of
# Inorganic Chemistry" (Novosibirsk; the list entry is made up, named as that institute).
WATCH = ListInfo(list_id="watch", edition="1", title="Watch", kind="designation")
NIKOLAEV = Entry(entry_id="w1", name="Nikolaev Institute of Inorganic Chemistry", country="RU")


@pytest.mark.parametrize("country", [None, "UA", "RU"])
def test_a_surname_outside_ukraine_is_not_the_city(country: str | None) -> None:
    found = Resolver(records=[(WATCH, NIKOLAEV)]).match(
        "Mykolaiv Institute of Inorganic Chemistry", country
    )
    assert [(m.method, m.score) for m in found if not m.candidate] == []


def test_in_ukraine_the_other_spelling_is_said_not_exact(resolver) -> None:
    top = resolver.match("V. N. Karazin Kharkov National University")[0]
    assert (top.entry, top.method, top.candidate) == ("03ftejk10", "spelling variant", False)
    assert '"Kharkov" is "Kharkiv"' in top.via
    spelt_so = resolver.match("V. N. Karazin Kharkiv National University")[0]
    assert spelt_so.method == "exact"  # the spelling the record has is no variant


# Names left open by the review of names in other scripts (item 5): with no country the
# Ukrainian "Mykolaiv Institute of Inorganic Chemistry" was a 0.92 "fuzzy" candidate of the
# Russian "Nikolaev Institute …", said as a close spelling (it is none: the two words meet only
# through the city table) and scored as one.
def test_across_countries_it_is_said_as_a_spelling_variant_and_a_guess() -> None:
    resolver = Resolver(records=[(WATCH, NIKOLAEV)])
    (top,) = resolver.match("Mykolaiv Institute of Inorganic Chemistry")
    assert (top.entry, top.method, top.candidate) == ("w1", "spelling variant", True)
    assert top.score <= 0.6  # a guess to confirm, not a close spelling
    assert "a spelling variant across countries" in (top.via or "")
    assert '"Mykolaiv" is "Nikolaev"' in (top.via or "")
    assert "the organisation is in RU" in (top.via or "")
    assert resolver.resolve("Mykolaiv Institute of Inorganic Chemistry") is None
    # with its own country given, still a candidate, and said so
    (in_russia,) = resolver.match("Mykolaiv Institute of Inorganic Chemistry", "RU")
    assert in_russia.candidate and in_russia.method == "spelling variant"
