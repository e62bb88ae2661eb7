"""A listed name shortened to its namesake ("Bauman", "Bauman University" of "Bauman Moscow State
Technical University"; names left open by the review of names in other scripts, item 1).

Before: both found nothing. The short form is the listed name's distinctive words less the
city a registry record is in (Moscow: ROR 010pmpe69's location), alone or with some of the
name's own class words: a guess to confirm, never a verdict. Registry organisations shortened
alike make it ambiguous. The list row is the shipped DoD 1286 FY25 row (public domain); the
record as the shared ROR dump has it (ror-community/ror-records @
d93fc667872f8ef9386896bd6c68bd3c6103603e, CC0 1.0), its city from its GeoNames location.
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver

DOD = ListInfo(list_id="us_dod_1286", edition="FY25", title="DoD 1286", kind="designation")
ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
BAUMAN = Entry(
    entry_id="bauman",
    name="Bauman Moscow State Technical University",
    aliases=["Bauman MSTU"],
    country="RU",
)
MSU = Entry(
    entry_id="010pmpe69",
    ror_id="010pmpe69",
    name="Lomonosov Moscow State University",
    aliases=["Moscow State University", "Московский государственный университет"],
    acronyms=["MSU"],
    country="RU",
    attributes={"city": "Moscow", "types": ["education"]},
)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(records=[(DOD, BAUMAN), (ROR, MSU)])


@pytest.mark.parametrize("written", ["Bauman", "Bauman University", "Bauman Technical University"])
def test_the_namesake_is_a_guess_to_confirm(resolver, written):
    found = resolver.match(written)
    assert [(m.entry, m.method, m.candidate) for m in found] == [("bauman", "short name", True)]
    assert found[0].score == 0.6
    assert resolver.resolve(written) is None


def test_not_with_class_words_the_name_does_not_have(resolver):
    assert resolver.match("Bauman Institute") == []
    assert resolver.match("Bauman University", "CN") == []


def test_without_a_registry_city_nothing_is_cut():
    assert Resolver(records=[(DOD, BAUMAN)]).match("Bauman University") == []
