"""A listed name written without the place it opens with (names left open by the review of
names in other scripts, item 2).

The shipped DoD 1286 row prints "Moscow's Higher School of Economics" (public domain, FY25).
Before: "Higher School of Economics" found nothing, even with `--country RU` or a Russian
address in the string ("…, Moscow, Russia"); alone it was (and stays) too generic to name it.
"""

from __future__ import annotations

import pytest

HSE = "moscows-higher-school-of-economics"


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("Higher School of Economics", "RU"),
        ("Higher School of Economics", "Russia"),
        ("Higher School of Economics, Moscow, Russia", None),
    ],
)
def test_in_the_entrys_country_it_is_a_candidate(shipped_resolver, written, country):
    found = [m for m in shipped_resolver.match(written, country) if m.list == "us_dod_1286"]
    assert [(m.entry, m.candidate) for m in found] == [(HSE, True)]
    assert "without its place" in (found[0].via or "")
    assert shipped_resolver.resolve(written, country) is None  # never the answer


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("Higher School of Economics", None),  # too generic alone
        ("Higher School of Economics", "LT"),
        ("Higher School of Economics, Vilnius, Lithuania", None),
    ],
)
def test_without_the_entrys_country_it_is_nothing(shipped_resolver, written, country):
    assert shipped_resolver.match(written, country) == []
