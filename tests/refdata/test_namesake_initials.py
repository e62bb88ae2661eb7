"""A listed name written with its namesake's initials is the listed organisation itself
(reviewer's defect 8, names in non-Latin scripts).

Before: `kvrules match "N.E. Bauman Moscow State Technical University" --country RU` gave
`0.900 subunit`: the initials made the whole name unknown, and the rest was read as an
organisation named at the end of a unit's name. The shipped 1286 FY25 list (public domain)
prints "Bauman Moscow State Technical University".
"""

from __future__ import annotations

import pytest

BAUMAN = "Bauman Moscow State Technical University"


@pytest.mark.parametrize("initials", ["N.E.", "N. E."])
def test_the_initials_leave_the_listed_name(shipped_resolver, initials):
    top = shipped_resolver.match(f"{initials} {BAUMAN}", "RU")[0]
    assert (top.name, top.method, top.score, top.candidate) == (BAUMAN, "exact", 1.0, False)
    assert top.part == f"{initials} {BAUMAN}"  # the explanation quotes what was written
    assert shipped_resolver.match(f"N.E. {BAUMAN}")[0].score == 0.95  # no country: as without


def test_initials_before_no_listed_name_find_nothing(shipped_resolver):
    assert shipped_resolver.match("N.E. Smirnov Moscow State Technical Academy", "RU") == []
