"""Countries as a rulebook writes them: ISO 3166-1 alpha-2 codes in capitals, because that is
how every country field holds them. A name ("China", "Netherlands", "Chine", "中国") or a code
in lower case never equals a field's value: the rule or rulebook would silently never apply,
so it is refused with the code meant."""

from __future__ import annotations

import unicodedata

__all__ = ["country_problem", "jurisdiction_problem", "meant_country"]

# codes people write that ISO 3166-1 spells otherwise
_OTHER_CODES = {"UK": "GB", "EL": "GR"}


def meant_country(text: str) -> str | None:
    """The ISO alpha-2 code ``text`` most likely means (a name in any language CLDR knows, an
    alpha-3 code, a code in lower case), or None."""
    from kvrules.model import country_code

    folded = unicodedata.normalize("NFKC", text).strip()
    if folded.upper() in _OTHER_CODES:
        return _OTHER_CODES[folded.upper()]
    try:
        return country_code(folded)
    except ValueError:
        return None


def country_problem(value: str, held_by: str = "") -> str | None:
    """Why ``value`` is not a country as country fields hold it, with the code meant;
    ``held_by``: the variable that holds it, if a variable does."""
    from kvrules.model import is_country_code

    if value.isupper() and is_country_code(value):
        return None
    meant = meant_country(value)
    hint = (
        f" (did you mean {meant}?)" if meant else ": write the two-letter code in capitals, e.g. CN"
    )
    what = f"{held_by} holds '{value}', which" if held_by else f"'{value}'"
    return (
        f"{what} is not an ISO 3166-1 country code{hint}; country fields hold two-letter "
        "codes in capitals, so the rule would never apply"
    )


def jurisdiction_problem(value: str) -> str | None:
    """Why a rulebook's ``jurisdiction`` would cover no institution: EU or a country code."""
    # covers() compares in capitals: "nl" applies as NL does
    if value.strip().upper() == "EU" or country_problem(value.strip().upper()) is None:
        return None
    if value.strip().casefold() in ("eu", "european union", "europe", "europa"):
        meant: str | None = "EU"
    else:
        meant = meant_country(value)
    hint = f" (did you mean {meant}?)" if meant else ""
    return (
        f"jurisdiction '{value}' is neither EU nor an ISO 3166-1 country code"
        f"{hint}: the rulebook would apply to no institution's home_country"
    )
