"""Shapes of real affiliation strings the Crossref train split showed kvrules missing (issue #16
item 1): each test names the shape, on hand-made records."""

from __future__ import annotations

from kvrules.refdata import Entry, ListInfo, Resolver

ROR = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
LISTED = ListInfo(list_id="l", edition="FY25", title="l", kind="designation")


def _registry(*names: tuple[str, str, str]) -> list[tuple[ListInfo, Entry]]:
    return [
        (ROR, Entry(entry_id=rid, ror_id=rid, name=name, country=cc)) for rid, name, cc in names
    ]


def test_a_name_with_its_words_in_another_order_resolves() -> None:
    recs = _registry(("010pmpe69", "Lomonosov Moscow State University", "RU"))
    recs.append(
        (LISTED, Entry(entry_id="msu", name="Lomonosov Moscow State University", country="RU"))
    )
    found = Resolver(records=recs).match_affiliation(
        'FSEI of HPE "Moscow State Lomonosov University"'
    )
    top = found[0].matches[0]
    assert (top.list, top.method, top.candidate) == ("l", "word order", False)
    assert top.explanation.startswith('"Moscow State Lomonosov University" → ')


def test_words_in_another_order_decide_nothing_when_two_organisations_carry_them() -> None:
    recs = _registry(
        ("0aaaaaa00", "Vienna Medical University", "AT"),
        ("0bbbbbb00", "University Medical Vienna", "AT"),
    )
    found = Resolver(records=recs).match("Medical University Vienna")
    assert found and all(m.method != "word order" for m in found)  # a fuzzy candidate at most
    assert all(m.candidate for m in found)


def test_a_unit_in_another_order_is_not_an_organisation() -> None:
    recs = _registry(("0ccccc000", "Stem Cell Biology Institute", "US"))
    found = Resolver(records=recs).match("Institute of Stem Cell Biology")
    assert all(m.method != "word order" and m.candidate for m in found)


def _with_city(rid: str, name: str, cc: str, city: str, acronyms: tuple[str, ...] = ()) -> Entry:
    return Entry(
        entry_id=rid,
        ror_id=rid,
        name=name,
        country=cc,
        acronyms=list(acronyms),
        attributes={"city": city},
    )


def test_the_city_a_string_names_decides_between_organisations_of_one_name() -> None:
    recs = [
        (ROR, _with_city("01kj2bm70", "Newcastle University", "GB", "Newcastle upon Tyne")),
        (ROR, _with_city("00eae9z71", "University of Newcastle Australia", "AU", "Newcastle")),
        (ROR, Entry(entry_id="x", name="Newcastle University", country="AU", ror_id="00eae9z71")),
    ]
    resolver = Resolver(records=recs)
    best = resolver.resolve("School of Computing, Newcastle University, Newcastle upon Tyne, UK")
    assert best is not None and best.ror_id == "01kj2bm70"
    assert "its city is named in the string" in best.explanation
    # no city, no decision
    assert resolver.resolve("School of Computing, Newcastle University") is None


def test_an_acronym_is_an_organisation_only_when_nothing_else_is_named() -> None:
    recs = [
        (ROR, _with_city("02vjkv261", "Inserm", "FR", "Paris", ("INSERM",))),
        (ROR, _with_city("05f82e368", "Université Paris Cité", "FR", "Paris", ("UPC",))),
    ]
    resolver = Resolver(records=recs)
    # the city the string names confirms the one organisation known by the acronym
    confirmed = resolver.resolve("Imagine Institute, INSERM U1163, Paris, France")
    assert confirmed is not None and confirmed.ror_id == "02vjkv261"
    assert (confirmed.method, confirmed.name_type) == ("acronym", "acronym")
    # unconfirmed, a candidate for a person
    (org,) = resolver.match_affiliation("INSERM, U900")
    assert org.matches[0].ror_id == "02vjkv261" and org.matches[0].candidate
    # beside a named organisation, the acronym is not a second organisation
    best = resolver.resolve("Université Paris Cité, INSERM, Paris")
    assert best is not None and best.ror_id == "05f82e368"


def test_a_school_named_after_its_university_resolves_to_the_university() -> None:
    recs = _registry(("03v76x132", "Yale University", "US"), ("0ddddd000", "London", "GB"))
    resolver = Resolver(records=recs)
    best = resolver.resolve("Department of Immunobiology, Yale School of Medicine")
    assert best is not None and best.ror_id == "03v76x132"
    assert best.part == "Yale School of Medicine"
    assert resolver.resolve("Graduate School of Medicine") is None


def test_acronym_university_names_the_one_university_known_by_the_acronym() -> None:
    hse = _with_city(
        "055f7t516",
        "National Research University Higher School of Economics",
        "RU",
        "Moscow",
        ("HSE",),
    )
    hse.attributes["types"] = ["education", "funder"]
    executive = _with_city("01ywrvj14", "Health and Safety Executive", "GB", "Bootle", ("HSE",))
    mcgill = _with_city("01pxwe438", "McGill University", "CA", "Montreal")
    mcgill.attributes["types"] = ["education"]
    resolver = Resolver(records=[(ROR, hse), (ROR, executive), (ROR, mcgill)])
    best = resolver.resolve("HSE University")
    assert best is not None and best.ror_id == "055f7t516" and best.method == "acronym"
    # a name that looks like an acronym is still looked up as a name first
    best = resolver.resolve("Montreal Neurological Institute, McGill University")
    assert best is not None and best.ror_id == "01pxwe438" and best.method != "acronym"


def test_an_organisation_named_after_another_in_the_string_is_its_unit() -> None:
    recs = _registry(
        ("00f54p054", "Stanford University", "US"),
        ("0eeeeee00", "Stanford Diabetes Research Center", "US"),
    )
    recs.append((LISTED, Entry(entry_id="sdrc", name="Stanford Diabetes Research Center")))
    resolver = Resolver(records=recs[:2])
    best = resolver.resolve(
        "Stanford Diabetes Research Center, Stanford University School of Medicine"
    )
    assert best is not None and best.ror_id == "00f54p054"
    # an organisation a list names is screened in its own right, never dropped
    listed = Resolver(records=recs).match_affiliation(
        "Stanford Diabetes Research Center, Stanford University School of Medicine"
    )
    assert any(m.list == "l" for org in listed for m in org.matches)


def test_an_organisation_named_twice_is_one() -> None:
    sfit = "Swiss Federal Institute of Technology"
    recs = [
        (ROR, Entry(entry_id="e", ror_id="05a28rw58", name="ETH Zurich", aliases=[sfit])),
        (ROR, Entry(entry_id="l", ror_id="02s376052", name="EPFL Lausanne", aliases=[sfit])),
    ]
    resolver = Resolver(records=recs)
    # the ambiguous name's candidates include the organisation the string names
    best = resolver.resolve(f"Department of Biosystems Science, ETH Zurich, {sfit}")
    assert best is not None and best.ror_id == "05a28rw58"
    # the same organisation in two segments
    best = resolver.resolve("Laboratory of Experimental Psychology, ETH Zurich (ETH Zurich)")
    assert best is not None and best.ror_id == "05a28rw58"


def test_an_entry_reached_through_its_ror_record_names_the_record_name_that_matched() -> None:
    rid = "00gg5zj35"
    recs = [
        (ROR, Entry(entry_id=rid, ror_id=rid, name="PLA Rocket Force University of Engineering")),
        (LISTED, Entry(entry_id="rfeu", name="Rocket Force Engineering University", ror_id=rid)),
    ]
    found = Resolver(records=recs).match("PLA Rocket Force University of Engineering")
    listed = next(m for m in found if m.list == "l")
    assert listed.explanation == (
        '"PLA Rocket Force University of Engineering" → Rocket Force Engineering University '
        "(l; primary 'PLA Rocket Force University of Engineering' of ror:00gg5zj35), exact, 0.95, "
        "ror:00gg5zj35"
    )
    assert (listed.matched, listed.name_type, listed.linked) == (
        "PLA Rocket Force University of Engineering",
        "primary",
        "ror:00gg5zj35",
    )


def test_a_name_whose_initials_are_an_organisations_acronym_names_it() -> None:
    hutch = Entry(
        entry_id="007ps6h72",
        ror_id="007ps6h72",
        name="Fred Hutch Cancer Center",
        acronyms=["FHCRC"],
        country="US",
    )
    listed = Entry(entry_id="fh", name="Fred Hutch Cancer Center", ror_id="007ps6h72")
    resolver = Resolver(records=[(ROR, hutch), (LISTED, listed)])
    text = "Human Biology Division, Fred Hutchinson Cancer Research Center"
    best = resolver.resolve(text)
    assert best is not None and best.ror_id == "007ps6h72" and best.method == "initials"
    # enough for the registry's id, never for a list's verdict
    on_list = next(
        m for org in resolver.match_affiliation(text) for m in org.matches if m.list == "l"
    )
    assert on_list.candidate
    # initials alone, with fewer than two words in common, name nothing
    assert resolver.match_affiliation("Free Hospital Clinic Research Council") == []


def test_the_kind_of_name_is_said_when_the_method_does_not_say_it() -> None:
    recs = _registry(("01yqg2h08", "Harbin Institute of Technology", "CN"))
    resolver = Resolver(records=recs)
    (org,) = resolver.match_affiliation("School of Astronautics, Harbin Inst. of Tech.")
    assert org.matches[0].explanation == (
        '"Harbin Inst. of Tech." → Harbin Institute of Technology (ror; its primary name), '
        "abbreviation, 0.90"
    )
    exact = resolver.match("Harbin Institute of Technology", "CN")[0]
    assert exact.explanation.endswith("(ror; its primary name), exact, 1.00")
