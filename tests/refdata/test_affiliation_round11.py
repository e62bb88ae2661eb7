"""Affiliation strings of the Crossref train split whose top answer was wrong (issue #16 item 2,
round 11), on real ROR records (tests/refdata/fixtures/README.md, ``ror_round11.json``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import found_rors, ror_resolver, top_ror

UCLA, UC_DAVIS, KYUSHU = "046rm7j60", "05rrcem69", "00p4k0j84"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_round11.json")


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        # the campus's place opens the next segment, before a school or a footnote number
        (
            "Section of Oral & Maxillofacial Pathology, University of California, Los Angeles "
            "School of Dentistry",
            UCLA,
        ),
        (
            "School of Medicine, University of California, Davis 2 Department of Biochemistry "
            "and Molecular Medicine, , Sacramento, CA, USA",
            UC_DAVIS,
        ),
        # the first half of the name ends a school's name
        (
            "Department of Surgery, David Geffen School of Medicine at University of "
            "California, Los Angeles",
            UCLA,
        ),
    ],
)
def test_a_name_with_a_comma_is_read_across_a_unit_around_it(
    resolver: Resolver, text: str, ror: str
) -> None:
    # read before as "University of California" alone: the system, a candidate, not the campus
    assert top_ror(resolver, text) == ror


def test_the_tail_of_a_units_name_is_read_with_the_next_segment_only_when_it_names_one(
    resolver: Resolver,
) -> None:
    # "Medical Sciences, Kyushu University" is "Kyushu University of Medical Science" in another
    # word order: the graduate school's subject is no organisation's name
    text = "Graduate School of Medical Sciences, Kyushu University 7 Department of Pediatrics"
    assert top_ror(resolver, text) == KYUSHU


UCL, CONICET = "02jx3x895", "03cqe8w59"


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Dementia Research Centre, UCL Queen Square Institute of Neurology", UCL),
        ("Biology and Experimental Medicine Institute, IBYME-CONICET", CONICET),
    ],
)
def test_an_acronym_written_with_a_units_name_is_a_candidate(
    resolver: Resolver, text: str, ror: str
) -> None:
    # the part named nothing before; the one organisation known by the acronym is now offered
    # first, for a person to confirm, never the string's single answer
    assert found_rors(resolver, text)[:1] == [ror]
    assert top_ror(resolver, text) is None


def test_an_acronym_written_with_a_unit_is_never_screened(resolver: Resolver) -> None:
    # a candidate: "listed" screening acts on confident matches only
    found = resolver.match_affiliation("UCL Queen Square Institute of Neurology")
    assert found and all(m.candidate for org in found for m in org.matches)


PARIS_CITE, PARIS_NANTERRE = "05f82e368", "013bkhk48"


@pytest.mark.parametrize(
    "text",
    [
        "Université de Paris",
        "Laboratoire Matière et Systèmes Complexes, UMR 7057, Université de Paris",
    ],
)
def test_a_shared_name_lists_first_the_record_that_carries_it(
    resolver: Resolver, text: str
) -> None:
    # "Université de Paris" is Université Paris Cité's alias (its former name); "Université
    # Paris" is Université Paris Nanterre's name less "Nanterre": both stay candidates, the
    # one that carries the name first (it came second before, by its ROR id)
    found = found_rors(resolver, text)
    assert found[:1] == [PARIS_CITE]
    assert PARIS_NANTERRE in found
    assert top_ror(resolver, text) is None


ROGEL, MICHIGAN = "05asdy483", "00jmfr291"


def test_a_unit_written_before_the_organisation_its_alias_opens_with_is_no_single_answer(
    resolver: Resolver,
) -> None:
    # U-M Rogel Cancer Center's alias "University of Michigan Rogel Cancer Center" in another
    # word order: the centre named with the university (its ROR parent is Michigan Medicine,
    # so round 5's "Unit, Parent" reading missed it), no single answer, the university first
    text = "Rogel Cancer Center, University of Michigan"
    assert top_ror(resolver, text) is None
    assert found_rors(resolver, text)[:1] == [MICHIGAN]


def test_the_units_alias_as_written_still_names_the_unit(resolver: Resolver) -> None:
    assert top_ror(resolver, "University of Michigan Rogel Cancer Center") == ROGEL
