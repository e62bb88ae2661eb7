"""Country names as lists and affiliations print them → ISO 3166-1 alpha-2.

:func:`kvrules.model.country_code` handles codes and official names; lists also use short names
("Russia", "Iran", "P.R. China") that pycountry's lookup does not know.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from kvrules.countrynames import from_any_language, from_cldr, read_qualified
from kvrules.model import USER_ASSIGNED_COUNTRIES, country_code, plain_country_text

COMMON_NAMES: dict[str, str] = {
    "china": "CN",
    "pr china": "CN",
    "p r china": "CN",
    "prc": "CN",
    "peoples republic of china": "CN",
    "mainland china": "CN",
    "russia": "RU",
    "iran": "IR",
    "north korea": "KP",
    "dprk": "KP",
    "south korea": "KR",
    "korea": "KR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "uk": "GB",
    "u k": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "brunei": "BN",
    "micronesia": "FM",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "republic of korea": "KR",
    "burma": "MM",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao sar": "MO",
    "macau sar": "MO",
    # as Dutch grant offices and their spreadsheets write them (reviewer, 2026-12-07): the
    # Dutch government's own names (rijksoverheid.nl: "Russische Federatie", "VR China"), and
    # the Dutch for Great Britain; CLDR and iso-codes have "Rusland", "Volksrepubliek China"
    "russische federatie": "RU",
    "vr china": "CN",
    "volksrepubliek china": "CN",
    "groot brittannie": "GB",
    "verenigd koninkrijk": "GB",
    # the World Bank's short forms, as its data downloads print them ("Iran, Islamic Rep.")
    "iran islamic rep": "IR",
    "korea rep": "KR",
    "korea dem people s rep": "KP",
    "egypt arab rep": "EG",
    "venezuela rb": "VE",
}
_NON_LETTERS = re.compile(r"[^a-z]+")


def _fold(text: str) -> str:
    from kvrules.refdata.normalise import ascii_fold

    return _NON_LETTERS.sub(" ", ascii_fold(text)).strip()


@lru_cache(maxsize=4096)
def to_country(value: str) -> str:
    """ISO alpha-2 for a code or a country name; raise ValueError. A country written in a
    cell of its own is also read in any language iso-codes translates, in the orders lists
    print it ("Iran (Islamitische Republiek)" as "Islamitische Republiek Iran")."""
    code = as_country(value) or from_any_language(value)
    if code:
        return code
    return country_code(value)  # raises, saying what is wrong


@lru_cache(maxsize=4096)
def as_country(text: str) -> str | None:
    """ISO alpha-2 if ``text`` is a country name or code, else None (no exception)."""
    plain = plain_country_text(text)  # "People\u2019s": a curly apostrophe, as pages print it
    if code := _one_country(plain):
        return code
    # "X (Y)" read as lists print it (``countrynames.read_qualified``, the one parser); not
    # "X, Y": an affiliation's "Berkeley, CA" is no country written backwards
    return read_qualified(plain, _one_country) if "(" in plain else None


@lru_cache(maxsize=1)
def _iso_names() -> frozenset[str]:
    """Every name and code pycountry's lookup knows, lower-cased (its lookup is an exact,
    case-insensitive comparison, but a linear scan: most affiliation segments are no country,
    and this set says so at once)."""
    fields = ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name")
    names = {
        value.lower()
        for country in pycountry.countries
        for field in fields
        if isinstance(value := getattr(country, field, None), str)
    }
    for alpha_2, (alpha_3, name) in USER_ASSIGNED_COUNTRIES.items():
        names |= {alpha_2.lower(), alpha_3.lower(), name.lower()}
    return frozenset(names)


# Countries whose addresses end with a state or province code ("Berkeley, CA 94720", "Toronto,
# ON", "Sydney, NSW"): codes that are no organisation's acronym there.
_STATE_CODE_COUNTRIES = ("US", "CA", "AU")


@lru_cache(maxsize=4096)
def is_region_code(text: str) -> bool:
    """A country code or a US/Canadian/Australian state code ("CA", "IL", "NSW"), as addresses
    write them after a city."""
    code = text.strip()
    if not (2 <= len(code) <= 3 and code.isalpha() and code.isupper()):
        return False
    if len(code) == 2 and as_country(code):
        return True
    return any(pycountry.subdivisions.get(code=f"{c}-{code}") for c in _STATE_CODE_COUNTRIES)


def _one_country(text: str) -> str | None:
    folded = _fold(text)
    if folded in COMMON_NAMES:
        return COMMON_NAMES[folded]
    if len(folded.replace(" ", "")) < 4 and len(folded) not in (2, 3):
        return None
    if text.strip().lower() not in _iso_names():
        return from_cldr(text)  # "中国", "Россия", "Chine", "Volksrepublik China"
    try:
        return country_code(text)
    except (ValueError, LookupError):
        return None


# the per-name caches of country readings: affiliations.clear_caches() forgets them
NAME_CACHES = (to_country, as_country, is_region_code, country_code)
