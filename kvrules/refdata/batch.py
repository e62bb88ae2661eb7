"""Match a spreadsheet of names in one run (``kvrules match --file``).

Input: CSV with a ``name`` column and optional ``country`` and ``ror`` columns (other columns
are kept as they are), or JSON lines with the same keys. Output: one result per input row, in
input order, with the row's own fields, the matches (the fields of ``kvrules match --json``)
and, for a row that cannot be matched, its number and the reason — a bad row never stops a run.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from kvrules.refdata.resolver import Resolver

Format = Literal["csv", "jsonl"]
MAX_NAME = 1_000  # characters: an organisation name is never longer; a 10 MB cell is an error
MAX_CELL = 64 * 1024 * 1024  # bytes csv may hold for one cell before it gives up
TOP_COLUMNS = (
    *("list", "edition", "entry", "name", "method", "score", "candidate", "ror_id"),
    "explanation",  # which part of the name matched which name of the entry
)

__all__ = ["Result", "Row", "match_rows", "read_rows", "write_csv", "write_jsonl"]


@dataclass
class Row:
    number: int  # 1-based data row (CSV: the header is not counted) or line number (JSON lines)
    fields: dict[str, Any]
    error: str | None = None


@dataclass
class Result:
    row: Row
    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self, searched: list[str]) -> dict[str, Any]:
        doc: dict[str, Any] = {"row": self.row.number, "input": self.row.fields}
        if self.error:
            doc["error"] = self.error
        else:
            doc |= {"query": self.row.fields.get("name"), "matches": self.matches}
            doc["searched"] = searched
        return doc


def read_rows(stream: IO[bytes], fmt: Format) -> Iterator[Row]:
    """Rows of a CSV or JSON-lines stream; undecodable or malformed rows come back with an
    error instead of stopping the read."""
    if fmt == "jsonl":
        yield from _jsonl_rows(stream)
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    if reader.fieldnames is None or "name" not in reader.fieldnames:
        raise ValueError(
            f"the CSV needs a 'name' column (found: {', '.join(reader.fieldnames or []) or 'none'})"
        )
    # A huge cell is read, then refused by length with its row number (the default limit,
    # 128 KiB, would end the run with csv's own error instead). The limit is process-wide:
    # it is restored when the rows are read.
    previous = csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    try:
        number = 0
        while True:
            number += 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield Row(number, {}, f"not a CSV row: {e}")
                continue
            extra = record.pop(None, None)  # type: ignore[call-overload]
            fields = {k: v for k, v in record.items() if k is not None}
            yield Row(number, fields, f"{len(extra)} more cells than columns" if extra else None)
    finally:
        csv.field_size_limit(previous)


def _jsonl_rows(stream: IO[bytes]) -> Iterator[Row]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            yield Row(number, {}, f"not a JSON object: {e}")
            continue
        if not isinstance(doc, dict):
            yield Row(number, {}, "not a JSON object")
            continue
        yield Row(number, doc)


def _problem(row: Row) -> str | None:
    if row.error:
        return row.error
    name, country, ror = (row.fields.get(k) for k in ("name", "country", "ror"))
    for key, value in (("name", name), ("country", country), ("ror", ror)):
        if value is not None and not isinstance(value, str):
            return f"{key}: text expected, not {type(value).__name__}"
    if not name or not name.strip():
        return "name: empty"
    if len(name) > MAX_NAME:
        return f"name: {len(name):,} characters (at most {MAX_NAME:,})"
    if "\x00" in name or "\ufffd" in name:
        return "name: not text (binary or not UTF-8)"
    return None


def match_rows(resolver: Resolver, rows: Iterable[Row]) -> Iterator[Result]:
    """One result per row, in order; a row that cannot be matched says why."""
    for row in rows:
        problem = _problem(row)
        if problem:
            yield Result(row, error=problem)
            continue
        fields = row.fields
        try:
            found = resolver.match(
                fields["name"], fields.get("country") or None, fields.get("ror") or None
            )
        except ValueError as e:  # an unknown country, an invalid ROR id
            yield Result(row, error=str(e))
            continue
        yield Result(row, [m.as_dict() for m in found])


def write_jsonl(results: Iterable[Result], out: IO[str], searched: list[str]) -> None:
    for result in results:
        out.write(json.dumps(result.as_dict(searched), ensure_ascii=False) + "\n")


def write_csv(results: Iterable[Result], out: IO[str], columns: list[str]) -> None:
    """The input's columns, then the top match's fields (``match_*``), the number of matches
    and the error, if any."""
    header = [*columns, *(f"match_{c}" for c in TOP_COLUMNS), "matches", "error"]
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for result in results:
        top = result.matches[0] if result.matches else {}
        writer.writerow(
            {
                **{c: result.row.fields.get(c, "") for c in columns},
                **{f"match_{c}": top.get(c, "") for c in TOP_COLUMNS},
                "matches": len(result.matches),
                "error": result.error or "",
            }
        )
