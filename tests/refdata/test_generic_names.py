"""Wrong confident answers a reviewer found on real affiliation strings (issue #16 item 1), on
real ROR records (tests/refdata/fixtures/README.md): a name that other organisations carry
before a place is no answer without the string saying which; a school named after its
university is the university's; a spelling of the record's own is told as a corrected one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import ror_resolver, top_ror

ACADIA, QUEENS_CUNY = "00839we02", "03v8adn41"
KEW, RBG_VICTORIA = "00ynnr806", "04507gt97"
UMD_BALTIMORE, UMD_COLLEGE_PARK = "04rq5mt64", "047s2c258"
HARVARD, UCLA, PZU = "03vek6s52", "046rm7j60", "04y450540"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_generic_names.json")


def test_a_former_name_others_carry_before_a_place_is_only_a_candidate(resolver: Resolver) -> None:
    # "Queen's College" is Acadia University's former name, and "Queens College, CUNY" the
    # name of another college today: the bare name says neither
    assert top_ror(resolver, "Queens College") is None
    candidates = {
        m.ror_id for org in resolver.match_affiliation("Queens College") for m in org.matches
    }
    assert {ACADIA, QUEENS_CUNY} <= candidates
    # the string's country says which
    assert top_ror(resolver, "Department of Biology, Queens College, New York, USA") == QUEENS_CUNY


def test_a_name_read_without_its_city_is_no_answer_when_another_city_has_one(
    resolver: Resolver,
) -> None:
    assert top_ror(resolver, "Royal Botanic Gardens") is None
    assert top_ror(resolver, "Royal Botanic Gardens, Kew, Richmond, UK") == KEW
    assert top_ror(resolver, "Royal Botanic Gardens Victoria, Melbourne") == RBG_VICTORIA


def test_a_school_of_a_name_several_campuses_carry_is_no_campus_until_the_place_says(
    resolver: Resolver,
) -> None:
    # College Park carries "University of Maryland" (as "Universidad de Maryland"), but the
    # School of Medicine is Baltimore's: the school's name alone decides nothing
    assert top_ror(resolver, "University of Maryland School of Medicine") is None
    text = "Department of Medicine, University of Maryland School of Medicine, Baltimore, MD, USA"
    assert top_ror(resolver, text) == UMD_BALTIMORE
    # a department of the university, named so, is still College Park's
    assert top_ror(resolver, "Department of Physics, University of Maryland") == UMD_COLLEGE_PARK


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Institut Pasteur", "0495fxg12"),  # its branches are "Institut Pasteur in …"
        ("Department of Cardiology, Cleveland Clinic", "03xjacd83"),  # "… Abu Dhabi"
        ("Department of Psychology, University of Nevada", "01keh0577"),  # "… Las Vegas"
    ],
)
def test_a_name_an_organisation_carries_as_its_own_stays_its_answer(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Department of Epidemiology, Harvard T.H. Chan School of Public Health, Boston", HARVARD),
        ("Harvard T.H. Chan School of Public Health", HARVARD),
        ("Department of Medicine, David Geffen School of Medicine at UCLA", UCLA),
    ],
)
def test_a_school_named_after_its_university_is_the_university(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


def test_a_spelling_of_the_records_own_is_told_as_a_corrected_spelling(
    resolver: Resolver,
) -> None:
    # ROR writes "PZU Medical Centar"; the analysis reads "Centar" as "Center" on both sides
    best = resolver.resolve("PZU Medical Center")
    assert best is not None and best.ror_id == PZU
    assert best.method == "corrected spelling"
    assert '"Center" → "Centar"' in best.explanation
    assert best.score < 0.95  # below an exact match's
    as_written = resolver.resolve("PZU Medical Centar")
    assert as_written is not None and as_written.method == "exact"


def test_a_schools_owner_is_read_in_its_own_segment_only(resolver: Resolver) -> None:
    # "Dana Farber Cancer Institute" is another organisation, not part of the school's name
    text = (
        "Harvard TH Chan School of Public Health and Division of Population Sciences, "
        "Dana Farber Cancer Institute"
    )
    found = resolver.match_affiliation(text)
    assert [(org.span, org.matches[0].ror_id) for org in found] == [
        ("Harvard TH Chan School of Public Health and Division of Population Sciences", HARVARD)
    ]
