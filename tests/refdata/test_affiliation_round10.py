"""Affiliation strings of the Crossref train split that got a wrong confident answer (issue #16
item 2, round 10), on real ROR records (tests/refdata/fixtures/README.md, ``ror_round10.json``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver, Store
from kvrules.refdata.shipped import load_shipped
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


NEWCASTLE_GB, NEWCASTLE_AU = "01kj2bm70", "00eae9z71"


@pytest.mark.parametrize(
    "text", ["Newcastle University", "Centre for Bacterial Cell Biology, Newcastle University"]
)
def test_a_name_one_record_is_named_and_others_list_as_an_alias_is_that_record(
    resolver: Resolver, text: str
) -> None:
    # "Newcastle University" is the GB university's own name and an alias of the University of
    # Newcastle Australia
    assert top_ror(resolver, text) == NEWCASTLE_GB


def test_the_alias_holder_named_by_its_own_name_is_still_itself(resolver: Resolver) -> None:
    assert top_ror(resolver, "University of Newcastle Australia") == NEWCASTLE_AU


def test_a_listed_organisations_alias_is_not_decided_away_by_a_registry_namesake() -> None:
    # a list's entry that carries the name as an alias is for a person to weigh (the DoD 1286
    # list names Northwestern Polytechnical University also "Northwestern Polytechnic
    # University", a US school's own name)
    registry = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
    listed = ListInfo(list_id="l", edition="FY25", title="l", kind="designation")
    recs = [
        (
            registry,
            Entry(
                entry_id="0a",
                ror_id="0aaaaaa00",
                name="Northwestern Polytechnic University",
                country="US",
            ),
        ),
        (
            listed,
            Entry(
                entry_id="npu",
                name="Northwestern Polytechnical University",
                country="CN",
                aliases=["Northwestern Polytechnic University"],
            ),
        ),
    ]
    found = Resolver(records=recs).match("Northwestern Polytechnic University")
    assert {m.list for m in found} == {"ror", "l"}
    assert all(m.candidate for m in found)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resolver]:
    """The lists kvrules ships (the DoD 1286 transcription among them), as a site has them."""
    with Store(tmp_path_factory.mktemp("shipped") / "kv.db") as store:
        load_shipped(store)
        yield Resolver(store)


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("HIT (Harbin Institute of Technology)", "Harbin Institute of Technology"),
        (
            "NUDT (National University of Defense Technology)",
            "National University of Defense Technology",
        ),
        ("Harbin Institute of Technology (HIT)", "Harbin Institute of Technology"),
    ],
)
def test_an_acronym_with_its_name_in_brackets_is_read_as_the_name(
    shipped: Resolver, text: str, listed: str
) -> None:
    # the whole string was taken for one acronym, "HIT (…)", and matched nothing: a listed
    # institution written so in a partners spreadsheet was not screened
    best = shipped.resolve(text)
    assert best is not None and best.name == listed and best.kind == "designation"
    assert any(m.name == listed and not m.candidate for m in shipped.match(text))


@pytest.mark.parametrize("text", ["HIT", "HIT (China)", "MIPT (SU)"])
def test_an_acronym_alone_or_with_its_country_is_still_a_candidate(
    shipped: Resolver, text: str
) -> None:
    assert shipped.resolve(text) is None
    assert all(m.candidate for m in shipped.match(text))
