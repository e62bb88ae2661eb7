"""The home-currency table kvrules ships, as Unicode CLDR gives it through Babel.

``kvrules/enrich/data/home_currencies.yaml`` is this module's output: a test compares the two,
so a Babel release with new CLDR data (a country adopting the euro) fails that test, with the
table to ship printed. Run ``python -m tests.home_currencies_source > kvrules/enrich/data/home_currencies.yaml``
to write it.
"""

from __future__ import annotations

from datetime import date

import pycountry
from babel.core import get_cldr_version
from babel.numbers import get_territory_currencies

AS_OF = date(2026, 12, 7)


def home_currency(country: str, on: date = AS_OF) -> str | None:
    """The country's legal tender on ``on``; where CLDR lists several (Panama: PAB and USD),
    the one the country issues (its code starts with the country's), else CLDR's first."""
    tender = get_territory_currencies(country, start_date=on, tender=True)
    own = [code for code in tender if code.startswith(country)]
    return (own or tender or [None])[0]


def table() -> str:
    lines = [
        "# Each ISO 3166-1 country's currency (ISO 4217): its legal tender on "
        f"{AS_OF.isoformat()},",
        f"# from Unicode CLDR {get_cldr_version()} (Unicode License v3) through Babel; "
        "where CLDR lists",
        "# several, the one the country issues. Written by tests/home_currencies_source.py,",
        "# which a test compares with this file. Antarctica (AQ) has none.",
        "# Keys are quoted: YAML would read NO (Norway) as false.",
    ]
    for country in sorted(c.alpha_2 for c in pycountry.countries):
        code = home_currency(country)
        if code is not None:
            lines.append(f'"{country}": "{code}"')  # quoted: NO is no boolean
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
