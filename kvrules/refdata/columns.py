"""The columns of a spreadsheet of organisations, as grant offices name them.

A Dutch sheet calls the country column "Land", a French one "Pays", a German one "Land" or
"Staat"; a column not called exactly ``country`` was dropped without a word and the answer said
"no country given" (reviewer, 2026-12-07). The names below are read in English, Dutch, French
and German (the languages kvrules' pre-screen is used in); a column read under another name, and
one left unread, is said in one line.

A person's nationality is never screened (kvrules screens organisations): a column that holds
one is left out of what is read and written, and that is said.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["PERSONAL_COLUMN", "TOTAL_LONGEST", "TOTAL_NAMES", "column_key", "is_personal"]

# headers (folded: lower case, single spaces, "_" and "-" as spaces) → the field they hold
_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        *("name", "naam", "nom", "organisation", "organization", "organisatie", "organisme"),
        *("institution", "instelling", "établissement", "etablissement", "einrichtung"),
        *("organisationsname", "organisatienaam", "partner", "partnername", "partnernaam"),
        *("partner name", "partner organisation", "partner organization", "partenaire"),
        *("partnerorganisatie", "partnerorganisation", "nom du partenaire", "affiliation"),
        *("organisation name", "organization name", "naam organisatie", "naam instelling"),
        *("nom de l'organisation", "name der organisation", "name der einrichtung"),
        *("institution name", "nom de l'établissement"),
    ),
    "country": (
        *("country", "land", "pays", "staat", "country code", "countrycode", "country name"),
        *("country/region", "country or region", "landcode", "land code", "landnaam"),
        *("code pays", "code du pays", "pays/région", "länderkennung", "ländercode"),
        *("landescode", "iso country", "country (iso)", "land (iso)"),
    ),
    "ror": ("ror", "ror id", "rorid", "ror identifier"),
}
_KNOWN = {header: key for key, headers in _HEADERS.items() for header in headers}

# a column that holds a person's nationality or origin: never read, never written back
PERSONAL_COLUMN = re.compile(
    r"nationalit|staatsangeh|citizenship|burgerschap|citoyennet|ethni|etnisch|herkunft|"
    r"herkomst|country of birth|geboorteland|pays de naissance|geburtsland",
    re.IGNORECASE,
)
# the name cell of a spreadsheet's sum row, which is no organisation
TOTAL_NAMES = frozenset(
    {
        *("total", "totals", "grand total", "subtotal", "sum"),
        *("totaal", "totalen", "totaal generaal", "subtotaal"),
        *("somme", "sous-total", "sous total"),
        *("summe", "gesamt", "gesamtsumme", "insgesamt"),
    }
)
TOTAL_LONGEST = max(map(len, TOTAL_NAMES)) + 4  # with a colon and spaces around it


def _folded(header: str) -> str:
    text = unicodedata.normalize("NFC", header).casefold().replace("_", " ").replace("-", " ")
    return " ".join(text.split()).rstrip(":").strip()


def column_key(header: str) -> str | None:
    """The field (name, country, ror) a column holds by its header, or None."""
    return _KNOWN.get(_folded(header))


def is_personal(header: str) -> bool:
    """Whether a column holds a person's nationality or origin (never screened)."""
    return PERSONAL_COLUMN.search(header) is not None
