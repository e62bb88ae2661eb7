"""A name read as the initials of one registry organisation is not that organisation when a word
of it contradicts the record's own word (a reviewer's defect: "Norwegian Institute of Public
Health" was the Czech "National Institute of Public Health" at 0.9, NIPH both), on real ROR
records (tests/refdata/fixtures/README.md, ``ror_initials.json``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import found_rors, ror_resolver, top_ror

CZECH_NIPH, FRED_HUTCH, EBI, DARTMOUTH = "04ftj7e51", "007ps6h72", "02catss52", "00d1dhh09"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_initials.json")


@pytest.mark.parametrize(
    "text",
    [
        "Norwegian Institute of Public Health",
        "Nigerian Institute of Public Health",
        "Department of Virology, Norwegian Institute of Public Health, Oslo, Norway",
    ],
)
def test_a_word_that_contradicts_the_record_is_not_its_initials(resolver: Resolver, text: str):
    assert CZECH_NIPH not in found_rors(resolver, text)


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        # a longer word ("Hutchinson" for "Hutch") and a word the record lacks ("Research")
        ("Fred Hutchinson Cancer Research Center", FRED_HUTCH),
        # a record word the string has elsewhere ("Biology" beside "Bioinformatics")
        ("European Molecular Biology Laboratory–European Bioinformatics Institute", EBI),
        # one typo ("Hitchock")
        ("Department of Medicine, Dartmouth-Hitchock Medical Center", DARTMOUTH),
    ],
)
def test_initials_still_read_through_shortened_added_and_mistyped_words(
    resolver: Resolver, text: str, ror: str
):
    assert top_ror(resolver, text) == ror
