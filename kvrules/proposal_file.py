"""A proposal file for ``kvrules check``: YAML or JSON, read as rulebooks are.

Problems are one line, ``file:line:col: message`` (``kvrules.rulebook.yamlsource``), never a
decoder's or parser's own text. A file that is not UTF-8 is read as Windows-1252 (what Notepad
and Excel write on Windows), as ``kvrules match --file`` reads one, and a note says so. A
spreadsheet or CSV given as a proposal is refused in one line saying what ``check`` reads: its
rows would otherwise be read as one YAML text, or not at all.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kvrules.errors import KvrulesError
from kvrules.rulebook.yamlsource import Located, YamlError, load

__all__ = ["NotAProposal", "ProposalFile", "read_proposal_file"]

WHAT_CHECK_READS_ONLY = (
    "`kvrules check` reads one proposal described in YAML or JSON (title, topic, partners, "
    "funders, visit; see examples/proposal.yaml): write the proposal's details in such a file"
)
WHAT_CHECK_READS = (
    "`kvrules check` reads one proposal described in YAML or JSON (title, topic, partners, "
    "funders, visit; see examples/proposal.yaml); to match a list of names, use "
    "`kvrules match --file`"
)
# by the file's name: rows of names, not a proposal
TABLE_SUFFIXES = {
    ".csv": "a CSV file",
    ".tsv": "a tab-separated file",
    ".xlsx": "an Excel workbook",
    ".xlsm": "an Excel workbook",
    ".xls": "an old Excel workbook",
    ".ods": "a spreadsheet",
}
# what `match --file` may be pointed to (a table of names)
TABLE_KINDS = frozenset([*TABLE_SUFFIXES.values(), "an Excel workbook or another zip file"])
# by its first bytes, whatever its name
BINARY_MAGIC = {
    b"PK\x03\x04": "an Excel workbook or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook",
    b"%PDF": "a PDF",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS = "save it as UTF-8"


class NotAProposal(KvrulesError):
    """The file holds something else than a proposal (rows of names, a list): a usage error,
    where a proposal that cannot be read is a data error."""


@dataclass
class ProposalFile:
    """The proposal's fields, where each was written, and notes on how the file was read."""

    path: Path
    data: dict[str, Any]
    located: Located
    notes: list[str] = field(default_factory=list)

    def where(self, loc: Sequence[str | int], *, key: bool = False) -> str | None:
        """``file:line:col`` of the field at ``loc`` (pydantic's path; ``key``: of its key,
        for a field that should not be there), or of the mapping that lacks it; None when the
        element is not in the file (a flag added it)."""
        path = tuple(loc)
        table = self.located.key_positions if key else self.located.positions
        at = table.get(path) or self.located.positions.get(path)
        if at is None:
            cut = len(path) - 1
            while cut > 0 and path[:cut] not in self.located.positions:
                cut -= 1
            if any(isinstance(step, int) for step in path[cut:]):
                return None  # an element the file does not hold
            at = self.located.positions.get(path[:cut])
        return f"{self.path}:{at.line}:{at.col}" if at is not None else None


ZIP_MAGIC = b"PK\x03\x04"
# an Office file is a zip holding its main part at a known name
ZIP_PARTS = {
    "xl/workbook.xml": "an Excel workbook",
    "word/document.xml": "a Word document",
    "ppt/presentation.xml": "a PowerPoint presentation",
    "content.xml": "an OpenDocument file",
}


def _zip_kind(raw: bytes) -> str | None:
    """What a zip is by the parts it holds ("a Word document" for a .docx): only an Excel
    workbook is sent to `match --file` (code review: a .docx was, and match refused it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "a damaged zip file"
    return next((kind for part, kind in ZIP_PARTS.items() if part in names), "a zip file")


def _read_as(what: str) -> str:
    """What `match --file` makes of the table: an .xlsx it reads as it is (reviewer,
    2026-12-07: check advised saving it as CSV first, which match has not needed since it
    read workbooks); an old .xls or another spreadsheet is to be saved as one first."""
    if what == "an Excel workbook":
        return (
            " (it reads the workbook as it is: the sheet open when it was saved, or the one "
            "--sheet names)"
        )
    if what in ("an old Excel workbook", "a spreadsheet"):
        return " (save the sheet as an Excel workbook (.xlsx) or as 'CSV UTF-8' first)"
    return ""


def read_proposal_file(path: Path) -> ProposalFile:
    """Read ``path``; raise ``KvrulesError`` with one line on a file that cannot be read as a
    proposal, ``NotAProposal`` on one that holds something else."""
    what = TABLE_SUFFIXES.get(path.suffix.lower())
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise KvrulesError(f"{path}: cannot read: {e.strerror or e}") from None
    if what is None and raw.startswith(ZIP_MAGIC):
        what = _zip_kind(raw)
    what = what or next(
        (kind for magic, kind in BINARY_MAGIC.items() if raw.startswith(magic)), None
    )
    if what in TABLE_KINDS:
        raise NotAProposal(f"{path}: {what} is not a proposal: {WHAT_CHECK_READS}{_read_as(what)}")
    if what:  # a document: no list of names to send to `match --file`
        raise NotAProposal(f"{path}: {what} is not a proposal: {WHAT_CHECK_READS_ONLY}")
    text, notes = _decoded(raw, path)
    try:
        located = load(text)
    except YamlError as e:
        raise KvrulesError(f"{path}:{e.line}:{e.col}: {e.message}") from None
    if located.data is None:  # README, exit 1: a file that holds no records is an error
        raise KvrulesError(
            f"{path}: holds no proposal (the file is empty): describe it in YAML or JSON "
            "(title, topic, partners …)"
        )
    if not isinstance(located.data, dict):
        kind = "a list" if isinstance(located.data, list) else "one value"
        raise NotAProposal(
            f"{path}: not a mapping of proposal fields (it holds {kind}): {WHAT_CHECK_READS}"
        )
    _amounts_as_written(located)
    return ProposalFile(path, located.data, located, notes)


def _amounts_as_written(located: Located) -> None:
    """Each funder's amount YAML read as a number, as its text: unquoted ``250.000`` is the
    float 250.0 to YAML, where a Dutch writer meant 250000. The text goes to the amount's
    stated rule (``kvrules.amounts``), which refuses an ambiguous one, as it does typed or
    quoted; JSON numbers are plain numbers either way."""
    funders = located.data.get("funders")
    if not isinstance(funders, list):
        return
    for i, funder in enumerate(funders):
        if not isinstance(funder, dict) or isinstance(funder.get("amount"), bool):
            continue
        scalar = located.scalar(("funders", i, "amount"))
        if isinstance(funder.get("amount"), int | float) and scalar and scalar.style is None:
            funder["amount"] = scalar.raw


def _decoded(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """The file's text, and a note when it was not UTF-8."""
    if raw.startswith(UTF16_BOMS):  # Notepad's "Unicode"
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            raise KvrulesError(f"{path}: not whole UTF-16 text: {SAVE_AS}") from None
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
    try:
        text, encoding = raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # a byte Windows-1252 leaves undefined
        text, encoding = raw.decode("latin-1"), "Latin-1"
    return text, [
        f"{path}: line {line}: not UTF-8, read as {encoding} (if a name reads wrong, {SAVE_AS})"
    ]
