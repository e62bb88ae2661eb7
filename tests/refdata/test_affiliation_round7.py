"""Strings that named their organisation yet resolved to nothing, on the Crossref train split
(issue #16 item 2, round 7), on real ROR records (tests/refdata/fixtures/README.md): the
organisation that ends a segment after a unit's name or an acronym, and a company that ROR
names with its country in brackets, written with or without its legal form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import ror_resolver, top_ror

ATBU, BORDEAUX, PAN, SYSU, CHICAGO = "019vfke14", "057qpr032", "01dr6c206", "0064kty71", "024mw5h28"
GENENTECH, XENON, IONIS = "04gndp242", "029t2gr02", "00t8bew53"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_round7.json")


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        (
            "Department of Petroleum Engineering Abubakar Tafawa Balewa University, P.M.B 0248, "
            "Bauchi, Nigeria",
            ATBU,
        ),
        ("CNRS Université de Bordeaux", BORDEAUX),  # an acronym before the name
        ("IMol Polish Academy of Sciences", PAN),
    ],
)
def test_the_organisation_that_ends_a_segment_after_a_unit_or_an_acronym(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


@pytest.mark.parametrize(
    "text",
    [
        # the words before the run are part of the name, not a unit: other organisations
        "National Sun Yat-sen University, Kaohsiung",
        "Loyola University Chicago, Maywood, IL",
        # a short acronym before the name is often part of it ("UT Southwestern …")
        "UT Sun Yat-sen University",
    ],
)
def test_the_end_of_a_name_is_no_organisation_of_its_own(resolver: Resolver, text: str) -> None:
    assert top_ror(resolver, text) is None
    found = [m.ror_id for org in resolver.match_affiliation(text) for m in org.matches]
    assert SYSU not in found and CHICAGO not in found


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Genentech Inc, Structural Biology", GENENTECH),
        ("In Vitro Biology, Xenon Pharmaceuticals Inc", XENON),  # "Xenon Pharmaceuticals (Canada)"
        ("Ionis Pharmaceuticals, Inc", IONIS),
        ("Ionis Pharmaceuticals, Carlsbad, CA, USA", IONIS),
    ],
)
def test_a_company_named_without_its_country_or_with_its_legal_form(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


def test_a_company_name_less_its_country_is_told_and_keeps_the_country(resolver: Resolver) -> None:
    top = resolver.match_affiliation("Xenon Pharmaceuticals Inc")[0].matches[0]
    assert (top.ror_id, top.name_type) == (XENON, "name without its country")
    # the country written in the string is still checked against the record's
    assert top_ror(resolver, "Xenon Pharmaceuticals Inc, Berlin, Germany") is None


CLEVELAND_CLINIC, HARVARD, AARHUS, SJTU = "03xjacd83", "03vek6s52", "01aj84f44", "0220qvk04"


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        (
            "Department of Neuroscience, Cleveland Clinic Lerner Research Institute",
            CLEVELAND_CLINIC,
        ),
        ("Harvard University Center for Brain Science", HARVARD),
    ],
)
def test_the_organisation_that_opens_a_segment_before_a_unit_named_after_it(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        # a hospital named after its university is an organisation of its own
        ("Department of Urology, Aarhus University Hospital", AARHUS),
        (
            "Shanghai Immune Therapy Institute, Shanghai Jiao Tong University School of "
            "Medicine-Affiliated Renji Hospital 3 , Shanghai, China",
            SJTU,
        ),
    ],
)
def test_a_hospital_named_after_its_university_is_not_the_university(
    resolver: Resolver, text: str, ror: str
) -> None:
    found = [m.ror_id for org in resolver.match_affiliation(text) for m in org.matches]
    assert ror not in found


WUR = "04qw24q55"


def test_a_name_less_its_and_research_names_the_organisation(resolver: Resolver) -> None:
    # ROR names it "Wageningen University & Research"; its units write "Wageningen University"
    assert top_ror(resolver, "Laboratory of Genetics, Wageningen University") == WUR
    top = resolver.match_affiliation("Wageningen University")[0].matches[0]
    assert (top.ror_id, top.name_type) == (WUR, "name without its research centre")


BIO5, ARIZONA, LOMBARDI, GEORGETOWN = "023drta67", "03m2x1q45", "035zrb927", "05vzafd60"


@pytest.mark.parametrize(
    ("text", "parent"),
    [
        ("BIO5 Institute, University of Arizona 9 , Tucson, AZ, USA", ARIZONA),
        (
            "Lombardi Comprehensive Cancer Center, Georgetown University 5 , Washington, DC, USA",
            GEORGETOWN,
        ),
    ],
)
def test_a_unit_and_its_parent_read_as_one_pair_give_no_single_id(
    resolver: Resolver, text: str, parent: str
) -> None:
    # the footnote number let the pair be read whole, as the unit's alias in another order:
    # the string names the unit and its ROR parent, not which one the author is counted under
    assert resolver.resolve(text) is None
    (org,) = resolver.match_affiliation(text)
    assert org.with_unit and org.matches[0].ror_id == parent
