"""Affiliation strings of the Crossref train split that named their organisation and resolved to
nothing or to another one (issue #16 item 2, round 9), on real ROR records
(tests/refdata/fixtures/README.md, ``ror_round9.json``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Resolver
from tests.refdata.resolver_helpers import found_rors, ror_resolver, top_ror

FMI_BASEL, FMI_HELSINKI = "01bmjkv45", "05hppb561"
KIEL, CHINA_AGRICULTURAL, CHUNG_ANG = "04v76ef78", "04v3ywz14", "01r024a98"
INSA_LYON, LYON = "050jn9y42", "01rk35k63"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    yield from ror_resolver(tmp_path_factory, "ror_round9.json")


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        # two organisations are known as FMI, four as CAU: the city written with the acronym
        # names one of them
        ("FMI Basel", FMI_BASEL),
        ("CAU Kiel", KIEL),
        ("Kiel CAU", KIEL),
        ("Department of Biology, CAU Kiel", KIEL),
        ("Department of Biology, CAU Seoul", CHUNG_ANG),
    ],
)
def test_an_acronym_written_with_its_city_names_the_organisation_there(
    resolver: Resolver, text: str, ror: str
) -> None:
    assert top_ror(resolver, text) == ror


@pytest.mark.parametrize("text", ["CAU Berlin", "FMI Zurich", "Department of Biology, CAU Paris"])
def test_an_acronym_with_another_city_names_no_organisation(resolver: Resolver, text: str) -> None:
    assert top_ror(resolver, text) is None
    assert not {KIEL, FMI_BASEL, FMI_HELSINKI, CHUNG_ANG} & set(found_rors(resolver, text))


@pytest.mark.parametrize("text", ["CAU", "FMI"])
def test_an_acronym_alone_is_still_no_answer(resolver: Resolver, text: str) -> None:
    assert top_ror(resolver, text) is None


def test_a_name_the_registry_holds_is_read_as_that_name_not_as_an_acronym_and_city(
    resolver: Resolver,
) -> None:
    # "INSA Lyon" is an alias of INSA Lyon, a unit of the Université de Lyon: the string names
    # the university with its unit, no single organisation (read as an acronym and its city,
    # INSA Lyon would be screened only, and the university the answer)
    text = "Univ Lyon, INSA Lyon, INRAE, BF2I, UMR 203, 69621"
    assert resolver.resolve(text) is None
    (lyon,) = resolver.match_affiliation(text)
    assert lyon.matches[0].ror_id == LYON and lyon.with_unit


CDC, JIAXING_UNIVERSITY, CANCER_BIOLOGY_ADELAIDE = "042twtr12", "00j2a7k55", "03yg7hz06"


@pytest.mark.parametrize(
    ("text", "other"),
    [
        # the rest of a name after its city is another organisation's name
        (
            "Department of Immunization Program, Jiaxing Center for Disease Control and Prevention",
            CDC,
        ),
        (
            "Laboratory of Cellular Metabolism and Metabolic Regulation, VIB-KU Leuven Center for "
            "Cancer Biology",
            CANCER_BIOLOGY_ADELAIDE,
        ),
    ],
)
def test_a_name_after_its_city_is_not_read_without_the_city(
    resolver: Resolver, text: str, other: str
) -> None:
    assert top_ror(resolver, text) != other


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Department of Epidemiology Centers for Disease Control and Prevention", CDC),
        # a name that opens with its city is looked up whole
        ("Department of Chemistry Jiaxing University", JIAXING_UNIVERSITY),
    ],
)
def test_a_name_after_a_unit_is_still_read(resolver: Resolver, text: str, ror: str) -> None:
    assert top_ror(resolver, text) == ror


CHARITE, HUMBOLDT, FREIE, BIH = "001w7jn25", "01hcx6992", "046ak2485", "0493xsw21"
MEMBER = "corporate member of Freie Universität Berlin and Humboldt-Universität zu Berlin"


@pytest.mark.parametrize(
    "text",
    [
        "Department of Biochemistry, Charité – Universitätsmedizin Berlin, Corporate Member of "
        "Freie Universität Berlin and Humboldt-Universität zu Berlin",
        f"NWFZ, Charité – Universitätsmedizin Berlin, {MEMBER}, and Berlin Institute of Health",
        f"Charité – Universitätsmedizin Berlin, {MEMBER}, Institute of Medical Genetics",
    ],
)
def test_the_organisation_before_corporate_member_of_is_the_one(
    resolver: Resolver, text: str
) -> None:
    assert top_ror(resolver, text) == CHARITE
    found = resolver.match_affiliation(text)
    # its owners are still named and screened, after it
    assert found[0].matches[0].ror_id == CHARITE and not found[0].owner
    assert HUMBOLDT in found_rors(resolver, text)
    assert all(org.owner for org in found[1:])


def test_owners_alone_are_not_the_organisation_a_string_names(resolver: Resolver) -> None:
    # "Universitätsmedizin Berlin" alone names nothing here: Humboldt-Universität is only the
    # owner of the organisation the string is about
    text = f"Universitätsmedizin Berlin, {MEMBER}, Department of Neuropathology"
    assert resolver.resolve(text) is None
    assert HUMBOLDT in found_rors(resolver, text)


def test_a_unit_after_the_owners_ends_them(resolver: Resolver) -> None:
    # the organisation after a unit is the author's own again, and a second one
    text = f"Charité – Universitätsmedizin Berlin, {MEMBER}, Department of Biology, Freie Universität Berlin"
    orgs = resolver.match_affiliation(text)
    assert resolver.resolve(text) is None
    assert not next(org for org in orgs if org.matches[0].ror_id == FREIE).owner


def test_a_string_that_opens_with_member_of_names_its_own_organisation(resolver: Resolver) -> None:
    text = "Member of the Berlin Institute of Health at Charité - Universitätsmedizin Berlin"
    assert not any(org.owner for org in resolver.match_affiliation(text))


IBT_LEON, UNAM, IGF_LYON, MONTPELLIER = "03ry8wj79", "01tmp8f25", "038fcbc74", "051escj72"


@pytest.mark.parametrize(
    ("text", "elsewhere"),
    [
        # "Instituto de Biotecnología de León" less its city: UNAM's institute is not León's
        ("Instituto de Biotecnologia, UNAM", IBT_LEON),
        ("Institut de Génomique Fonctionnelle, Université de Montpellier, CNRS", IGF_LYON),
    ],
)
def test_a_unit_name_that_is_a_record_less_its_city_is_only_a_candidate(
    resolver: Resolver, text: str, elsewhere: str
) -> None:
    assert top_ror(resolver, text) != elsewhere
    for org in resolver.match_affiliation(text):
        assert all(m.candidate for m in org.matches if m.ror_id == elsewhere)


def test_a_unit_of_a_record_less_its_city_beside_the_second_reads_the_other_one(
    resolver: Resolver,
) -> None:
    # the Lyon institute is no second organisation beside the Université de Montpellier
    text = "Institut de Génomique Fonctionnelle, Université de Montpellier, CNRS"
    assert top_ror(resolver, text) == MONTPELLIER


@pytest.mark.parametrize(
    "text",
    [
        "Institut de Génomique Fonctionnelle, Lyon",
        "Institut de Génomique Fonctionnelle, Hospices Civils de Lyon",  # the city inside a name
    ],
)
def test_a_unit_name_less_its_city_stays_when_the_string_names_the_city(
    resolver: Resolver, text: str
) -> None:
    org = resolver.match_affiliation(text)[0]
    assert org.matches[0].ror_id == IGF_LYON and not org.matches[0].candidate
