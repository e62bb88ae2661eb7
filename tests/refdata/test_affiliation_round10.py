"""Affiliation strings of the Crossref train split that got a wrong confident answer (issue #16
item 2, round 10), on real ROR records (tests/refdata/fixtures/README.md, ``ror_round10.json``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import found_rors, ror_resolver, top_ror

LMU, NANOLUND = "05591te55", "02x6a8337"
DZNE, DZNE_DRESDEN = "043j0f473", "0260yv019"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_round10.json")


def test_an_acronym_with_its_city_is_a_rival_answer_not_only_screened(resolver: Resolver) -> None:
    # "Center for Nanoscience" is an alias of NanoLund (Lund); "LMU Munich" names LMU for
    # certain: the string names two organisations, so neither is its single answer
    text = "Lehrstuhl für Angewandte Physik and Center for Nanoscience, LMU Munich"
    assert LMU in found_rors(resolver, text)
    assert top_ror(resolver, text) is None


def test_a_bare_acronym_beside_an_organisation_is_still_only_screened(resolver: Resolver) -> None:
    # "LMU" alone is a candidate: the organisation named in full stays the answer
    assert top_ror(resolver, "German Center for Neurodegenerative Diseases, LMU") == DZNE


@pytest.mark.parametrize(
    "text",
    [
        "German Center for Neurodegenerative Diseases (DZNE)",
        "Systems Medicine, Deutsches Zentrum für Neurodegenerative Erkrankungen (DZNE) e.V.",
        "German Center for Neurodegenerative Diseases",
    ],
)
def test_a_sites_name_less_its_city_that_is_its_parents_name_names_the_parent(
    resolver: Resolver, text: str
) -> None:
    # "German Center for Neurodegenerative Diseases (DZNE) Dresden" is the Dresden site's name;
    # without "Dresden" it is the centre's name with the centre's acronym
    assert top_ror(resolver, text) == DZNE


@pytest.mark.parametrize(
    "text",
    [
        "German Center for Neurodegenerative Diseases (DZNE) Dresden",
        "German Center for Neurodegenerative Diseases Dresden",
        "DZNE, Dresden",
    ],
)
def test_the_site_named_with_its_city_is_still_the_site(resolver: Resolver, text: str) -> None:
    assert top_ror(resolver, text) == DZNE_DRESDEN
