"""A territory named with its sovereign keeps its own code; ISO's English names read in either
order (reviewer): "Hong Kong (China)" read as CN, "Puerto Rico (USA)" as US, "Greenland
(Denmark)" as DK; ``from_any_language("Korea, Republic of")`` and "Republic of Korea" said
None. One parser of rearranged names now (``countrynames.read_qualified``)."""

from __future__ import annotations

import pytest

from kvrules.countrynames import from_any_language
from kvrules.refdata.countries import as_country, to_country

TERRITORIES = {
    "Hong Kong (China)": "HK",
    "Macao (China)": "MO",
    "Puerto Rico (USA)": "PR",
    "Greenland (Denmark)": "GL",
}
# as before: a qualifier that is a country, with a place that has no code of its own; a
# qualifier that is no country never lets the name alone be read ("Korea" is South Korea)
KEPT = {
    "Guangdong (China)": "CN",
    "China (PRC)": "CN",
    "Korea (North)": "KP",
    "Iran (Islamic Republic of)": "IR",
    "Virgin Islands (U.S.)": "VI",
    "Taiwan (Province of China)": "TW",
    "Iran (Islamitische Republiek)": "IR",
}


@pytest.mark.parametrize(("written", "code"), [*TERRITORIES.items(), *KEPT.items()])
def test_a_bracketed_name_is_read_as_lists_mean_it(written: str, code: str) -> None:
    assert to_country(written) == code
    assert as_country(written) in (code, None)  # a cell's reading; affiliations' may be none


@pytest.mark.parametrize("written", ["Korea, Republic of", "Republic of Korea"])
def test_iso_s_english_names_in_any_order(written: str) -> None:
    assert from_any_language(written) == "KR"


def test_an_affiliation_s_state_is_no_country_written_backwards() -> None:
    with pytest.raises(ValueError):
        to_country("Berkeley, CA")
