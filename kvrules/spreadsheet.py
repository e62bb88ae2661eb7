"""Cells written for a spreadsheet (the web app's export, ``kvrules match --format csv``).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula; record
titles and organisation names come from the RIS or from a list's publisher, which we do not
write. So such a cell gets a leading apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

from typing import Any

# A leading tab or carriage return also starts a formula in some spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
