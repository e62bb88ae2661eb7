"""Shapes of real affiliation strings that went wrong once the registry held 50,000 ROR records
instead of 13,000 (issue #16 item 2, bench/affiliations/registry.py): units and hospitals are
ROR records of their own there. Hand-made records modelled on the real ones."""

from __future__ import annotations

from kvrules.refdata import Entry, ListInfo, Resolver

ROR = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
LISTED = ListInfo(list_id="l", edition="FY25", title="l", kind="designation")


def _org(rid: str, name: str, cc: str, city: str, *types: str, **more: object) -> Entry:
    return Entry(
        entry_id=rid,
        ror_id=rid,
        name=name,
        country=cc,
        attributes={"city": city, "types": list(types) or ["education"]},
        **more,  # type: ignore[arg-type]
    )


def test_a_unit_name_an_organisation_abroad_carries_does_not_hide_the_university() -> None:
    # "Institute of Virology" is an alias of the Slovak Academy's institute in ROR
    recs = [
        (ROR, _org("01rdrb571", "Philipps University of Marburg", "DE", "Marburg")),
        (
            ROR,
            _org(
                "04xrjem68",
                "Institute of Virology of the Slovak Academy of Sciences",
                "SK",
                "Bratislava",
                "facility",
                aliases=["Institute of Virology"],
            ),
        ),
    ]
    resolver = Resolver(records=recs)
    text = "Institute of Virology, Philipps University of Marburg"
    best = resolver.resolve(text)
    assert best is not None and best.ror_id == "01rdrb571"
    # the namesake is still shown, as a candidate saying why
    namesake = [org.matches[0] for org in resolver.match_affiliation(text)][1]
    assert namesake.ror_id == "04xrjem68" and namesake.candidate
    assert "another country than Philipps University of Marburg (DE)" in namesake.explanation


def test_a_unit_name_several_organisations_carry_does_not_hide_the_university() -> None:
    recs = [
        (ROR, _org("0245cg223", "University of Freiburg", "DE", "Freiburg")),
        (ROR, _org("01rd8n845", "Institute of Biochemistry", "DE", "Berlin", "facility")),
        (ROR, _org("02aaaaa11", "Institute of Biochemistry", "RU", "Moscow", "facility")),
    ]
    resolver = Resolver(records=recs)
    best = resolver.resolve("Institute of Biochemistry, University of Freiburg")
    assert best is not None and best.ror_id == "0245cg223"
    # two organisations named for certain are still two
    assert resolver.resolve("Institute of Biochemistry, University of Freiburg, Germany") is None


def test_a_university_system_named_beside_a_unit_still_makes_two() -> None:
    recs = [
        (
            ROR,
            _org(
                "00pjdjn27",
                "University of California System",
                "US",
                "Oakland",
                aliases=["University of California"],
            ),
        ),
        (ROR, _org("032qqvq76", "Cardiovascular Research Institute", "US", "San Francisco", "x")),
    ]
    resolver = Resolver(records=recs)
    # the system is a candidate because the author may mean a campus: no single answer
    assert resolver.resolve("Cardiovascular Research Institute, University of California") is None


def test_a_university_is_not_taken_for_a_unit_of_the_hospital_named_after_its_city() -> None:
    recs = [
        (ROR, _org("035rzkx15", "Jena University Hospital", "DE", "Jena", "healthcare")),
        (ROR, _org("05qpz1x62", "Friedrich Schiller University Jena", "DE", "Jena")),
    ]
    text = "Department of Anesthesiology, Jena University Hospital, Friedrich Schiller University"
    found = Resolver(records=recs).match_affiliation(text)
    assert {org.matches[0].ror_id for org in found} == {"035rzkx15", "05qpz1x62"}


def test_a_hospital_named_with_its_listed_university_names_the_university_too() -> None:
    recs = [
        (
            ROR,
            _org("007mrxy13", "West China Hospital of Sichuan University", "CN", "Chengdu", "x"),
        ),
        (ROR, _org("011ashp19", "Sichuan University", "CN", "Chengdu")),
        (LISTED, Entry(entry_id="scu", name="Sichuan University", country="CN")),
    ]
    text = "Department of Laboratory Medicine, West China Hospital, Sichuan University"
    resolver = Resolver(records=recs)
    found = resolver.match_affiliation(text)
    # the hospital is named after the university: the university is the organisation
    assert [org.matches[0].ror_id for org in found] == ["011ashp19"]
    listed = [m for org in found for m in org.matches if m.list == "l"]
    assert listed and not listed[0].candidate and listed[0].part == "Sichuan University"


def test_a_campus_named_with_its_system_is_the_campus() -> None:
    recs = [
        (ROR, _org("01y64my43", "University at Buffalo, State University of New York", "US", "B")),
        (ROR, _org("01q1z8k08", "State University of New York", "US", "Albany")),
    ]
    recs[0][1].parent_ror_id = "01q1z8k08"
    best = Resolver(records=recs).resolve(
        "Department of Oral Biology, University at Buffalo, State University of New York"
    )
    assert best is not None and best.ror_id == "01y64my43"


def test_a_listed_organisation_reached_through_its_ror_record_is_listed() -> None:
    # the list prints the long official name; ROR's record carries the short one, and the
    # crosswalk links them (same name, same country): the short name names the listed entry
    recs = [
        (ROR, _org("00hs7dr46", "Ural Federal University", "RU", "Yekaterinburg")),
        (
            LISTED,
            Entry(
                entry_id="urfu",
                name="Ural Federal University named after B.N. Yeltsin, the First President of "
                "Russia",
                country="RU",
            ),
        ),
    ]
    found = Resolver(records=recs).match_affiliation(
        "Ural Federal University named after the first President of Russia B.N. Eltsin"
    )
    listed = [m for org in found for m in org.matches if m.list == "l"]
    assert listed and not listed[0].candidate and listed[0].ror_id == "00hs7dr46"
    assert listed[0].linked == "ror:00hs7dr46"  # says whose name matched


def test_a_generic_alias_is_no_second_organisation() -> None:
    # ROR lists "Medical School" among the aliases of MSH Medical School Hamburg
    recs = [
        (ROR, _org("03s7gtk40", "Leipzig University", "DE", "Leipzig")),
        (
            ROR,
            _org(
                "006thab72",
                "MSH Medical School Hamburg",
                "DE",
                "Hamburg",
                aliases=["Medical School"],
            ),
        ),
        (ROR, _org("01cwqze88", "National Institutes of Health", "US", "Bethesda", "x")),
    ]
    resolver = Resolver(records=recs)
    best = resolver.resolve("Institute for Drug Discovery, Medical School, Leipzig University")
    assert best is not None and best.ror_id == "03s7gtk40"
    alone = resolver.match("Medical School")
    assert alone and all(m.candidate for m in alone)
    assert "a name any organisation's unit may have" in alone[0].explanation
    # a record's own name of such words is its name
    nih = resolver.resolve("Center for Human Immunology, National Institutes of Health")
    assert nih is not None and nih.ror_id == "01cwqze88"


def test_an_organisation_named_with_its_unit_is_read_as_the_organisation_but_no_single_id() -> None:
    # publishers assert the unit about as often as the organisation for these strings
    recs = [
        (ROR, _org("052gg0110", "University of Oxford", "GB", "Oxford")),
        (ROR, _org("00x6h5n95", "Jenner Institute", "GB", "Oxford", "facility")),
    ]
    recs[1][1].parent_ror_id = "052gg0110"
    resolver = Resolver(records=recs)
    found = resolver.match_affiliation("The Jenner Institute, University of Oxford")
    assert [org.matches[0].ror_id for org in found] == ["052gg0110"]
    assert found[0].with_unit
    assert resolver.resolve("The Jenner Institute, University of Oxford") is None
    assert resolver.resolve("Department of Physics, University of Oxford") is not None


def test_a_name_shared_with_a_closed_organisation_names_the_one_that_exists() -> None:
    recs = [
        (ROR, _org("0420zvk78", "Concordia University", "CA", "Montreal")),
        (ROR, _org("04dwckp88", "Concordia University", "US", "Portland")),
        (ROR, _org("05aaaaa77", "Trinity College", "IE", "Dublin")),
        (ROR, _org("06bbbbb88", "Trinity College", "US", "Hartford")),
    ]
    recs[1][1].attributes["status"] = "inactive"  # closed in 2020
    resolver = Resolver(records=recs)
    best = resolver.resolve("Department of Psychology, Concordia University")
    assert best is not None and best.ror_id == "0420zvk78"
    # two that exist are still ambiguous without a country or a city
    assert resolver.resolve("Department of Physics, Trinity College") is None


def test_a_units_name_written_with_its_parent_is_read_as_the_parent_with_its_unit() -> None:
    # ROR carries "Klarman Cell Observatory, Broad Institute" as the observatory's alias: the
    # whole string is the unit's name, and its last segment names the unit's parent on its own
    recs = [
        (ROR, _org("05a0ya142", "Broad Institute", "US", "Cambridge", "nonprofit")),
        (
            ROR,
            _org(
                "02p827605",
                "Klarman Cell Observatory",
                "US",
                "Cambridge",
                "facility",
                aliases=["Klarman Cell Observatory, Broad Institute"],
            ),
        ),
    ]
    recs[1][1].parent_ror_id = "05a0ya142"
    resolver = Resolver(records=recs)
    found = resolver.match_affiliation("Klarman Cell Observatory, Broad Institute")
    assert [org.matches[0].ror_id for org in found] == ["05a0ya142"]
    assert found[0].with_unit
    assert resolver.resolve("Klarman Cell Observatory, Broad Institute") is None
    # the unit's name alone is still the unit
    alone = resolver.resolve("Klarman Cell Observatory")
    assert alone is not None and alone.ror_id == "02p827605"


def test_a_college_named_with_its_university_stays_the_college() -> None:
    recs = [
        (ROR, _org("04cw6st05", "University of London", "GB", "London")),
        (ROR, _org("02mb95055", "Birkbeck, University of London", "GB", "London")),
    ]
    recs[1][1].parent_ror_id = "04cw6st05"
    best = Resolver(records=recs).resolve("Birkbeck, University of London")
    assert best is not None and best.ror_id == "02mb95055"


def test_a_units_own_name_written_with_its_parent_is_the_unit() -> None:
    # the record's own name, not an alias: the string names exactly that organisation
    recs = [
        (ROR, _org("034t30j35", "Chinese Academy of Sciences", "CN", "Beijing", "government")),
        (
            ROR,
            _org(
                "022c3hy66",
                "Institute of Automation, Chinese Academy of Sciences",
                "CN",
                "Beijing",
                "facility",
            ),
        ),
    ]
    recs[1][1].parent_ror_id = "034t30j35"
    best = Resolver(records=recs).resolve("Institute of Automation, Chinese Academy of Sciences")
    assert best is not None and best.ror_id == "022c3hy66"
