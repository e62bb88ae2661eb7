"""Cases, their findings and decisions as CSV or an Excel workbook, for the cases the list's
search and filters select.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula; record
titles and organisation names come from the RIS, which anyone with edit rights there writes.
So in CSV such a cell gets a leading apostrophe (:func:`kvrules.spreadsheet.csv_safe`), and in
the workbook every text is written as a text cell, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kvrules.records import RecordLinks, describe, name_list
from kvrules.rulebook.ir import Severity
from kvrules.ruletitles import RuleTitles, titled_stored
from kvrules.spreadsheet import csv_safe
from kvrules.store import Store
from kvrules.timezone import today
from kvrules.web.auth import error_page, guard, open_store
from kvrules.web.casedata import Filters, case_rows, unknown_status
from kvrules.web.scope import scope

TABLES = ("cases", "findings", "decisions", "mitigations")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def tables(
    store: Store,
    case_ids: list[int],
    links: RecordLinks | None = None,
    today: date | None = None,
    home_country: str | None = None,
    rule_titles: RuleTitles | None = None,
) -> dict[str, Table]:
    """The four tables for these cases (in this order); a case named as on its page (lead,
    partners, the link to the record in the RIS). ``today``: the institution's date, for
    whether a mitigation is overdue (the server's UTC date when not given)."""
    today = today or datetime.now(UTC).date()
    cases = Table(
        "cases",
        [
            "case", "severity", "status", "decision", "pending second approval", "triage",
            "assignee", "title", "kind", "units", "principal investigator", "partners",
            "in the RIS", "source system", "record id", "countries", "rulebooks",
            "risk types", "opened (UTC)", "updated (UTC)", "record deleted at the source",
        ],
        [],
    )  # fmt: skip
    findings = Table(
        "findings",
        [
            "case", "finding", "severity", "title", "route", "rationale", "source",
            "legal basis", "evidence", "since it was found", "first seen (UTC)",
            "last seen (UTC)", "rule (technical)", "evidence (technical)",
        ],
        [],
    )  # fmt: skip
    decisions = Table(
        "decisions",
        [
            "case", "decision id", "decision", "rationale", "re-review on", "by", "at (UTC)",
            "second approval", "approved by", "approved at (UTC)",
        ],
        [],
    )  # fmt: skip
    mitigations = Table(
        "mitigations",
        [
            "case", "mitigation", "decision id", "action", "owner", "due on", "status",
            "overdue", "added (UTC)", "updated (UTC)",
        ],
        [],
    )  # fmt: skip
    for row in case_rows(store, case_ids):
        c = row.case
        label = describe(row.subject, c.source_system, c.record_id, links)
        cases.rows.append(
            [
                c.id, c.severity.value, c.status, c.decision or "", row.pending or "",
                row.triage or "", row.assignee or "", row.title, row.kind,
                name_list(row.units), label.lead or "", label.partner_list(everyone=True),
                label.url or "", c.source_system, c.record_id, name_list(row.countries),
                name_list(row.rulebooks), name_list(row.risks), _when(c.opened_at),
                _when(c.changed_at), row.source_gone or "",
            ]
        )  # fmt: skip
        for stored in titled_stored(store.case_findings(c.id), rule_titles):
            f = stored.finding
            in_words = "; ".join(stored.in_words(row.subject, home_country))
            # with the list entries and the country profiles behind each test, as `show
            # --technical` gives them
            technical = "; ".join(line.strip() for line in stored.technically(row.subject))
            rule = f"{f.rulebook.id}@{f.rulebook.version}/{f.rule_id}"
            findings.rows.append(
                [
                    c.id, stored.id, Severity(f.severity).value, f.rule_title,
                    f.alert or "", f.rationale, f.citation.cite,
                    f.legal_basis or "", in_words, "; ".join(stored.lapse_in_words()),
                    _when(stored.first_seen),
                    _when(stored.last_seen), rule, technical,
                ]
            )  # fmt: skip
        for d in store.decisions(c.id):
            decisions.rows.append(
                [
                    c.id, d.id, d.decision, d.rationale,
                    d.review_due.isoformat() if d.review_due else "", d.actor, _when(d.at),
                    d.approval or "not required", d.approved_by or "", _when(d.approved_at),
                ]
            )  # fmt: skip
        for m in store.mitigations(c.id):
            mitigations.rows.append(
                [
                    c.id, m.id, m.decision_id or "", m.action, m.owner,
                    m.due_on.isoformat() if m.due_on else "", m.status,
                    "yes" if m.overdue(today) else "", _when(m.created_at), _when(m.updated_at),
                ]
            )  # fmt: skip
    return {t.name: t for t in (cases, findings, decisions, mitigations)}


# Excel opens a CSV without a byte-order mark in the machine's ANSI code page: 哈尔滨 and
# Cyrillic titles came out garbled. With it, Excel (and every CSV reader that knows
# "utf-8-sig") reads UTF-8.
UTF8_BOM = "\ufeff"


def as_csv(table: Table) -> str:
    """The table as CSV for a spreadsheet: UTF-8 after a byte-order mark, formulas inert."""
    return "".join(csv_chunks(table))


CSV_ROWS_PER_CHUNK = 500


def csv_chunks(table: Table) -> Iterator[str]:
    """``as_csv`` in pieces of a few hundred rows: a large export is sent as it is written."""
    out = io.StringIO()
    out.write(UTF8_BOM)
    writer = csv.writer(out)
    writer.writerow(table.header)
    for n, row in enumerate(table.rows, 1):
        writer.writerow([csv_safe(v) for v in row])
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def as_xlsx(tables: Iterable[Table]) -> bytes:
    """One sheet per table, header row bold and frozen; text cells are never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.freeze_panes = "A2"
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append(list(_cells(sheet, row, WriteOnlyCell)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(sheet, row: list[Any], cell_type) -> Iterator[Any]:
    for value in row:
        if isinstance(value, str):
            cell = cell_type(sheet, value=value)
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            yield cell
        else:
            yield value


def _today(request: Request) -> date:
    return today(request.app.state.settings.time_zone)


def filename(what: str, extension: str) -> str:
    return f"kvrules-{what}-{datetime.now(UTC):%Y%m%d-%H%M}.{extension}"


def _selected(request: Request, store: Store) -> tuple[list[int], Filters]:
    filters = Filters.from_query(request.query_params)
    ids, _ = store.search_cases(filters.case_query(datetime.now(UTC), scope(request)))
    return ids, filters


def _audit_export(store: Store, request: Request, what: str, filters: Filters, count: int):
    """Who took which cases out of the system (an export is a copy the app no longer guards)."""
    details = {"format": what, "filters": filters.query(), "cases": count}
    store.audit(request.state.user.name, "cases.exported", "export:cases", details)


# An export reads every selected case (seconds to tens of seconds at thousands of cases): it
# runs in Starlette's thread pool, never on the event loop, where it stopped every other
# request (a colleague's sign-in waited for the whole export). Each runs in one thread, as the
# store's connection is used only in the thread that opened it.


def _exported(request: Request, what: str) -> dict[str, Table]:
    with open_store(request) as store:
        ids, filters = _selected(request, store)
        settings = request.app.state.settings
        found = tables(
            store,
            ids,
            settings.links,
            _today(request),
            settings.home_country,
            settings.rule_titles,
        )
        _audit_export(store, request, what, filters, len(ids))
    return found


def _workbook(request: Request) -> bytes:
    return as_xlsx(_exported(request, "xlsx").values())


@guard("view")
async def export_csv(request: Request) -> Response:
    what = request.query_params.get("table", "cases")
    if what not in TABLES:
        return error_page(request, 400, f"Export one of: {', '.join(TABLES)}.")
    if refused := unknown_status(request.query_params):
        return error_page(request, 400, refused)
    table = (await run_in_threadpool(_exported, request, f"csv:{what}"))[what]
    return StreamingResponse(  # a sync iterator: Starlette writes it from its thread pool
        csv_chunks(table),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename(what, "csv")}"'},
    )


@guard("view")
async def export_xlsx(request: Request) -> Response:
    if refused := unknown_status(request.query_params):
        return error_page(request, 400, refused)
    book = await run_in_threadpool(_workbook, request)
    return Response(
        book,
        media_type=XLSX_TYPE,
        headers={"content-disposition": f'attachment; filename="{filename("cases", "xlsx")}"'},
    )
