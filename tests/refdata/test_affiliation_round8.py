"""Strings that hold their organisation's name word for word and resolved to nothing, on the
Crossref train split (issue #16 item 2, round 8), on real ROR records
(tests/refdata/fixtures/README.md): a university's acronym opening its school's name, and two
organisations joined by an unspaced hyphen or slash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import found_rors, ror_resolver, top_ror

NYU, UCLA, LITORAL, UTSW = "0190ak572", "046rm7j60", "00pt8r998", "05byvp690"
ZURICH, ETH, MILAN, SALEM_STATE, WEILL_CORNELL = (
    "02crff812",
    "05a28rw58",
    "00wjc7c48",
    "023qmza96",
    "02r109517",
)


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_round8.json")


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("NYU School of Medicine", NYU),
        ("Department of Pathology, NYU School of Medicine", NYU),
        ("Department of Molecular Pathobiology - NYU College of Dentistry", NYU),
        ("Division of Oral Biology and Medicine, UCLA School of Dentistry", UCLA),
    ],
)
def test_a_university_acronym_that_opens_its_school_name(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Universidad Nacional del Litoral-CONICET", LITORAL),
        ("HHMI/University of Texas Southwestern Medical Center", UTSW),
    ],
)
def test_an_organisation_joined_to_an_acronym_by_an_unspaced_hyphen_or_slash(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


def test_two_organisations_joined_by_a_slash_are_each_named_and_neither_is_the_one(
    resolver: Resolver,
) -> None:
    text = "Neuroscience Center Zurich, University of Zurich/ETH Zurich"
    assert resolver.resolve(text) is None
    assert [org.matches[0].ror_id for org in resolver.match_affiliation(text)] == [ZURICH, ETH]


@pytest.mark.parametrize(
    ("text", "other"),
    [
        # one word on one side of the join: the join is part of the name
        ("University of Milan-Bicocca", MILAN),
        ("Winston-Salem State University", SALEM_STATE),
        ("Department of Physiology and Biophysics, Weill Cornell Medicine-Qatar", WEILL_CORNELL),
    ],
)
def test_a_hyphen_inside_a_name_names_no_other_organisation(
    resolver: Resolver, text: str, other: str
) -> None:
    assert other not in found_rors(resolver, text)


MELBOURNE, UNC_CHARLOTTE, MAINE = "01ej9dk98", "04dawnj30", "01adr0w49"


@pytest.mark.parametrize(
    "text",
    [
        "Microbiological Diagnostic Unit Public Health Laboratory, The University of Melbourne "
        "at the Doherty Institute for Infection and Immunity",
        "Department of Microbiology and Immunology, University of Melbourne at the Peter Doherty "
        "Institute for Infection and Immunity",
    ],
)
def test_a_university_housed_at_the_institute_named_after_it(resolver: Resolver, text: str) -> None:
    assert top_ror(resolver, text) == MELBOURNE


@pytest.mark.parametrize(
    ("text", "other"),
    [
        # "at" a place names a campus, which the registry here lacks: never another campus or
        # its system, which "University of X" alone would name
        ("Department of Biology, University of North Carolina at Chapel Hill", UNC_CHARLOTTE),
        ("University of Maine at Farmington", MAINE),
    ],
)
def test_a_campus_at_its_place_is_not_read_before_at(
    resolver: Resolver, text: str, other: str
) -> None:
    assert other not in found_rors(resolver, text)
