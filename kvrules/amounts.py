"""Amounts and currencies as people write them in a proposal, read by one stated rule.

A grant office writes "250.000" (Dutch: two hundred and fifty thousand) where a British one
writes "250,000"; read with the wrong convention the award is a thousand times smaller and a
RED triage drops to AMBER. So an amount is never guessed:

- spaces (also no-break and thin spaces), apostrophes (1'234'567) and underscores group digits;
- a currency sign or ISO code before or after the number ("€ 1.234.567,00", "1234 EUR") gives
  the currency, which must agree with the ``currency`` field when both are given;
- with both "." and "," in it, the last one is the decimal separator and the other groups
  thousands (in groups of three): "1.234.567,00" and "1,234,567.00" are 1234567.00;
- one kind of separator written more than once groups thousands: "1.234.567" is 1234567;
- one separator written once, not followed by exactly three digits, is the decimal separator:
  "1234567,50" is 1234567.50, "2.5" is 2.5;
- one separator followed by exactly three digits after one to three digits ("250.000",
  "1,500") is ambiguous: refused, saying how to write it, unless the decimal separator is given
  (``decimal``: "," reads "250.000" as 250000, "." reads it as 250);
- a negative amount is refused (an award is not negative).

No locale library is needed for this (babel's ``parse_decimal`` would need a locale for every
entry point, and reads "250.000" by the locale silently, which is what is to be avoided).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import pycountry

from kvrules.errors import KvrulesError

__all__ = [
    "AmbiguousAmount",
    "AmountError",
    "DecimalSeparator",
    "WrittenAmount",
    "currency_code_or_suggestion",
    "currency_written_with",
    "parse_amount",
]

DecimalSeparator = Literal[",", "."]

# currency signs and words people write for a code; said as a suggestion, never taken silently
# when they stand in the currency field ("€" there is refused: "write EUR")
CURRENCY_WORDS = {
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "eur.": "EUR",
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollar": "USD",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "pound sterling": "GBP",
    "sterling": "GBP",
    "¥": "JPY or CNY",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "chf": "CHF",
    "swiss franc": "CHF",
    "frank": "CHF",
    "kroon": "SEK, NOK or DKK",
    "krona": "SEK",
    "krone": "NOK or DKK",
}
# signs read inside an amount ("€ 1.234.567,00"): only those naming one currency
AMOUNT_SIGNS = {"€": "EUR", "£": "GBP", "US$": "USD"}
SIGNS_OF_SEVERAL = ("US$", "$", "¥")  # never read as one currency: said, and asked for the code
GROUPING = re.compile(r"[\s\u00a0\u202f\u2009'’_]")
DIGITS = re.compile(r"^\d+$")
HOW_TO_WRITE = (
    "write it without thousands separators (250000, or 250000.50 with a decimal point), "
    "or with both separators (250.000,00 or 250,000.00)"
)


class AmountError(KvrulesError, ValueError):
    """An amount that cannot be read unambiguously; the message says how to write it."""


class AmbiguousAmount(AmountError):
    """ "250.000" with no decimal separator given: each entry point says how to give it (the
    API's ``?decimal_separator=,``, check's ``--decimal-separator``), see ``ambiguous_amount``."""


def ambiguous_amount(problems: list[Any]) -> bool:
    """Whether one of a ``ValidationError``'s ``errors()`` is an ``AmbiguousAmount``."""
    return any(isinstance((e.get("ctx") or {}).get("error"), AmbiguousAmount) for e in problems)


@dataclass(frozen=True)
class WrittenAmount:
    """An amount as written, with the currency field written beside it (None: not given), so
    that one validator can compare the two and name the amount's field when they disagree."""

    text: str
    currency: str | None


def currency_written_with(value: object) -> str | None:
    """The currency an amount's text names ("€ 1.234.567,00" → EUR), or None."""
    if not isinstance(value, str):
        return None
    return _currency_affix(unicodedata.normalize("NFKC", value).strip())[1]


def _currency_affix(text: str) -> tuple[str, str | None]:
    """``text`` without a currency sign or ISO code before or after the number, and that
    currency (None when there is none)."""
    for sign, code in AMOUNT_SIGNS.items():
        if text.startswith(sign) or text.endswith(sign):
            return text.removeprefix(sign).removesuffix(sign).strip(), code
    m = re.match(r"^([A-Za-z]{3})\s*(.*)$", text) or re.match(r"^(.*?)\s*([A-Za-z]{3})$", text)
    if m is not None:
        code_first = m.group(1).isalpha()
        code, rest = (m.group(1), m.group(2)) if code_first else (m.group(2), m.group(1))
        if pycountry.currencies.get(alpha_3=code.upper()) is not None:
            return rest.strip(), code.upper()
    return text, None


def _groups_of_three(integer: str, separator: str) -> bool:
    head, *groups = integer.split(separator)
    return (
        1 <= len(head) <= 3
        and DIGITS.match(head) is not None
        and all(len(g) == 3 and DIGITS.match(g) for g in groups)
    )


def _number(text: str, decimal: DecimalSeparator | None, shown: str) -> str:
    """``text`` (digits and separators only) as a plain decimal numeral ("1234567.50")."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        point = "." if text.rfind(".") > text.rfind(",") else ","
        group = "," if point == "." else "."
        integer, _, fraction = text.rpartition(point)
        if point in integer or not _groups_of_three(integer, group) or not DIGITS.match(fraction):
            raise AmountError(f"{shown!r} is not a number as it is written: {HOW_TO_WRITE}")
        return integer.replace(group, "") + "." + fraction
    if not (dots or commas):
        if not DIGITS.match(text):
            raise AmountError(f"{shown!r} is not a number: {HOW_TO_WRITE}")
        return text
    separator = "." if dots else ","
    if dots + commas > 1:  # thousands: "1.234.567"
        if not _groups_of_three(text, separator):
            raise AmountError(f"{shown!r} is not a number as it is written: {HOW_TO_WRITE}")
        return text.replace(separator, "")
    integer, _, fraction = text.partition(separator)
    if not (DIGITS.match(integer) and DIGITS.match(fraction)):
        raise AmountError(f"{shown!r} is not a number: {HOW_TO_WRITE}")
    if len(fraction) == 3 and _groups_of_three(text, separator):
        if decimal is None:
            raise AmbiguousAmount(
                f"{shown!r} is ambiguous (thousands or a decimal fraction?): {HOW_TO_WRITE}"
            )
        if decimal != separator:
            return integer + fraction
    return f"{integer}.{fraction}"


def parse_amount(
    value: object, decimal: DecimalSeparator | None = None
) -> tuple[Decimal | None, str | None]:
    """An amount as written (text or a number) → (the amount, the currency its text names or
    None). Raises ``AmountError`` (a ``ValueError``) with one line saying how to write it.

    ``decimal``: the decimal separator the writer uses, when it is known (configured or given
    with the proposal); without it an ambiguous amount is refused."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise AmountError(f"{value!r} is not an amount: write a number, e.g. 250000")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise AmountError(f"{value!r} is not an amount: write a number, e.g. 250000")
        if number < 0:
            raise AmountError(f"{value} is negative: write the amount awarded, e.g. 250000")
        return number, None
    if not isinstance(value, str):
        raise AmountError("write the amount as a number, e.g. 250000")
    shown = value.strip()
    text = unicodedata.normalize("NFKC", shown)
    if not text:
        return None, None
    text, currency = _currency_affix(text.strip())
    for sign in SIGNS_OF_SEVERAL:  # "$ 99.000": dollars of which country?
        if currency is None and (text.startswith(sign) or text.endswith(sign)):
            raise AmountError(
                f"{shown!r}: {sign!r} is the sign of several currencies: write the amount "
                f"without it, and the currency's code ({CURRENCY_WORDS[sign]} …) as its currency"
            )
    text = GROUPING.sub("", text)
    if text.startswith(("-", "\u2212", "(")) or text.endswith("-"):
        raise AmountError(f"{shown!r} is negative: write the amount awarded, e.g. 250000")
    text = text.removeprefix("+")
    try:
        return Decimal(_number(text, decimal, shown)), currency
    except InvalidOperation:  # pragma: no cover - _number gives digits and one point only
        raise AmountError(f"{shown!r} is not a number: {HOW_TO_WRITE}") from None


def currency_code_or_suggestion(value: object) -> str:
    """An ISO 4217 code ("eur " → "EUR"); otherwise ``ValueError`` in one line saying what
    to write ("'€' is not an ISO 4217 code; write EUR"). A sign or word is never taken
    silently for a code: "$" is dollars of several countries."""
    text = str(value).strip() if value is not None else ""
    code = text.upper()
    if len(code) == 3 and code.isalpha() and pycountry.currencies.get(alpha_3=code):
        return code
    if not text:
        raise ValueError("'' is not an ISO 4217 code; write one such as EUR, or leave it out")
    found = CURRENCY_WORDS.get(unicodedata.normalize("NFKC", text).casefold())
    if found is None and len(text) > 3:
        try:  # a currency's English name: "Euro", "Swiss Franc"
            found = pycountry.currencies.lookup(text).alpha_3
        except LookupError:
            found = None
    hint = f"write {found}" if found else "write its three-letter code, such as EUR"
    raise ValueError(f"{text!r} is not an ISO 4217 code; {hint}")
