"""Country names as lists and affiliations print them → ISO 3166-1 alpha-2.

:func:`kvrules.model.country_code` handles codes and official names; lists also use short names
("Russia", "Iran", "P.R. China") that pycountry's lookup does not know.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kvrules.model import country_code

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
}


def _fold(text: str) -> str:
    from kvrules.refdata.normalise import ascii_fold

    return re.sub(r"[^a-z]+", " ", ascii_fold(text)).strip()


@lru_cache(maxsize=4096)
def to_country(value: str) -> str:
    """ISO alpha-2 for a code or a country name; raise ValueError."""
    folded = _fold(value)
    if folded in COMMON_NAMES:
        return COMMON_NAMES[folded]
    return country_code(value)


@lru_cache(maxsize=4096)
def as_country(text: str) -> str | None:
    """ISO alpha-2 if ``text`` is a country name or code, else None (no exception)."""
    folded = _fold(text)
    if folded in COMMON_NAMES:
        return COMMON_NAMES[folded]
    if len(folded.replace(" ", "")) < 4 and len(folded) not in (2, 3):
        return None
    try:
        return country_code(text)
    except (ValueError, LookupError):
        return None
