"""A US state (or another country's subdivision) written with its country reads as that
country (names left open by the review of names in other scripts, item 6).

Before: "Georgia (US)" in a country column or field read as GE, the country Georgia, and
"Georgia, USA" was refused ("not an ISO 3166-1 country"). The subdivisions are ISO 3166-2's,
as pycountry carries them: no hand list of states.
"""

from __future__ import annotations

import pytest

from kvrules.model import country_code
from kvrules.refdata.countries import as_country, to_country


@pytest.mark.parametrize(
    "written",
    ["Georgia (US)", "Georgia (USA)", "Georgia (U.S.)", "Georgia (United States)", "GA (US)"],
)
def test_a_state_in_brackets_is_its_country(written: str) -> None:
    assert to_country(written) == "US"
    assert as_country(written) == "US"  # an affiliation's segment, read the same way
    if "." not in written:  # a record's partner country field ("U.S." is read above only)
        assert country_code(written) == "US"


@pytest.mark.parametrize("written", ["Georgia, US", "Georgia, USA", "Georgia, United States"])
def test_a_state_after_a_comma_is_its_country(written: str) -> None:
    assert to_country(written) == "US"
    assert country_code(written) == "US"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Georgia", "GE"),  # alone, the country
        ("Puerto Rico (USA)", "PR"),  # a territory with its own ISO 3166-1 code keeps it
        ("PR (US)", "PR"),
        ("Hong Kong (China)", "HK"),
        ("Aruba (Netherlands)", "AW"),
        ("Texas (US)", "US"),
    ],
)
def test_territories_and_countries_keep_their_codes(written: str, code: str) -> None:
    assert to_country(written) == code


def test_a_city_after_a_comma_is_still_no_country() -> None:
    with pytest.raises(ValueError):
        to_country("Berkeley, CA")  # a city, not a subdivision of Canada


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # code review: ISO 3166-2 lists these under codes not ending in their own (FR-971,
        # NL-BQ1) or names them otherwise (NL-SX "Sint Maarten"): they read as FR / NL
        ("Guadeloupe (France)", "GP"),
        ("Martinique (France)", "MQ"),
        ("Mayotte (France)", "YT"),
        ("Sint Maarten (Netherlands)", "SX"),
        ("Bonaire (Netherlands)", "BQ"),
        ("Aruba (Netherlands)", "AW"),
        # and the comma form reads a territory as the bracketed form does
        ("Puerto Rico, USA", "PR"),
        ("Guam, USA", "GU"),
        ("Guadeloupe, France", "GP"),
        # an ordinary part of a country stays that country's
        ("Texas, USA", "US"),
        ("Limburg (Netherlands)", "NL"),
    ],
)
def test_an_overseas_territory_keeps_its_own_code(written: str, code: str) -> None:
    assert to_country(written) == code
    if "(" in written:  # an affiliation's segment ("Berkeley, CA" is no country written back)
        assert as_country(written) == code
    # a record's country field too (code review: it read Sint Maarten and Bonaire as NL)
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Hong Kong, China", "Guernsey, UK"])
def test_a_territory_after_a_comma_that_iso_does_not_list_under_it_is_refused(
    written: str,
) -> None:
    """ISO 3166-2 lists no Hong Kong under CN: "X, Y" is read as a place in Y only for a part
    of Y it lists (an inverted name otherwise: "China, Hong Kong" must not read as CN); the
    bracketed form reads it ("Hong Kong (China)" → HK). Refused in one line, never a wrong
    country."""
    with pytest.raises(ValueError, match="not an ISO 3166-1 country"):
        to_country(written)
