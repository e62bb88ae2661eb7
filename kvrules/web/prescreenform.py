"""The pre-screen form's problems named as the form labels its fields.

The model reports ``partners.1.country``: zero-based, counting only the rows filled in, in the
YAML of ``kvrules check``. The person at the form reads "Partner 2, country", beside the box
they typed in; that box is marked invalid and takes the focus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from kvrules.errors import problem_text

# an organisation's fields on the form, as their labels read
ORGANISATION_LABELS = {
    "name": "name",
    "country": "country",
    "ror": "ROR id",
    "amount": "amount",
    "currency": "currency",
}
# the boxes and the file more organisations come from, as the form labels them
PASTE_LABELS = {
    "partners_text": "Partners pasted",
    "funders_text": "Funders pasted",
    "partners_file": "Partners file",
    "partners_sheet": "Sheet of the partners file",
}
# the form's row stem and legend for each list of organisations in the proposal
ROWS = {"partners": ("partner", "Partner"), "funders": ("funder", "Funder")}
OTHER_FIELDS = {
    "title": "Title",
    "topic": "Research topic",
    "keywords": "Keywords",
    "units": "Your units taking part",
}
# what to write instead, in the form's terms (not the CLI's 'NAME (COUNTRY)' syntax)
ADVICE = {
    "country": "write the country's two-letter code (such as CN) or its name in English",
    "name": "write the organisation's name",
    "amount": "write a number, such as 250000",
    "currency": "write the three-letter code, such as EUR",
    "text": "write one organisation a line as NAME (COUNTRY), such as Beihang University (CN)",
}


def _organisation_field(stem: str, legend: str, rest: Sequence[Any]) -> tuple[str, str]:
    attr = str(rest[0]) if rest and str(rest[0]) in ORGANISATION_LABELS else "name"
    return f"{stem}_{attr}", f"{legend}, {ORGANISATION_LABELS[attr]}"


def form_field(
    loc: Sequence[Any], rows: Mapping[str, Sequence[int | tuple[str, int]]]
) -> tuple[str, str] | None:
    """(the form field's name, its label as the form shows it) for a model location, or
    None when the problem is the proposal as a whole. ``rows``: for each list of
    organisations, the form row each of its items came from (empty rows are skipped)."""
    if not loc:
        return None
    head = str(loc[0])
    if head in ROWS and len(loc) > 1 and isinstance(loc[1], int):
        filled = rows.get(head, [])
        row = filled[loc[1]] if loc[1] < len(filled) else loc[1]
        if isinstance(row, tuple):  # a line of a paste box or of the partners file
            field, line = row
            # a file's row as its spreadsheet numbers it; a paste box's line
            unit = "row" if field == "partners_file" else "line"
            return field, f"{PASTE_LABELS[field]}, {unit} {line}"
        stem, legend = ROWS[head]
        return _organisation_field(f"{stem}{row}", f"{legend} {row + 1}", loc[2:])
    if head == "visit" and len(loc) > 1:
        if loc[1] == "home_institution":
            return _organisation_field("visitor", "Visitor's home institution", loc[2:])
        if loc[1] == "host_unit":
            return "host_unit", "Hosting unit"
    if head in OTHER_FIELDS:
        return head, OTHER_FIELDS[head]
    return None


def form_problems(
    error: ValidationError, rows: Mapping[str, Sequence[int | tuple[str, int]]]
) -> tuple[dict[str, str], str | None]:
    """Each field's problem ("Partner 2, country: not an ISO 3166-1 country: '中国' — write
    …"), field name → message, in the form's order; and a problem no field holds, if any."""
    by_field: dict[str, str] = {}
    whole: str | None = None
    for problem in error.errors():
        text = problem_text(problem)
        found = form_field(problem["loc"], rows)
        if found is None:
            whole = whole or text
            continue
        field, label = found
        # a problem that says what to write already (an amount, a currency) is not told twice
        advice = "" if "write" in text else ADVICE.get(field.rsplit("_", 1)[-1], "")
        by_field.setdefault(field, f"{label}: {text}" + (f" — {advice}" if advice else ""))
    return by_field, whole


_IDS = {
    "title": "p-title",
    "topic": "p-topic",
    "keywords": "p-keywords",
    "units": "p-units",
    "host_unit": "p-host",
    "partners_text": "p-partners-text",
    "funders_text": "p-funders-text",
    "partners_file": "p-partners-file",
    "partners_sheet": "p-partners-sheet",
}


def element_id(field: str) -> str:
    """The id of the form's input for a field name: partner1_country → partner1-country."""
    if field in _IDS:
        return _IDS[field]
    stem, _, attr = field.rpartition("_")
    return f"{stem}-{attr}"
