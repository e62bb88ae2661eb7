"""The flat CSV format: one row per project-partner or project-funder relation.

Rows with the same ``project_id`` make one project (one record, one event). Project columns
may be filled on every row or on one only; filled values must agree. A row may name a partner,
a funder, both, or neither. List columns are ``;``-separated. Header names are case-insensitive;
an unknown column is an error, because a misspelt ``partner_contry`` would silently drop every
partner country, and a missing country hides exactly what screening looks for.

Any bad row quarantines its whole project: screening a project with a partner left out would
look like a clean result.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from kvrules import (
    Classification,
    Funder,
    Identifier,
    KvrulesError,
    LimitExceeded,
    Partner,
    Project,
    RecordLimits,
    check_raw,
    check_refs,
)

from . import encoding
from .encoding import shown
from .records import Found, first_error

# column -> meaning: the documented format (docs/writing-an-adapter.md; a test keeps them equal).
COLUMNS: dict[str, str] = {
    "project_id": "required: the project's id in the RIS; becomes the record id",
    "title": "required on at least one row of the project",
    "start": "project start, YYYY-MM-DD",
    "end": "project end, YYYY-MM-DD",
    "status": "e.g. running, finished",
    "units": ";-separated organisational units",
    "keywords": ";-separated free keywords",
    "classifications": ";-separated scheme:code pairs, e.g. eu-dual-use:3A001",
    "updated_at": "when the project last changed, ISO 8601 (default: the file's mtime)",
    "partner_name": "external partner organisation (empty: no partner on this row)",
    "partner_country": "ISO 3166-1 alpha-2, alpha-3 or English name",
    "partner_ror": "ROR id or URL, e.g. https://ror.org/00wk2mp56",
    "partner_role": "e.g. coordinator, partner, subcontractor",
    "partner_types": ";-separated, e.g. university;company;military",
    "funder_name": "funding organisation (empty: no funder on this row)",
    "funder_country": "ISO 3166-1 alpha-2, alpha-3 or English name",
    "funder_ror": "ROR id or URL",
    "amount": "funding amount, a plain decimal number (1234567.89)",
    "currency": "ISO 4217 code of amount, e.g. EUR",
    "programme": "funding programme or call",
}
PROJECT_COLUMNS = [
    "title", "start", "end", "status", "units", "keywords", "classifications", "updated_at"
]  # fmt: skip

D = TypeVar("D", date, datetime)


class RowError(KvrulesError, ValueError):
    pass


@dataclass
class Draft:
    """A project being assembled from its rows."""

    project_id: str
    first_line: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # column -> (value, line)
    partners: list[Partner] = field(default_factory=list)
    funders: list[Funder] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def _ror(value: str) -> list[Identifier]:
    return [Identifier(scheme="ror", value=value)] if value else []


def _classification(item: str) -> Classification:
    scheme, sep, code = item.partition(":")
    if not sep or not scheme.strip() or not code.strip():
        raise RowError(f"classifications: expected scheme:code, got {shown(item)}")
    return Classification(scheme=scheme.strip(), code=code.strip())


def _partner(row: dict[str, str]) -> Partner | None:
    fields = ("partner_country", "partner_ror", "partner_role", "partner_types")
    if not row.get("partner_name"):
        if any(row.get(f) for f in fields):
            raise RowError("partner_name is empty but other partner columns are filled")
        return None
    return Partner(
        name=row["partner_name"],
        country=row.get("partner_country") or None,
        identifiers=_ror(row.get("partner_ror", "")),
        role=row.get("partner_role") or None,
        types=_split(row.get("partner_types", "")),
    )


def _funder(row: dict[str, str]) -> Funder | None:
    fields = ("funder_country", "funder_ror", "amount", "currency", "programme")
    if not row.get("funder_name"):
        if any(row.get(f) for f in fields):
            raise RowError("funder_name is empty but other funder columns are filled")
        return None
    amount: Decimal | None = None
    if row.get("amount"):
        try:
            amount = Decimal(row["amount"])
        except InvalidOperation:
            raise RowError(f"amount: not a plain decimal number: {shown(row['amount'])}") from None
        if not amount.is_finite():
            raise RowError(f"amount: not a plain decimal number: {shown(row['amount'])}")
    return Funder(
        name=row["funder_name"],
        country=row.get("funder_country") or None,
        identifiers=_ror(row.get("funder_ror", "")),
        amount=amount,
        currency=row.get("currency") or None,
        programme=row.get("programme") or None,
    )


def _add_row(draft: Draft, row: dict[str, str], line: int, limits: RecordLimits) -> None:
    check_raw(row, limits)  # a cell over max_string_chars names its column
    for column in PROJECT_COLUMNS:
        value = row.get(column, "")
        if not value:
            continue
        known = draft.values.setdefault(column, (value, line))
        if known[0] != value:
            raise RowError(
                f"{column} {shown(value)} differs from line {known[1]} ({shown(known[0])})"
            )
    try:
        partner = _partner(row)
    except ValidationError as e:
        raise RowError(_column_error(e, "partner_")) from None
    try:
        funder = _funder(row)
    except ValidationError as e:
        raise RowError(_column_error(e, "funder_")) from None
    if partner is not None and partner not in draft.partners:
        check_refs(len(draft.partners) + len(draft.funders) + 1, limits, "partners and funders")
        draft.partners.append(partner)
    if funder is not None and funder not in draft.funders:
        check_refs(len(draft.partners) + len(draft.funders) + 1, limits, "partners and funders")
        draft.funders.append(funder)


def _when(v: dict[str, str], column: str, kind: type[D]) -> D | None:
    if column not in v:
        return None
    try:
        return kind.fromisoformat(v[column])
    except ValueError:
        raise RowError(f"{column}: not ISO 8601 ({shown(v[column])}), e.g. 2026-01-31") from None


def _project(draft: Draft) -> tuple[Project, datetime | None]:
    v = {column: value for column, (value, _) in draft.values.items()}
    if "title" not in v:
        raise RowError(f"project {shown(draft.project_id)} has no title on any row")
    start, end = _when(v, "start", date), _when(v, "end", date)
    updated = _when(v, "updated_at", datetime)
    project = Project(
        id=draft.project_id,
        title=v["title"],
        start=start,
        end=end,
        status=v.get("status"),
        units=_split(v.get("units", "")),
        keywords=_split(v.get("keywords", "")),
        classifications=[_classification(c) for c in _split(v.get("classifications", ""))],
        partners=draft.partners,
        funders=draft.funders,
    )
    return project, updated


def _unknown_columns(columns: list[str], unknown: list[int]) -> str:
    """Which header cells are not columns, by position, with the known column each is closest
    to (``partner_contry`` -> ``partner_country``): the cell itself is not quoted."""
    parts = []
    for n in unknown:
        close = difflib.get_close_matches(columns[n - 1], list(COLUMNS), n=1, cutoff=0.8)
        parts.append(f"{n} (did you mean {close[0]}?)" if close else str(n))
    return f"unknown column(s) at position(s) {', '.join(parts)} of {len(columns)}"


def _reader(text: str, delimiter: str | None) -> Iterator[tuple[int, list[str]]]:
    if delimiter is None:
        header = text.split("\n", 1)[0]
        # Excel in many European locales exports ';'-separated "CSV".
        delimiter = max(",;\t", key=header.count)
    # The whole file is in memory already; the csv module's own cell limit (128 KiB) would
    # raise out of the file and stop every later project. Cells are checked per row instead.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1  # a quoted field may span lines


def parse(
    path: Path, text: str, delimiter: str | None = None, limits: RecordLimits | None = None
) -> Iterator[Found]:
    """Projects in ``text`` (the content of ``path``) in order of first appearance."""
    limits = limits or RecordLimits()
    rows = _reader(text, delimiter)
    header_line, header = next(rows, (1, []))
    # A header kvrules cannot use is never quoted: the "file" may be anything (a key file put
    # in the folder), and a reason is kept in the audit log. Positions and known names only.
    if bad := next((n for n, c in enumerate(header, 1) if encoding.undecodable(c)), None):
        reason = f"header: column {bad}: {encoding.first_bad_byte(header[bad - 1])}"
        yield Found.at(path, header_line, reason)
        return
    columns = [c.strip().lower() for c in header]
    unknown = [n for n, c in enumerate(columns, 1) if c not in COLUMNS]
    if "project_id" not in columns or unknown:
        reason = _unknown_columns(columns, unknown) if unknown else "no project_id column"
        yield Found.at(path, header_line, reason)
        return
    drafts: dict[str, Draft] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            reason = f"{len(cells)} cells, the header has {len(columns)}"
            at = columns.index("project_id")
            pid = cells[at].strip() if at < len(cells) else ""
            draft = drafts.get(pid)
            if draft is None:
                yield Found.at(path, line, reason)
            else:
                draft.errors.append(f"{path}:{line}: {reason}")
            continue
        row = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        pid = row["project_id"]
        if not pid:
            yield Found.at(path, line, "project_id is empty")
            continue
        if encoding.undecodable(pid):  # not an id SQLite or a terminal could take
            yield Found.at(path, line, f"project_id: {encoding.not_utf8(pid)}")
            continue
        draft = drafts.setdefault(pid, Draft(pid, line))
        if bad := [c for c, v in row.items() if encoding.undecodable(v)]:
            draft.errors += [f"{path}:{line}: {c}: {encoding.not_utf8(row[c])}" for c in bad]
            continue
        try:
            _add_row(draft, row, line, limits)
        except (RowError, ValidationError, LimitExceeded) as e:
            draft.errors.append(f"{path}:{line}: {_reason(e)}")
    for draft in drafts.values():
        yield _finish(path, draft)


def _finish(path: Path, draft: Draft) -> Found:
    if draft.errors:
        return Found.failed(draft.project_id, "; ".join(draft.errors))
    try:
        project, updated = _project(draft)
    except (RowError, ValidationError) as e:
        return Found.failed(draft.project_id, f"{path}:{draft.first_line}: {_reason(e)}")
    return Found(draft.project_id, project=project, updated_at=updated)


# Model field -> CSV column, so a reason names the column to fix in the export.
_FUNDER_COLUMNS = {"amount": "amount", "currency": "currency", "programme": "programme"}


def _column_error(e: ValidationError, prefix: str) -> str:
    field = str(e.errors()[0]["loc"][0]) if e.errors()[0]["loc"] else ""
    column = _FUNDER_COLUMNS.get(field) if prefix == "funder_" else None
    column = column or (f"{prefix}ror" if field == "identifiers" else prefix + field)
    reason = first_error(e)
    return f"{column}{reason[len(field) :]}" if field and reason.startswith(field) else reason


def _reason(e: Exception) -> str:
    return first_error(e) if isinstance(e, ValidationError) else str(e)
