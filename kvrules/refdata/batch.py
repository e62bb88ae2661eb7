"""Match a spreadsheet of names in one run (``kvrules match --file``).

Input: CSV with a ``name`` column and optional ``country`` and ``ror`` columns (any case; other
columns are kept as they are; separated by commas, semicolons or tabs, as the header shows), or
JSON lines with the same keys. UTF-8 with or without a byte-order mark; a line that is not
UTF-8 is read as Windows-1252 (Excel's "CSV" on Windows), and :meth:`Input.recoded` says so once
per file (the first such line, and how many). Output:
one result per input row, in input order, with the line it starts on (as a spreadsheet numbers
it: the header is line 1), the row's own fields, the matches (the fields of ``kvrules match
--json``) and, for a row that cannot be matched, the reason — a bad row never stops a run. A
quote left open (one that runs to the end of the file, or over :data:`MAX_ROW_LINES` lines) is
a bad row on the line it opens, and the lines it swallowed are read again as rows.

The input is streamed: a line is read at most :data:`MAX_LINE` bytes at a time (a longer one is
a bad row), rows are matched a chunk at a time, and a name written again (same words, same
country) is matched once while it is remembered (:data:`MEMO`). With ``jobs`` > 1, this process
matches from the first row and ``jobs`` - 1 worker processes join it as soon as each has loaded
the kept index (:mod:`kvrules.refdata.cache`): no row waits for a worker to start; results
still come out in input order.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import multiprocessing
import os
import re
import stat
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Literal

from kvrules import jsonguard
from kvrules.errors import ReferenceDataError
from kvrules.memory import usable_cores
from kvrules.plain import not_in_script
from kvrules.refdata.cache import Index, load
from kvrules.refdata.columns import TOTAL_LONGEST, TOTAL_NAMES, column_key, is_personal
from kvrules.refdata.countries import to_country
from kvrules.refdata.resolver import Resolver
from kvrules.refdata.workbook import ZIP_MAGIC, workbook_as_csv
from kvrules.spreadsheet import csv_safe

Format = Literal["csv", "jsonl"]
MAX_NAME = 1_000  # characters: an organisation name is never longer; a 10 MB cell is an error
MAX_LINE = 1 << 20  # bytes of one line; a longer line is a bad row, skipped without holding it
# lines one CSV row may span: a quoted cell may hold line breaks (an address), but one that
# runs on longer is a quote left open, which would swallow the rows after it
MAX_ROW_LINES = 20
CHUNK = 500  # rows matched (or sent to a worker) at a time
OFFSET_EVERY = 256  # rows: one ``tell`` (a system call) each, for the progress bar
MEMO = 50_000  # distinct queries whose results are remembered for the rows that repeat them
# rows: a worker joins after loading the index (about 3 s of CPU, 10,000 rows matched here
# meanwhile): a shorter file is done before it takes much of a share (bench/matching/cores.py)
PARALLEL_AFTER = 20_000
TOP_COLUMNS = (
    *("list", "kind", "edition", "entry", "name", "method", "score", "candidate", "ror_id"),
    "explanation",  # which part of the name matched which name of the entry
)
# characters an Excel cell holds: a longer cell spills into the next rows, so it is cut
SPREADSHEET_CELL = 32_767
_KEYS = ("name", "country", "ror")
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text": UTF-16, tab-separated
_SAVE_AS = "save it as 'CSV UTF-8' or JSON lines"
_MAGIC = {
    b"PK\x03\x04": "an Excel workbook or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook",
    b"%PDF": "a PDF",
    b"\x89PNG": "an image",
}

__all__ = [
    "BadInput",
    "Input",
    "Result",
    "Row",
    "Stats",
    "Workers",
    "match_rows",
    "not_text",
    "write_csv",
    "write_jsonl",
]

# control characters (C0, DEL, C1: a terminal runs some of them), bytes not decoded (U+FFFD,
# or the lone surrogates Python puts for a command-line argument that is not UTF-8)
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
Query = tuple[str, str, str]  # name (whitespace normalised), country, ROR id
Outcome = list[dict[str, Any]] | str  # the matches, or why the row could not be matched


class BadInput(ReferenceDataError):
    """The file as a whole cannot be read as names (binary, no ``name`` column)."""


@dataclass
class Row:
    # the row as a spreadsheet numbers it (the header is row 1; a quoted cell with line breaks
    # is one row), for CSV; the line, for JSON lines
    number: int
    fields: dict[str, Any]
    error: str | None = None
    name: Any = None
    country: Any = None
    ror: Any = None
    raw: str | None = None  # a bad row's text, when its fields could not be read
    warning: str | None = None  # what the row was matched without (a country not read)
    line: int | None = None  # the line of the file it starts on, where that is not ``number``
    # bytes of the file read up to this row (every ``OFFSET_EVERY``-th row): the progress bar
    # counts the rows matched, not the bytes the reader has read ahead of them
    offset: int | None = None


Unscreened = tuple[str, list[str], bool]  # ``Resolver.lists_without_script``'s answer


def script_doc(unscreened: Unscreened) -> dict[str, Any]:
    """``not_screened_in_script`` as `match --json` and `match --file`'s JSON lines give it:
    the name's script and the lists holding no name in it."""
    script, lacking, _ = unscreened
    return {"script": script, "lists": lacking}


@dataclass
class Result:
    row: Row
    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    # a row with no match whose name is in a script some lists hold no names in: not screened
    # against them by name (``Resolver.lists_without_script``)
    unscreened: Unscreened | None = None

    def as_dict(self, searched: list[str]) -> dict[str, Any]:
        doc: dict[str, Any] = {"row": self.row.number, "line": self.row.line or self.row.number}
        doc["input"] = self.row.fields
        if self.row.raw is not None:
            doc["raw"] = self.row.raw
        if self.error:
            doc["error"] = self.error
        else:
            doc |= {"query": self.row.name, "matches": self.matches}
            doc["searched"] = searched
            if self.unscreened:
                doc["not_screened_in_script"] = script_doc(self.unscreened)
            if self.row.warning:
                doc["warning"] = self.row.warning
        return doc


@dataclass
class Stats:
    """What a run did: rows read, and distinct queries the resolver matched."""

    rows: int = 0
    matched: int = 0
    by_workers: int = 0  # of ``matched``: by worker processes


# -- reading ---------------------------------------------------------------------------------


class _Lines:
    """The decoded lines of a byte stream, each read at most :data:`MAX_LINE` bytes at a time,
    with what was wrong with a line (by line number) for the row that holds it."""

    def __init__(self, stream: IO[bytes], utf16: bool = False) -> None:
        self._stream = stream
        self._utf16 = utf16  # recoded from UTF-16: a character it could not read is U+FFFD
        self.number = 0
        self.problems: dict[int, str] = {}
        self.recoded: dict[str, list[int]] = {}  # encoding: [first line read in it, lines]
        # UTF-16 bytes at the end that make no whole character (an odd count): the decoder
        # keeps them for a next read that never comes. (line they are on, how many)
        self.left_over: tuple[int, int] | None = None
        self._ended_line = True  # the last line read ended with a line break

    def __iter__(self) -> Iterator[str]:
        readline = self._stream.readline
        while raw := readline(MAX_LINE + 1):
            self._ended_line = raw.endswith(b"\n")
            self.number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                size = len(raw) + self._skip_line()
                self.problems[self.number] = f"line of {size:,} bytes (at most {MAX_LINE:,})"
                yield "\n"  # the row is reported from ``problems``
                continue
            text = self._decode(raw)
            if self._utf16 and "\ufffd" in text:
                # one bad character (a lone surrogate, a byte cut off) is this row's problem,
                # not the file's: the rows around it are still matched
                self.problems[self.number] = f"not UTF-16: a character cannot be read; {_SAVE_AS}"
                yield "\n"  # the row is reported from ``problems``
                continue
            yield text
        if self._utf16:
            left = len(getattr(getattr(self._stream, "reader", None), "bytebuffer", b""))
            if left:  # on the last line, or on a line of its own after the last line break
                self.left_over = (self.number + self._ended_line, left)

    def _skip_line(self) -> int:
        """Read past the rest of an over-long line; its length, line ending excluded."""
        size = 0
        while chunk := self._stream.readline(1 << 16):
            if chunk.endswith(b"\n"):
                return size + len(chunk.rstrip(b"\r\n"))
            size += len(chunk)
        return size

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text, encoding = raw.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:  # a byte cp1252 leaves undefined
            text, encoding = raw.decode("latin-1"), "Latin-1"
        seen = self.recoded.setdefault(encoding, [self.number, 0])
        seen[1] += 1
        return text

    def notes(self) -> list[str]:
        """Per encoding other than UTF-8 that lines were read in: which line first, how many
        (said once per file: Excel writes every line of a file in one encoding); and bytes
        at the end of a UTF-16 file that make no whole character, which are not read."""
        notes = []
        if self.left_over is not None:
            line, count = self.left_over
            what = "1 byte that is" if count == 1 else f"{count} bytes that are"
            it, its = ("it", "its") if count == 1 else ("them", "their")
            read = (
                f"the row is read without {it}"
                if line == self.number
                else f"on a line of {its} own, not read (no row is lost)"
            )
            notes.append(
                f"line {line}: the file ends with {what} not a whole UTF-16 character (cut "
                f"short?): {read}; {_SAVE_AS}"
            )
        for encoding, (first, count) in self.recoded.items():
            more = f" and {count - 1:,} more line{'s' if count > 2 else ''}" if count > 1 else ""
            notes.append(
                f"line {first}{more}: not UTF-8, read as {encoding} "
                f"(if a name reads wrong, {_SAVE_AS})"
            )
        return notes

    def take(self, first: int, last: int) -> str | None:
        """The problem of lines ``first``..``last`` (one row), forgotten."""
        problem = None
        if self.problems:
            for number in range(first, last + 1):
                problem = self.problems.pop(number, None) or problem
        return problem


class _Replay:
    """The lines the CSV reader reads, with their numbers (:attr:`taken`, those of the row being
    read), and lines put back to be read again (those a quote left open swallowed)."""

    def __init__(self, lines: _Lines) -> None:
        self._lines = lines
        self._source = iter(lines)
        self.back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.ran_out = False  # the input ended while the reader wanted more of a row

    def __iter__(self) -> _Replay:
        return self

    def __next__(self) -> str:
        if self.back:
            line = self.back.popleft()
        else:
            try:
                text = next(self._source)
            except StopIteration:
                self.ran_out = True
                raise
            line = (self._lines.number, text)
        self.taken.append(line)
        return line[1]

    def next_row(self) -> None:
        self.taken, self.ran_out = [], False


class Input:
    """The rows of a CSV or JSON-lines stream (``fmt`` None: JSON lines if the first line opens
    an object or an array), or of an Excel workbook's sheet (``sheet``: its name; None: the
    active one). Raises :class:`BadInput` for a file that holds no names at all, and for a
    sheet named that is not there."""

    def __init__(
        self, stream: IO[bytes], fmt: Format | None = None, sheet: str | None = None
    ) -> None:
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(stream)  # type: ignore[arg-type]
        head = stream.peek(8192)[:8192]  # type: ignore[attr-defined]
        self.sheet_notes: list[str] = []  # the sheet of a workbook read, the ones not read
        if head.startswith(ZIP_MAGIC):  # an .xlsx: the sheet named, else its active one, as CSV
            stream, self.sheet_notes = workbook_as_csv(stream, BadInput, sheet)
            head = stream.peek(8192)[:8192]  # type: ignore[attr-defined]
            sheet = None
        utf16 = head.startswith(_UTF16_BOMS)
        if utf16:  # read as the UTF-8 the rest of the reader reads; tabs are sniffed as usual
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
            stream = _recoded_from_utf16(stream)
        if not head.strip():
            raise BadInput("no rows: the file is empty")
        _refuse_binary(head)
        if sheet is not None:  # a sheet named for a CSV: said, never silently read whole
            raise BadInput(
                f"not an Excel workbook (.xlsx), so it has no sheet {sheet!r}: a CSV or JSON "
                "lines file is read whole"
            )
        # Excel's "CSV UTF-8" (or its "Unicode Text"): the output keeps a byte-order mark, for
        # Excel to read it back as Unicode
        self.bom = head.startswith(_BOM) or utf16
        if head.startswith(_BOM):
            stream.read(len(_BOM))
            head = head[len(_BOM) :]
        if _mac_line_endings(head):
            stream = _MacLines(stream)  # type: ignore[assignment]
        self._stream = stream
        self.size = _file_size(stream)  # bytes, for a progress bar; None for a pipe
        self.format: Format = fmt or ("jsonl" if head.lstrip()[:1] in (b"{", b"[") else "csv")
        self._lines = _Lines(stream, utf16)
        self.columns: list[str] = []
        self.columns_in: list[str] = []  # with those left out (``left_out``)
        self.left_out: list[str] = []  # a person's nationality: never read
        self.totals: list[tuple[int, str]] = []  # rows skipped as a table's total
        self.delimiter = ","
        if self.format == "csv":
            self._start_csv()

    def __iter__(self) -> Iterator[Row]:
        return self._csv_rows() if self.format == "csv" else self._jsonl_rows()

    def column_notes(self) -> list[str]:
        """One line each: a column read under another name than its own ("Land" as the
        country), a column left out (a person's nationality), total rows not screened."""
        notes = list(self.sheet_notes)
        for key, at in zip(_KEYS, getattr(self, "_key_columns", []), strict=False):
            if at is not None and self.columns_in[at].strip().lower() != key:
                notes.append(f"column {self.columns_in[at]!r} read as the {key}")
        for column in self.left_out:
            kind = "column" if self.format == "csv" else "key"
            notes.append(
                f"{kind} {column!r} not used and left out of the output: kvrules screens "
                "organisations, never a person's nationality"
            )
        if self.totals:
            rows = ", ".join(f"row {n} ({name!r})" for n, name in self.totals[:3])
            more = f" and {len(self.totals) - 3} more" if len(self.totals) > 3 else ""
            notes.append(f"{rows}{more}: a total, not an organisation: not screened")
        return notes

    def unread_columns(self) -> list[str]:
        """The columns other than name, country and ror (copied to ``match --file``'s output,
        not read by a pre-screen)."""
        read = {self.columns_in[k] for k in getattr(self, "_key_columns", []) if k is not None}
        return [c for c in self.columns if c not in read and not c.startswith("column ")]

    def recoded(self) -> list[str]:
        """Per encoding other than UTF-8 that lines were read in: which line first, how many
        (said once per file: Excel writes every line of a file in one encoding); and bytes
        at the end of a UTF-16 file that make no whole character, which are not read."""
        return self._lines.notes()

    def position(self) -> int | None:
        """Bytes read so far, if the input is a file."""
        return self._stream.tell() if self.size is not None else None

    def _start_csv(self) -> None:
        self._line_iter = _Replay(self._lines)
        self._header_row = 1  # as a spreadsheet numbers it
        header = next(self._line_iter, None)
        problem = self._lines.take(1, 1)
        if problem:
            raise BadInput(f"line 1 (the header): {problem}")
        # Excel's "sep=;" first line names the separator; Excel does not show it as a row
        given = SEPARATOR_LINE.match((header or "").strip())
        if given is not None:
            header = next(self._line_iter, None)
            if problem := self._lines.take(2, 2):
                raise BadInput(f"line 2 (the header): {problem}")
        self.delimiter, self.columns = _sniff_header(header or "", given and given["sep"])
        # a column without a header (Excel's trailing separators) is named by its position,
        # so that two of them do not write one cell over the other
        self.columns = [c if c.strip() else f"column {i}" for i, c in enumerate(self.columns, 1)]
        lowered = [c.strip().lower() for c in self.columns]
        _refuse_twice_named(self.columns, lowered)
        self._key_columns = _key_columns(self.columns)
        if self._key_columns[0] is None:
            self._refuse_header()
        # a person's nationality is never screened: its column is not read, nor written back
        self.left_out = [c for c in self.columns if is_personal(c)]
        self.columns_in = list(self.columns)  # as the file has them, for each row's cells
        self.columns = [c for c in self.columns if c not in self.left_out]

    def _refuse_header(self) -> None:
        """No column of names: a title row above the header is named, to be removed; else the
        columns found, and the one to rename."""
        found = ", ".join(_shown(c) for c in self.columns if c.strip()) or "none"
        below = []
        for _ in range(5):  # a title (and a blank line) above the header, as people make them
            line = next(self._line_iter, None)
            if line is None:
                break
            below.append(line)
            if _key_columns(_sniff_header(line)[1])[0] is not None:
                above = len(below)
                what = "line 1" if above == 1 else f"lines 1 to {above}"
                raise BadInput(
                    f"the header is on line {above + 1}: remove {what} above it "
                    f"({_shown(_line(self._line_iter.taken[0][1]))[:60]!r}…) so that the "
                    "header is the first line"
                )
        raise BadInput(
            f"the CSV needs a 'name' column (found: {found}): rename the column of "
            "organisation names to name"
        )

    def _csv_rows(self) -> Iterator[Row]:
        # A long cell is read, then refused by length with its line number; the line limit
        # bounds it. The limit is process-wide: it is restored when the rows are read.
        previous = csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE))
        try:
            replay = self._line_iter
            # One column: each line is one value, never cut at a separator (Excel in a
            # semicolon locale writes "Dept. of Physics, Beihang Univ." unquoted)
            whole_line = _NO_DELIMITER if len(self.columns_in) == 1 else self.delimiter
            reader = csv.reader(replay, delimiter=whole_line)
            # rows as a spreadsheet numbers them: the header is row 1, a blank line is a row,
            # and a quoted cell's line breaks are inside one row (not the file's lines)
            number = self._header_row
            while True:
                replay.next_row()
                try:
                    record = next(reader)
                    error = None
                except StopIteration:
                    return
                except csv.Error as e:
                    record, error = [], f"not a CSV row: {e}"
                number += 1
                first, text = replay.taken[0]
                spans = len(replay.taken)
                if spans > 1 and (error or replay.ran_out or spans > MAX_ROW_LINES):
                    # a quote left open: the row is its first line; the others are read again
                    error = _open_quote(spans, replay.ran_out)
                    replay.back.extendleft(reversed(replay.taken[1:]))
                    replay.taken = replay.taken[:1]
                problem = self._lines.take(first, replay.taken[-1][0])
                if not any(record) and not (problem or error):
                    continue  # a blank line, or a row of empty cells (";;;;" below a table)
                if problem or error:
                    raw = None if problem else _line(text)
                    yield Row(number, {}, problem or error, raw=raw, line=first)
                    continue
                row = self._csv_row(number, record, first)
                if number % OFFSET_EVERY == 0:
                    row.offset = self.position()
                if _total_row(row):  # "Totaal" under a table: a sum, not an organisation
                    self.totals.append((number, str(row.name).strip()))
                    continue
                yield row
        finally:
            csv.field_size_limit(previous)

    def _csv_row(self, number: int, record: list[str], line: int) -> Row:
        columns = self.columns_in
        fields: dict[str, Any] = dict.fromkeys(self.columns)
        if self.left_out:
            left_out = self.left_out
            fields.update(
                (c, cell) for c, cell in zip(columns, record, strict=False) if c not in left_out
            )
        else:
            fields.update(zip(columns, record, strict=False))
        extra = len(record) - len(columns)
        values = [
            record[k] if k is not None and k < len(record) else None for k in self._key_columns
        ]
        error = f"{extra} more cells than columns" if extra > 0 else None
        return Row(number, fields, error, *values, line=line)

    def _jsonl_rows(self) -> Iterator[Row]:
        lines = self._lines
        for line in lines:
            number = lines.number
            problem = lines.take(number, number)
            if problem:
                yield Row(number, {}, problem)
                continue
            if not line.strip():
                continue
            try:
                doc = jsonguard.loads(line, object_pairs_hook=_once_each)
            except _GivenTwice as e:
                yield Row(
                    number,
                    {},
                    f"{e.key!r} is given twice: one value would be lost",
                    raw=_line(line),
                )
                continue
            except ValueError as e:
                yield Row(number, {}, f"not JSON: {e}", raw=_line(line))
                continue
            if not isinstance(doc, dict):
                yield Row(number, {}, f"not a JSON object ({_json_kind(doc)})", raw=_line(line))
                continue
            error = (
                None if "name" in doc else f"no 'name' (keys: {_shown(', '.join(doc)) or 'none'})"
            )
            # a person's nationality is never screened, nor written back (said once per key)
            for key in [k for k in doc if is_personal(k)]:
                del doc[key]
                if key not in self.left_out:
                    self.left_out.append(key)
            yield Row(number, doc, error, *(doc.get(k) for k in _KEYS))


def _refuse_twice_named(columns: list[str], lowered: list[str]) -> None:
    """Two columns of one name (in any case) would write one cell over the other."""
    for position, column in enumerate(lowered):
        if column and lowered.count(column) > 1:
            where = [str(i + 1) for i, c in enumerate(lowered) if c == column]
            raise BadInput(
                f"the CSV has {len(where)} columns named {columns[position]!r} "
                f"(columns {', '.join(where[:-1])} and {where[-1]}): rename one so no cell is lost"
            )


def _open_quote(lines: int, to_the_end: bool) -> str:
    if to_the_end:
        return (
            "a quoted cell opened on this line is never closed (it runs to the end of the file); "
            "the lines after it are read as rows"
        )
    return (
        f"a quoted cell opened on this line runs over {lines} lines (at most {MAX_ROW_LINES}): "
        "a quote left open? the lines after it are read as rows"
    )


def _line(text: str) -> str:
    return text.rstrip("\r\n")


def _file_size(stream: IO[bytes]) -> int | None:
    try:
        info = os.fstat(stream.fileno())
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def read_text(path: Path) -> tuple[str, list[str]]:
    """A whole file's text as ``match --file`` reads it (for the importers' CSV): a UTF-8
    byte-order mark dropped, UTF-16 (Excel's "Unicode Text") decoded, a line that is not UTF-8
    read as Windows-1252; and the notes to say of it (which lines were read in which
    encoding). A workbook or other binary file, or a line that cannot be read, is refused as
    :class:`BadInput` in one line."""
    with path.open("rb") as raw:
        stream: IO[bytes] = raw
        head = raw.peek(8192)[:8192]
        utf16 = head.startswith(_UTF16_BOMS)
        if utf16:
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
            stream = _recoded_from_utf16(raw)
        if not head.strip():
            return "", []
        _refuse_binary(head)
        if head.startswith(_BOM):
            raw.read(len(_BOM))
        if _mac_line_endings(head):
            stream = _MacLines(stream)  # type: ignore[assignment]
        lines = _Lines(stream, utf16)
        text = "".join(lines)
        for number, problem in sorted(lines.problems.items())[:1]:
            raise BadInput(f"line {number}: {problem}")
        return text, lines.notes()


def sniff_delimiter(header: str) -> str:
    """The separator of a CSV header line as ``match --file`` finds it: comma, semicolon
    (Excel in a Dutch or German locale) or tab."""
    return _sniff_header(header)[0]


def _recoded_from_utf16(stream: IO[bytes]) -> IO[bytes]:
    """UTF-16 text (its byte-order mark says which order) read as UTF-8 bytes, a line at a time;
    ``tell`` and ``fileno`` are the file's own, so the progress bar still counts its bytes. A
    character that cannot be read is U+FFFD (``_Lines`` makes its row a bad row): strict
    decoding raised from the middle of the file and lost every row."""
    utf8, utf16 = codecs.lookup("utf-8"), codecs.lookup("utf-16")
    return codecs.StreamRecoder(  # type: ignore[return-value]
        stream, utf8.encode, utf8.decode, utf16.streamreader, utf16.streamwriter, "replace"
    )


def _mac_line_endings(head: bytes) -> bool:
    """Whether lines end in CR alone (Excel for Mac's "CSV", classic Mac OS): no LF at all in
    the first 8 kB, and a CR. Read line by line otherwise, the file is one long line."""
    return b"\r" in head and b"\n" not in head


class _MacLines:
    """A byte stream whose lines end in CR alone, read as lines ending in LF (``readline``,
    as ``_Lines`` reads it); ``tell`` and ``fileno`` are the file's own, for the progress bar."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._buffer = b""

    def readline(self, limit: int = -1) -> bytes:
        while b"\r" not in self._buffer and (limit < 0 or len(self._buffer) < limit):
            chunk = self._stream.read(1 << 16)
            if not chunk:
                break
            self._buffer += chunk
        cut = self._buffer.find(b"\r")
        end = cut + 1 if cut >= 0 else len(self._buffer)
        end = min(end, limit) if limit >= 0 else end
        line, self._buffer = self._buffer[:end], self._buffer[end:]
        return line[:-1] + b"\n" if line.endswith(b"\r") else line

    def tell(self) -> int:
        return self._stream.tell() - len(self._buffer)

    def fileno(self) -> int:
        return self._stream.fileno()


def _refuse_binary(head: bytes) -> None:
    what = next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)
    first_line = head.split(b"\n", 1)[0]
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    if what or b"\x00" in first_line or controls > len(head) // 10:
        raise BadInput(
            "binary data, not CSV or JSON lines" + (f" ({what}?)" if what else "") + f"; {_SAVE_AS}"
        )


_NO_DELIMITER = "\x00"  # a file of one column: NUL never occurs in text
# Excel's first line naming the separator ("sep=;"), which it reads and does not show
SEPARATOR_LINE = re.compile(r'^"?sep=(?P<sep>[,;\t|])"?$')


def _total_row(row: Row) -> bool:
    """A table's sum row: its name cell says total (in a language kvrules reads) and no
    country is given."""
    name = row.name
    if not isinstance(name, str) or len(name) > TOTAL_LONGEST:  # most names: one comparison
        return False
    return name.strip().casefold().rstrip(":") in TOTAL_NAMES and not (row.country or "").strip()


def _key_columns(columns: list[str]) -> list[int | None]:
    """Where the name, country and ror columns are (``_KEYS``' order): a column named so
    exactly, else the first named so in another way ("Land", "Pays", "Partner organisation")."""
    keys = [column_key(c) for c in columns]
    exact = [c.strip().lower() for c in columns]
    return [exact.index(k) if k in exact else (keys.index(k) if k in keys else None) for k in _KEYS]


def _sniff_header(line: str, given: str | None = None) -> tuple[str, list[str]]:
    """The delimiter (``given``, else semicolon, tab or comma) that makes ``line`` a header
    with a ``name`` column, or else the most columns (a tie: the first of comma, semicolon,
    tab, so a file of one column is written back with commas); and the columns."""
    best: tuple[tuple[bool, int], str, list[str]] | None = None
    for delimiter in (given,) if given else (",", ";", "\t"):
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
        rank = (any(column_key(c) == "name" for c in cells), len(cells))
        if best is None or rank > best[0]:
            best = (rank, delimiter, cells)
    assert best is not None
    return best[1], best[2]


class _GivenTwice(ReferenceDataError):
    """A key given twice in one JSON object (caught: the row is a bad row)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are each given once (``json`` keeps the last of a repeat)."""
    doc = dict(pairs)
    if len(doc) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _GivenTwice(key)
            seen.add(key)
    return doc


def _json_kind(doc: object) -> str:
    kinds = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(doc), "a number")


# -- matching --------------------------------------------------------------------------------


def _query(row: Row) -> Query | str:
    """What the row asks the resolver (the name with its spacing normalised, which the resolver
    does first anyway, so a repeat gives the very same result), or why it cannot be asked."""
    if row.error:
        return row.error
    for key, value in (("name", row.name), ("country", row.country), ("ror", row.ror)):
        if value is not None and not isinstance(value, str):
            return f"{key}: text expected, not {type(value).__name__}"
    name = row.name
    if not name or not name.strip():
        return "name: empty"
    if len(name) > MAX_NAME:
        return f"name: {len(name):,} characters (at most {MAX_NAME:,})"
    if not_text(name):
        return "name: not text (binary or not UTF-8)"
    country = (row.country or "").strip()
    if country and (unread := _unread_country(country)):
        # a country that cannot be read never stops a row being screened: matched without it
        row.warning = f"{unread}; matched without a country"
        country = ""
    return " ".join(name.split()), country, (row.ror or "").strip()


def _unread_country(country: str) -> str | None:
    """Why ``country`` is no country kvrules can read, or None when it is one."""
    try:
        to_country(country)
    except ValueError as e:
        return str(e)
    return None


def _shown(text: str) -> str:
    """``text`` from the file, for a message: its control characters written as escapes, so a
    terminal shows them rather than runs them."""
    return _NOT_TEXT.sub(lambda found: ascii(found.group())[1:-1], text)


def not_text(value: str) -> bool:
    """Whether ``value`` holds control characters or bytes that are not text: never a name, and
    never to be echoed to a terminal."""
    return _NOT_TEXT.search(value) is not None


def _match_queries(resolver: Resolver, queries: list[Query]) -> list[Outcome]:
    out: list[Outcome] = []
    for name, country, ror in queries:
        try:
            found = resolver.match(name, country or None, ror or None)
        except ValueError as e:  # an unknown country, an invalid ROR id
            out.append(str(e))
            continue
        out.append([m.as_dict() for m in found])
    return out


_worker_resolver: Resolver | None = None


def _start_worker(path: str, key: str, threshold: float) -> None:
    import signal
    from pathlib import Path

    # Ctrl-C reaches the whole process group: the command stops the workers itself, and a
    # worker's own KeyboardInterrupt would print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_resolver
    _worker_resolver = load(Path(path), key, threshold)
    if _worker_resolver is None:
        raise RuntimeError(f"{path}: the kept index could not be read")


def _worker_chunk(queries: list[Query]) -> list[Outcome]:
    assert _worker_resolver is not None
    return _match_queries(_worker_resolver, queries)


@dataclass
class _Chunk:
    rows: list[Row]
    # per row: ("got", outcome), ("own", i) of this chunk's queries, ("later", chunk, i)
    slots: list[tuple[Any, ...]]
    queries: list[Query]
    pending: Future[list[Outcome]] | None = None
    outcomes: list[Outcome] = field(default_factory=list)


class _Memo:
    """The outcomes of the last :data:`MEMO` distinct queries (least recently used forgotten)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._seen: OrderedDict[Query, Outcome] = OrderedDict()

    def get(self, query: Query) -> Outcome | None:
        found = self._seen.get(query)
        if found is not None:
            self._seen.move_to_end(query)
        return found

    def put(self, query: Query, outcome: Outcome) -> None:
        self._seen[query] = outcome
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)


class _KeepsProcesses:
    """The spawn context, keeping every process it starts: the pool's own list of its workers
    is not part of its API, and ``Workers.close`` stops them."""

    def __init__(self) -> None:
        self._spawn = multiprocessing.get_context("spawn")
        self.processes: list[multiprocessing.process.BaseProcess] = []

    def Process(self, *args: Any, **kwargs: Any) -> multiprocessing.process.BaseProcess:
        """As the context's ``Process`` (its name is the context's API), kept."""
        process = self._spawn.Process(*args, **kwargs)
        self.processes.append(process)
        return process

    def __getattr__(self, name: str) -> Any:  # everything else as the spawn context does it
        return getattr(self._spawn, name)


class Workers:
    """Worker processes that each load the kept index once (spawned, not forked: a copy of this
    process's heap would be touched page by page and grow every worker to its size)."""

    def __init__(self, index: Index, jobs: int | None = None) -> None:
        if index.path is None:
            raise ValueError("worker processes need a kept index")
        self.jobs = jobs or usable_cores()
        self._context = _KeepsProcesses()
        self._pool = ProcessPoolExecutor(
            self.jobs,
            mp_context=self._context,  # type: ignore[arg-type]  # a spawn context, as it reads
            initializer=_start_worker,
            initargs=(str(index.path), index.key, index.threshold),
        )
        # started now, and done once a worker has loaded the index (an empty chunk)
        self.ready: Future[list[Outcome]] = self._pool.submit(_worker_chunk, [])

    def submit(self, queries: list[Query]) -> Future[list[Outcome]]:
        return self._pool.submit(_worker_chunk, queries)

    def close(self) -> None:
        # stopped, not waited for: every result has been read by now (or the run failed), and
        # a worker still loading the index (a short file, matched here first) would otherwise
        # hold the command for the seconds that loading takes
        for process in self._context.processes:
            process.terminate()
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def match_rows(
    source: Resolver | Index,
    rows: Iterable[Row],
    *,
    jobs: int | None = 1,
    workers: Workers | None = None,
    stats: Stats | None = None,
    remember: int = MEMO,
    beside: bool = False,
) -> Iterator[Result]:
    """One result per row, in order; a row that cannot be matched says why.

    ``source``: a resolver, or a store's :class:`~kvrules.refdata.cache.Index` (needed for
    worker processes, which load its kept file). ``jobs``: processes that match, this one and
    ``jobs`` - 1 workers that join it once started; None for every usable core once the input
    has more than :data:`PARALLEL_AFTER` rows. ``workers``: worker processes already started,
    which match every chunk (this process only reads and writes rows), or with ``beside`` the
    chunks this process does not match. ``remember``: distinct queries whose outcomes repeated
    rows reuse (0: every row is matched on its own)."""
    stats = stats if stats is not None else Stats()
    rows = iter(rows)
    if workers is not None and not beside:
        yield from _match(rows, _Counted(workers.submit, stats), 2 * workers.jobs, stats, remember)
        return
    parallel = isinstance(source, Index) and source.path is not None and jobs != 1
    if parallel and jobs is None:  # only when there are many rows: workers take time to start
        ahead = list(islice(rows, PARALLEL_AFTER + 1))
        parallel = len(ahead) > PARALLEL_AFTER and usable_cores() > 1
        rows = chain(ahead, rows)
    resolver = source.resolver() if isinstance(source, Index) else source
    here = partial(_match_queries, resolver)
    if workers is not None:
        both = _Beside(here, workers, stats)
        yield from _match(rows, both, both.window, stats, remember)
        return
    if not parallel:
        yield from _match(rows, here, 1, stats, remember)
        return
    assert isinstance(source, Index)
    with Workers(source, (jobs or usable_cores()) - 1) as started:
        both = _Beside(here, started, stats)
        yield from _match(rows, both, both.window, stats, remember)


class _Counted:
    """Every chunk to the worker processes, counted."""

    def __init__(self, submit: Callable[[list[Query]], Future[list[Outcome]]], stats: Stats):
        self._submit, self._stats = submit, stats

    def __call__(self, queries: list[Query]) -> Future[list[Outcome]]:
        self._stats.by_workers += len(queries)
        return self._submit(queries)


class _Beside:
    """A chunk to a worker process when one has loaded the index and has fewer than two chunks
    waiting, else matched here at once: this process never waits for a worker to start, and a
    worker never waits for work while this one matches a chunk."""

    def __init__(
        self, here: Callable[[list[Query]], list[Outcome]], workers: Workers, stats: Stats
    ) -> None:
        self._here, self._workers, self._stats = here, workers, stats
        self._waiting: deque[Future[list[Outcome]]] = deque()
        # chunks in flight: this process goes on matching while a worker's chunk is late (it
        # shares the cores with others) and waits for it only this many chunks on
        self.window = 2 * workers.jobs + 16

    def __call__(self, queries: list[Query]) -> list[Outcome] | Future[list[Outcome]]:
        waiting = self._waiting
        while waiting and waiting[0].done():
            waiting.popleft()
        ready = self._workers.ready
        if (
            ready.done()
            and ready.exception() is None  # a worker that cannot start: all matched here
            and len(waiting) < 2 * self._workers.jobs
        ):
            waiting.append(self._workers.submit(queries))
            self._stats.by_workers += len(queries)
            return waiting[-1]
        return self._here(queries)


def _match(
    rows: Iterator[Row], submit: Any, window: int, stats: Stats, remember: int
) -> Iterator[Result]:
    """Rows in chunks: each chunk's new queries are matched (``submit``: outcomes, or a future
    of them), up to ``window`` chunks at a time, and the results leave in input order."""
    memo = _Memo(remember)
    asked: dict[Query, tuple[_Chunk, int]] = {}  # in a chunk not yet done
    flight: deque[_Chunk] = deque()
    while True:
        rows_of_chunk = list(islice(rows, CHUNK))
        if rows_of_chunk:
            chunk = _Chunk(rows_of_chunk, [], [])
            for row in rows_of_chunk:
                query = _query(row)
                if isinstance(query, str):
                    chunk.slots.append(("got", query))
                elif not remember:
                    chunk.slots.append(("own", len(chunk.queries)))
                    chunk.queries.append(query)
                elif (outcome := memo.get(query)) is not None:
                    chunk.slots.append(("got", outcome))
                elif query in asked:
                    chunk.slots.append(("later", *asked[query]))
                else:
                    asked[query] = (chunk, len(chunk.queries))
                    chunk.slots.append(("own", len(chunk.queries)))
                    chunk.queries.append(query)
            stats.rows += len(rows_of_chunk)
            stats.matched += len(chunk.queries)
            done = submit(chunk.queries)
            if isinstance(done, Future):
                chunk.pending = done
            else:
                chunk.outcomes = done
            flight.append(chunk)
        if not flight:
            return
        # the chunks already matched leave at once, in order (a worker's may finish before
        # the chunk this process matched after it)
        while flight and (flight[0].pending is None or flight[0].pending.done()):
            yield from _finish(flight.popleft(), memo, asked)
        if flight and (not rows_of_chunk or len(flight) >= window):
            yield from _finish(flight.popleft(), memo, asked)


def _finish(chunk: _Chunk, memo: _Memo, asked: dict[Query, tuple[_Chunk, int]]) -> Iterator[Result]:
    if chunk.pending is not None:
        chunk.outcomes = chunk.pending.result()
    for query, outcome in zip(chunk.queries, chunk.outcomes, strict=True):
        if memo.size:
            memo.put(query, outcome)
            asked.pop(query, None)
    for row, slot in zip(chunk.rows, chunk.slots, strict=True):
        if slot[0] == "got":
            outcome = slot[1]
        elif slot[0] == "own":
            outcome = chunk.outcomes[slot[1]]
        else:  # asked by an earlier chunk, finished before this one
            outcome = slot[1].outcomes[slot[2]]
        if isinstance(outcome, str):
            yield Result(row, error=outcome)
        else:
            yield Result(row, outcome)
    chunk.rows, chunk.slots = [], []  # a later chunk may still read the outcomes


# -- writing ---------------------------------------------------------------------------------


def write_jsonl(results: Iterable[Result], out: IO[str], searched: list[str]) -> None:
    for result in results:
        out.write(json.dumps(result.as_dict(searched), ensure_ascii=False) + "\n")


def write_csv(
    results: Iterable[Result],
    out: IO[str],
    columns: list[str],
    delimiter: str = ",",
    bom: bool = False,
    searched: list[str] | None = None,
    titles: dict[str, str] | None = None,
) -> int:
    """One row per input row: its ``row`` as the input's spreadsheet numbers it, the input's
    columns (a person's nationality left out: ``Input.left_out``), then the top match's fields
    (``match_*``, its list's ``kind`` among them), the number of matches, the others in
    ``other_matches`` ("list@edition name (method, score[, candidate])", "; " between), the
    list editions ``searched`` (so that a row with no match says where it was not found), in
    ``not_screened_in_script`` the lists it was not screened against as its name is in a
    script they hold no names in (``Result.unscreened``, in words: ``titles``), the error, if
    any, what the row was matched without (``warning``: a country that could not be read),
    and a row's text when it could not be read (``raw``, as in JSON lines); separated by
    ``delimiter`` (the input's), after a byte-order mark if ``bom`` (Excel reads UTF-8 by it).
    A cell a spreadsheet would run as a formula is made inert; a value that is not text (from
    JSON lines) is written as JSON; a cell longer than :data:`SPREADSHEET_CELL` is cut, and
    says so at its end. Returns how many cells were cut."""
    header = ["row", *columns, *(f"match_{c}" for c in TOP_COLUMNS)]
    header += ["matches", "other_matches", "searched", "not_screened_in_script"]
    header += ["error", "warning", "raw"]
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if bom:
        out.write("\ufeff")
    writer.writerow([_cell(c) for c in header])
    where = "; ".join(searched or [])
    cut = 0
    for result in results:
        matches = result.matches
        top = matches[0] if matches else {}
        fields = result.row.fields
        row = [result.row.number, *(fields.get(c) for c in columns)]
        row += [top.get(c) for c in TOP_COLUMNS]
        row += [len(matches), "; ".join(map(_other, matches[1:]))]
        row += ["" if result.error else where]
        row += [not_in_script(*result.unscreened, titles) if result.unscreened else None]
        row += [result.error, result.row.warning, result.row.raw]
        cells = [_cell(value) for value in row]
        cut += sum(isinstance(c, str) and len(c) > SPREADSHEET_CELL for c in cells)
        writer.writerow([_fit(c) for c in cells])
    return cut


def _other(match: dict[str, Any]) -> str:
    candidate = ", candidate" if match.get("candidate") else ""
    how = f"{match.get('method')}, {match.get('score', 0):.2f}{candidate}"
    return f"{match.get('list')}@{match.get('edition')} {match.get('name')} ({how})"


def _fit(cell: Any) -> Any:
    """A cell cut to what a spreadsheet cell holds, saying so at its end."""
    if not isinstance(cell, str) or len(cell) <= SPREADSHEET_CELL:
        return cell
    mark = f" … [cut: {len(cell):,} characters; a spreadsheet cell holds {SPREADSHEET_CELL:,}]"
    return cell[: SPREADSHEET_CELL - len(mark)] + mark


def _cell(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return csv_safe(value)
    if kind is float or kind is int:  # as JSON writes them; most cells: kept off json.dumps
        return value
    if kind is bool:
        return "true" if value else "false"
    return "" if value is None else json.dumps(value, ensure_ascii=False)
