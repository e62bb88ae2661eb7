"""The table of country names kvrules ships, as Unicode CLDR gives them through Babel.

``kvrules/refdata/data/country_names.tsv`` is this module's output: a test compares the two, so
a Babel release with new CLDR data fails that test, with the table to ship printed. Run
``python -m tests.country_names_source > kvrules/refdata/data/country_names.tsv`` to write it.

Every locale CLDR has gives each territory's name in its language ("中国", "Россия", "ایران",
"Chine"); a name is keyed as :func:`kvrules.countrynames.name_key` reads one (NFKC, case
folded, spaces collapsed). A name two countries share in some language ("Kongo": CD and CG,
"Nigeri": NE and NG) says neither and has no code; so is a name every reader already knows
(an ISO code). Only ISO 3166-1 countries and the user-assigned codes kvrules accepts (XK).
"""

from __future__ import annotations

import pycountry
from babel import Locale
from babel.core import UnknownLocaleError, get_cldr_version
from babel.localedata import locale_identifiers

from kvrules.countrynames import name_key
from kvrules.model import USER_ASSIGNED_COUNTRIES


def names() -> dict[str, str]:
    """Each country name CLDR gives in any locale → the ISO alpha-2 code, "" for a name that
    stands for several (kept, so that no other source reads it as one of them)."""
    codes = {c.alpha_2 for c in pycountry.countries} | set(USER_ASSIGNED_COUNTRIES)
    found: dict[str, set[str]] = {}
    for identifier in sorted(locale_identifiers()):
        try:
            territories = Locale.parse(identifier).territories
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in territories.items():
            if code in codes and (key := name_key(name)) and key != code.casefold():
                found.setdefault(key, set()).add(code)
    return {key: next(iter(c)) if len(c) == 1 else "" for key, c in sorted(found.items())}


def table() -> str:
    lines = [
        f"# Country names in every language of Unicode CLDR {get_cldr_version()} (Unicode "
        "License v3), through Babel,",
        "# → ISO 3166-1 alpha-2; a name two countries share in some language has no code.",
        "# Written by tests/country_names_source.py, which a test compares with this file.",
    ]
    lines += [f"{key}\t{code}" for key, code in names().items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
