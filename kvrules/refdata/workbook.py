"""An Excel workbook (.xlsx) read as the CSV the batch reader reads: grant offices keep their
partner lists in workbooks, and "save it as CSV UTF-8" was one step too many.

One sheet is read: the one named (``match --sheet``, the web pre-screen's sheet field), else
the one open when the workbook was saved (Excel's active sheet); every row of it in order, so
the reader's row numbers are the ones Excel shows; cells hold the values Excel last computed
(a formula's result, never the formula). The other sheets are named, not read. A sheet named
that the workbook does not have is refused in one line naming the sheets it has. A zip that
is no workbook, a workbook over the size caps or one openpyxl cannot read is refused in one
line."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import IO, Any

# A partner list is kilobytes; these caps keep a crafted file (a zip bomb) from costing more
# than a moment: the file as sent, and all of its parts unpacked.
MAX_WORKBOOK_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000
ZIP_MAGIC = b"PK\x03\x04"


def workbook_as_csv(
    stream: IO[bytes], refuse: type[Exception], sheet: str | None = None
) -> tuple[IO[bytes], list[str]]:
    """The sheet named ``sheet`` (None: the active one) of the workbook in ``stream`` as CSV
    bytes, and one note naming the sheet read (and the sheets not read); ``refuse(message)``
    is raised for what cannot be read, and for a sheet the workbook does not have."""
    data = stream.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        raise refuse(f"a workbook over {MAX_WORKBOOK_BYTES:,} bytes: save the sheet as 'CSV UTF-8'")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            if "xl/workbook.xml" not in packed.namelist():
                raise refuse(
                    "a zip file, not an Excel workbook (.xlsx): save the sheet as 'CSV UTF-8'"
                )
            if sum(part.file_size for part in packed.infolist()) > MAX_UNPACKED_BYTES:
                raise refuse(
                    f"a workbook that unpacks to over {MAX_UNPACKED_BYTES:,} bytes: save the "
                    "sheet as 'CSV UTF-8'"
                )
    except zipfile.BadZipFile:
        raise refuse("a damaged zip file or workbook: save the sheet as 'CSV UTF-8'") from None
    from openpyxl import load_workbook  # only for workbooks: it takes a moment to import

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:
        raise refuse(
            f"an Excel workbook kvrules cannot read ({type(e).__name__}): save the sheet as "
            "'CSV UTF-8'"
        ) from None
    read = _sheet(book, sheet, refuse)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for values in read.iter_rows(min_row=1, max_row=read.max_row, values_only=True):
        writer.writerow([cell_text(v) for v in values])
    others = [s.title for s in book.worksheets if s is not read]
    why = "the one named" if sheet is not None else "the one open when it was saved"
    note = f"sheet {read.title!r} of the workbook read ({why})"
    if others:
        named = ", ".join(repr(t) for t in others)
        note += f"; not read: {named} (name the sheet to read, or save it as CSV)"
    return io.BufferedReader(io.BytesIO(text.getvalue().encode("utf-8"))), [note]


def _sheet(book: Any, name: str | None, refuse: type[Exception]) -> Any:
    """The worksheet named ``name`` (as Excel shows it on its tab; None: the active one)."""
    sheets = book.worksheets  # chart sheets hold no rows: never offered
    if name is None:
        return book.active if book.active in sheets else sheets[0]
    found = next((s for s in sheets if s.title == name.strip()), None)
    if found is None:  # Excel's tab names are case-insensitive: 'partners' names 'Partners'
        found = next((s for s in sheets if s.title.casefold() == name.strip().casefold()), None)
    if found is None:
        there = ", ".join(repr(s.title) for s in sheets)
        raise refuse(f"no sheet {name!r} in the workbook; its sheets: {there}")
    return found


def cell_text(value: object) -> str:
    """A cell's value as the sheet shows it plainly: 250000 not 250000.0, a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
