"""Defects a reviewer found with a 51,370-record real ROR registry (issue #16 items 1 and 4):
each test failed before its fix, on the smallest real-shaped registry that shows the mechanism
(records shaped as the real ROR records named in each test)."""

from __future__ import annotations

from kvrules.refdata import Entry, ListInfo, Resolver

ROR = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
LISTED = ListInfo(list_id="l", edition="FY25", title="l", kind="designation")
CAEP, FLUID, ZAGREB = "039vqpp67", "05rgwws51", "00mv6sv71"
RAS, RAS_BIOLOGY = "05qrfxd25", "038rjvd86"


def _ror(
    rid: str,
    name: str,
    cc: str,
    city: str,
    parent: str | None = None,
    acronyms: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
) -> tuple[ListInfo, Entry]:
    return ROR, Entry(
        entry_id=rid,
        ror_id=rid,
        name=name,
        country=cc,
        parent_ror_id=parent,
        acronyms=list(acronyms),
        aliases=list(aliases),
        attributes={"city": city, "types": ["education"]},
    )


def _namesakes_abroad() -> list[tuple[ListInfo, Entry]]:
    """Units named with the same words in five other countries, as a real registry holds
    many: what makes "fluid", "physics", "biological" words that say what a unit does."""
    return [
        _ror(f"0{i}aaaaa0{i}", "Laboratory of Fluid Physics and Biological Sciences", cc, "X")
        for i, cc in enumerate(["DE", "FR", "US", "JP", "BR"])
    ]


def _units_of_listed_institutions() -> Resolver:
    """CAEP (listed) and its ROR child "Institute of Fluid Physics" (Mianyang); the RAS
    division "Department of Biological Sciences" (ROR child of RAS, listed here too)."""
    return Resolver(
        records=[
            _ror(CAEP, "China Academy of Engineering Physics", "CN", "Mianyang"),
            _ror(FLUID, "Institute of Fluid Physics", "CN", "Mianyang", parent=CAEP),
            _ror(ZAGREB, "University of Zagreb", "HR", "Zagreb"),
            _ror(RAS, "Russian Academy of Sciences", "RU", "Moscow"),
            _ror(RAS_BIOLOGY, "Department of Biological Sciences", "RU", "Moscow", parent=RAS),
            *_namesakes_abroad(),
            (
                LISTED,
                Entry(entry_id="caep", name="China Academy of Engineering Physics", ror_id=CAEP),
            ),
            (LISTED, Entry(entry_id="ras", name="Russian Academy of Sciences", ror_id=RAS)),
        ]
    )


def _confidently_listed(resolver: Resolver, text: str) -> list[str]:
    return [
        m.name
        for org in resolver.match_affiliation(text)
        for m in org.matches
        if m.list == "l" and not m.candidate and m.score >= resolver.threshold
    ]


def test_a_generic_unit_name_of_a_listed_institutions_child_accuses_nobody() -> None:
    resolver = _units_of_listed_institutions()
    for text in [
        "Institute of Fluid Physics, University of Zagreb",
        "University of Zagreb, Institute of Fluid Physics",
        "Department of Biological Sciences, State University of New York",
        "Institute of Fluid Physics",
    ]:
        assert _confidently_listed(resolver, text) == [], text
        # still shown, for a person to judge
        found = [m for org in resolver.match_affiliation(text) for m in org.matches]
        assert any(m.list == "l" and m.candidate for m in found), text
    # the organisation the string names comes first, not the unit's namesake
    first = resolver.match_affiliation("University of Zagreb, Institute of Fluid Physics")[0]
    assert first.matches[0].ror_id == ZAGREB


def test_a_childs_match_that_agrees_with_the_string_is_still_confident() -> None:
    resolver = _units_of_listed_institutions()
    for text in [
        "Institute of Fluid Physics, Mianyang 621900",  # its city
        "Institute of Fluid Physics, China Academy of Engineering Physics",  # its parent
        "Institute of Fluid Physics, Mianyang, China",  # its country, read from the string
    ]:
        assert _confidently_listed(resolver, text) == ["China Academy of Engineering Physics"], text


BEIHANG, UCLA, NUDT = "00wk2mp56", "046rm7j60", "05d2yfz11"


def _acronyms_and_short_names() -> Resolver:
    """Beihang (ROR acronym BUAA) and UCLA as ROR records; NUDT only on the list, with its
    acronym (the list's own names are all the resolver knows of it)."""
    return Resolver(
        records=[
            _ror(BEIHANG, "Beihang University", "CN", "Beijing", acronyms=("BUAA",)),
            _ror(
                UCLA,
                "University of California, Los Angeles",
                "US",
                "Los Angeles",
                acronyms=("UCLA",),
            ),
            _ror("0aaaaaa00", "Beijing Normal University", "CN", "Beijing", acronyms=("BNU",)),
            (
                LISTED,
                Entry(entry_id="beihang", name="Beihang University", country="CN", ror_id=BEIHANG),
            ),
            (
                LISTED,
                Entry(
                    entry_id="nudt",
                    name="National University of Defense Technology",
                    country="CN",
                    acronyms=["NUDT"],
                ),
            ),
        ]
    )


def test_a_bare_acronym_of_a_listed_or_registered_institution_is_a_candidate() -> None:
    resolver = _acronyms_and_short_names()
    for acronym, listed, ror_id in [("BUAA", "beihang", BEIHANG), ("NUDT", "nudt", None)]:
        found = resolver.match(acronym)
        assert found and all(m.candidate for m in found), acronym  # to confirm, never a verdict
        assert any(m.list == "l" and m.entry == listed for m in found), acronym
        assert found[0].method == "acronym" and found[0].ror_id == ror_id
    ucla = resolver.match("UCLA")
    assert [m.ror_id for m in ucla] == [UCLA] and ucla[0].candidate
    assert resolver.resolve("UCLA") is None  # no confident answer
    assert resolver.match("XYZQ") == []


def test_a_short_name_without_its_class_words_is_a_candidate() -> None:
    resolver = _acronyms_and_short_names()
    for country in (None, "CN"):
        found = resolver.match("Beihang", country)
        assert found and all(m.candidate for m in found)
        assert {(m.list, m.ror_id) for m in found} == {("l", BEIHANG), ("ror", BEIHANG)}
        assert found[0].method == "short name"
    assert resolver.match("Beihang", "US") == []  # not in the country given
    assert resolver.match("Normal") == []  # what is left must be the whole distinctive name


SICHUAN, WEST_CHINA = "011ashp19", "007mrxy13"


def test_a_listed_university_named_after_its_hospital_is_flagged() -> None:
    """ROR's "West China Hospital of Sichuan University" (a healthcare record related to the
    university) reads "West China Hospital, Sichuan University" as one name: the listed
    university the string names outright must still be flagged."""
    resolver = Resolver(
        records=[
            _ror(SICHUAN, "Sichuan University", "CN", "Chengdu"),
            _ror(WEST_CHINA, "West China Hospital of Sichuan University", "CN", "Chengdu"),
            (
                LISTED,
                Entry(entry_id="scu", name="Sichuan University", country="CN", ror_id=SICHUAN),
            ),
        ]
    )
    for text in [
        "West China Hospital, Sichuan University",
        "Department of Laboratory Medicine, West China Hospital, Sichuan University",
        "West China Hospital, Sichuan University, Chengdu 610041, China",
    ]:
        assert _confidently_listed(resolver, text) == ["Sichuan University"], text


def test_a_units_own_name_is_still_confident() -> None:
    """A unit named after someone or somewhere ("Institut Jacques Monod", a ROR child of its
    university) is a name of its own: confident alone, as before."""
    resolver = Resolver(
        records=[
            *_namesakes_abroad(),
            _ror("05f82e368", "Université Paris Cité", "FR", "Paris"),
            _ror("02c5gc203", "Institut Jacques Monod", "FR", "Paris", parent="05f82e368"),
        ]
    )
    best = resolver.resolve("Institut Jacques Monod")
    assert best is not None and best.ror_id == "02c5gc203"
