"""A listed name written with its namesake's initials is the listed organisation itself
(reviewer's defect 8, names in non-Latin scripts).

Before: `kvrules match "N.E. Bauman Moscow State Technical University" --country RU` gave
`0.900 subunit`: the initials made the whole name unknown, and the rest was read as an
organisation named at the end of a unit's name. The shipped 1286 FY25 list (public domain)
prints "Bauman Moscow State Technical University".
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver

BAUMAN = "Bauman Moscow State Technical University"


@pytest.mark.parametrize("initials", ["N.E.", "N. E."])
def test_the_initials_leave_the_listed_name(shipped_resolver, initials):
    top = shipped_resolver.match(f"{initials} {BAUMAN}", "RU")[0]
    assert (top.name, top.method, top.score, top.candidate) == (
        BAUMAN,
        "namesake initials",
        1.0,
        False,
    )
    assert f'read without "{initials}"' in top.via  # says what was left out, and why
    assert top.part == f"{initials} {BAUMAN}"  # the explanation quotes what was written
    assert shipped_resolver.match(f"N.E. {BAUMAN}")[0].score == 0.95  # no country: as without


def test_initials_before_no_listed_name_find_nothing(shipped_resolver):
    assert shipped_resolver.match("N.E. Smirnov Moscow State Technical Academy", "RU") == []


# Code review 2 of 0.4.0 (/tmp/rev-revcode2/initials.py): "U.S." was read as a namesake's
# initials, so "U.S. Naval University of Engineering" was an exact 0.95 match for the DoD 1286
# list's Chinese "Naval University of Engineering". The entry is made up, named as that row.
NAVAL = Entry(entry_id="w1", name="Naval University of Engineering", country="CN")
DOD = ListInfo(list_id="dod", edition="1", title="DoD", kind="designation")


@pytest.mark.parametrize(
    "written",
    [
        "U.S. Naval University of Engineering",
        "U. S. Naval University of Engineering",
        "U.K. Naval University of Engineering",
    ],
)
def test_a_states_abbreviation_is_not_a_namesakes_initials(written: str) -> None:
    resolver = Resolver(records=[(DOD, NAVAL)])
    found = resolver.match(written)
    # at most a candidate in another country than the string names, never a confident hit
    assert [(m.method, m.score) for m in found if not m.candidate] == []
    assert all(m.method != "namesake initials" and m.score < 0.9 for m in found)


def test_p_r_is_not_a_namesakes_initials_either() -> None:
    found = Resolver(records=[(DOD, NAVAL)]).match("P.R. Naval University of Engineering")
    assert all(m.method != "namesake initials" and m.candidate for m in found)


# Names left open by the review of names in other scripts (item 4): "P.R. Naval University of
# Engineering" was a confident 0.90 "subunit" of the listed name, "P.R." read as the acronym
# of an organisation the name was a unit of ("CNRS Université de Bordeaux").
@pytest.mark.parametrize(
    "written",
    [
        "P.R. Naval University of Engineering",
        "P.R. Naval University of Engineering, Wuhan",
        "Dept. of Naval Architecture, P.R. Naval University of Engineering",
    ],
)
def test_a_states_abbreviation_naming_no_country_makes_a_candidate(written: str) -> None:
    resolver = Resolver(records=[(DOD, NAVAL)])
    found = resolver.match(written)
    assert [(m.entry, m.method, m.candidate) for m in found] == [("w1", "exact", True)]
    assert 'read without "P.R.", a state\'s abbreviation' in (found[0].via or "")
    assert resolver.resolve(written) is None  # no organisation for certain


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("P.R. Naval University of Engineering", "CN"),
        ("P.R. Naval University of Engineering, Wuhan, China", None),
    ],
)
def test_with_its_country_it_is_the_listed_name(written: str, country: str | None) -> None:
    resolver = Resolver(records=[(DOD, NAVAL)])
    top = resolver.match(written, country)[0]
    assert (top.entry, top.method, top.candidate) == ("w1", "exact", False)


def test_a_persons_initials_before_a_listed_name_are_still_read() -> None:
    resolver = Resolver(records=[(DOD, NAVAL)])
    (top,) = resolver.match("A.B. Naval University of Engineering", "CN")
    assert (top.entry, top.method, top.candidate) == ("w1", "namesake initials", False)
