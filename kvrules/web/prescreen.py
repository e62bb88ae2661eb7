"""Pre-screen a proposed collaboration or visit in the web app, and send it to the committee.

The form describes partners, funders, the topic and, for a visit, the visitor's home
institution and the hosting unit (never a nationality); the answer is the triage, each finding
with its list, edition, entry and citation, and the organisations no list matched. Every
pre-screen is kept and audited. A grant officer sees only their own; the committee side sees
them all.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.errors import KvrulesError
from kvrules.findings import Finding
from kvrules.prescreen import Proposal, Screener, Screening
from kvrules.refdata.columns import column_key
from kvrules.store import Store
from kvrules.store.prescreens import Prescreen
from kvrules.store.users import User
from kvrules.web.auth import error_page, flash, guard, open_store, row_id, settings
from kvrules.web.casedata import evidence_views
from kvrules.web.prescreenform import PASTE_LABELS, element_id, form_problems
from kvrules.web.security import can

# Rows the page shows (without JavaScript; its script adds more in the page). However many are
# posted, every one is read (``posted_rows``): a consortium larger than the page is not cut.
PARTNER_ROWS = 15
FUNDER_ROWS = 5
# Rows read from one post at most: a post with more is refused in words, never cut short
MAX_ROWS = 500
ROW_FIELD = re.compile(r"^(?P<stem>partner|funder)(?P<row>\d{1,6})_(?P<field>[a-z]+)$")
ORGANISATION_FIELDS = ("name", "country", "ror")
FUNDER_FIELDS = (*ORGANISATION_FIELDS, "amount", "currency")
# The fields and files a pre-screen post may hold, read before ``MAX_ROWS`` is checked:
# Starlette's default (1000 fields) refused 334 partner rows (3 fields each) with a generic
# "Too many fields" page, all typed lost. Room for twice ``MAX_ROWS`` of both kinds, so a
# post over ``MAX_ROWS`` is still read, and shown again with its rows (``TooManyRows``).
OTHER_FIELDS = 50  # csrf_token, title, topic, keywords, units, paste boxes, the visit's …
FORM_FIELDS = 2 * MAX_ROWS * (len(ORGANISATION_FIELDS) + len(FUNDER_FIELDS)) + OTHER_FIELDS
FORM_FILES = 1  # the partners file
# the paste boxes, one organisation a line as `kvrules check --partner` takes it: NAME (CC)
PASTED = {"partners": "partners_text", "funders": "funders_text"}
# the CSV (or JSON lines, or workbook) of partners, read by the reader `kvrules match --file`
# uses; and the workbook's sheet to read (as `match --sheet`; empty: the one open when saved)
PARTNERS_FILE = "partners_file"
PARTNERS_SHEET = "partners_sheet"
# A partners file is one consortium, at most MAX_ROWS rows: tens of kilobytes. A larger upload
# is refused before it is read (penetration test, 2026-12-07: a 25 MB file was read and parsed
# whole, twice, on the event loop: 29 s for one request, server RSS 127 → 877 MB).
MAX_FILE_BYTES = 2 * 1024 * 1024
# The whole post: the partners file and every typed row beside it (500 + 500 rows of text).
FORM_MAX_BYTES = MAX_FILE_BYTES + 1024 * 1024
LIST_SEPARATOR = re.compile(r"[,;\n]")
# Unit names hold commas ("Department of Physics, Chemistry and Biology"): only ; or a new line
UNIT_SEPARATOR = re.compile(r"[;\n]")
NOT_CONFIGURED = (
    "Pre-screening is not set up on this server: it needs the rulebooks and reference lists "
    "of a configuration (start it with `kvrules serve --config …`)."
)


def _render(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


def _words(text: Any, separator: re.Pattern[str] = LIST_SEPARATOR) -> list[str]:
    return [w.strip() for w in separator.split(str(text or "")) if w.strip()]


class TooManyRows(KvrulesError, ValueError):
    """A post with more organisation rows than ``MAX_ROWS``: refused, not cut short."""


def _organisation(
    form: FormData, prefix: str, keys: tuple[str, ...] = ORGANISATION_FIELDS
) -> dict[str, str] | None:
    fields = {k: str(form.get(f"{prefix}_{k}", "")).strip() for k in keys}
    if not any(fields.values()):
        return None  # an empty row of the form
    return {k: v for k, v in fields.items() if v}


def _row_numbers(form: FormData) -> dict[str, list[int]]:
    """For partners and funders, the row numbers posted (any ``partnerN_…`` field, whatever N),
    in order: the page's rows, those its script added, or a client's own."""
    found: dict[str, set[int]] = {"partner": set(), "funder": set()}
    for key in form:
        if (m := ROW_FIELD.match(key)) is not None:
            found[m["stem"]].add(int(m["row"]))
    return {stem: sorted(numbers) for stem, numbers in found.items()}


def posted_rows(form: FormData) -> dict[str, list[int]]:
    """``_row_numbers``, refused (``TooManyRows``) when either kind has over ``MAX_ROWS``."""
    rows = _row_numbers(form)
    for stem, numbers in rows.items():
        if len(numbers) > MAX_ROWS:
            raise TooManyRows(
                f"{len(numbers)} {stem} rows were sent; one pre-screen reads at most {MAX_ROWS} "
                "(none was left out: nothing was screened)"
            )
    return rows


# each list of organisations: its rows' stem and the fields a row has
STEMS = {"partners": ("partner", ORGANISATION_FIELDS), "funders": ("funder", FUNDER_FIELDS)}


# cells of a line pasted from a spreadsheet (tab separated), in the order of its columns
PASTED_CELLS = {
    "partners": ("name", "country", "ror"),
    "funders": ("name", "country", "amount", "currency"),
}


def _pasted(form: FormData, key: str) -> list[tuple[int, str | dict[str, str]]]:
    """The paste box's lines that hold something, with their line numbers (1-based): 'NAME
    (CC)', or cells copied from a spreadsheet (tab separated: name, country, then ror for a
    partner, amount and currency for a funder); a pasted header line is skipped."""
    lines = str(form.get(PASTED[key], "") or "").splitlines()
    found: list[tuple[int, str | dict[str, str]]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if "\t" not in line:
            found.append((n, line.strip()))
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not found and column_key(cells[0]) == "name":
            continue  # the spreadsheet's header, copied with the rows
        fields = dict(zip(PASTED_CELLS[key], cells, strict=False))
        found.append((n, {k: v for k, v in fields.items() if v}))
    return found


def pasted_problems(form: FormData) -> dict[str, str]:
    """A pasted line with more cells than the box reads (they would be lost), by its box."""
    problems: dict[str, str] = {}
    for key, field_name in PASTED.items():
        wanted = PASTED_CELLS[key]
        for n, line in enumerate(str(form.get(field_name, "") or "").splitlines(), 1):
            cells = [c for c in line.split("\t") if c.strip()]
            if "\t" in line and len(cells) > len(wanted):
                problems[field_name] = (
                    f"{PASTE_LABELS[field_name]}, line {n}: {len(cells)} cells; paste the "
                    f"{', '.join(wanted[:-1])} and {wanted[-1]} columns only (in that order)"
                )
                break
    return problems


def filled_rows(
    form: FormData, partners_file: PartnersFile | None = None
) -> dict[str, list[int | tuple[str, int]]]:
    """For partners and funders, where each organisation of the proposal came from: the form
    row (its number), else the paste box or the partners file and the line ((field, line)).
    The proposal's n-th partner is ``filled_rows(form)["partners"][n]``. ``partners_file``:
    the file as ``read_partners_file`` read it for this request (None: read it here)."""
    partners_file = partners_file or read_partners_file(form)
    posted = posted_rows(form)
    rows: dict[str, list[int | tuple[str, int]]] = {}
    for key, (stem, keys) in STEMS.items():
        rows[key] = [i for i in posted[stem] if _organisation(form, f"{stem}{i}", keys)]
        rows[key] += [(PASTED[key], n) for n, _ in _pasted(form, key)]
    rows["partners"] += [(PARTNERS_FILE, n) for n, _ in partners_file.rows]
    return rows


@dataclass(frozen=True)
class PartnersFile:
    """The partners file of one request, read once: its rows, (line, organisation) or (line,
    the problem with that row), and why it was refused whole (too large, too many rows, not
    names), one line each."""

    rows: list[tuple[int, dict[str, str] | str]] = field(default_factory=list)
    refused: str | None = None
    name: str = "the partners file"  # as the upload names it
    notes: list[str] = field(default_factory=list)  # columns read so, or not read; totals
    said_at: str = PARTNERS_FILE  # the form field the refusal is said at (a sheet not there)

    @property
    def problems(self) -> list[str]:
        """What stops the pre-screen, one line each: refused, never skipped. A row is named
        as the spreadsheet numbers it (the header is row 1)."""
        if self.refused:
            return [self.refused]
        return [f"{self.name}, row {n}: {row}" for n, row in self.rows if isinstance(row, str)]


def read_partners_file(form: FormData) -> PartnersFile:
    """The partners file's rows, read by the reader of `kvrules match --file` (CSV with
    a name column and optional country and ror columns, as Excel saves it, or JSON lines). A
    file over ``MAX_FILE_BYTES`` is refused unread; reading stops at row ``MAX_ROWS + 1``.
    Blocking (the upload may be on disk): call it off the event loop."""
    from kvrules.refdata.batch import BadInput, Input

    upload = form.get(PARTNERS_FILE)
    sheet = str(form.get(PARTNERS_SHEET, "") or "").strip() or None
    chosen = upload is not None and not isinstance(upload, str) and bool(upload.filename)
    if sheet is not None and not chosen:
        # a form sent again after "no such sheet" has lost its file (a browser never keeps
        # one): screened without it, it read as a proposal with no partners (reviewer).
        # Refused as `kvrules match --sheet` without --file is.
        return PartnersFile(
            refused=f"a sheet ({sheet}) is named but no partners file is chosen: choose the "
            "file again (a browser does not keep it when the form is shown again), or empty "
            "the sheet's box",
            said_at=PARTNERS_FILE,
        )
    if upload is None or isinstance(upload, str):
        return PartnersFile()
    name = upload.filename or "the partners file"
    too_large = (
        f"{name}: larger than {MAX_FILE_BYTES // 2**20} MB, the most one pre-screen reads "
        f"({MAX_ROWS} rows are some tens of kB); nothing was screened"
    )
    if upload.size is not None and upload.size > MAX_FILE_BYTES:  # said by the form parser
        return PartnersFile(refused=too_large)
    upload.file.seek(0)
    data = upload.file.read(MAX_FILE_BYTES + 1)
    upload.file.seek(0)
    if len(data) > MAX_FILE_BYTES:
        return PartnersFile(refused=too_large)
    if not data.strip():
        return PartnersFile()
    rows: list[tuple[int, dict[str, str] | str]] = []
    try:
        reader = Input(io.BufferedReader(io.BytesIO(data)), sheet=sheet)  # type: ignore[arg-type]
        for row in reader:
            if len(rows) == MAX_ROWS:  # this is row MAX_ROWS + 1: refused whole, not cut
                return PartnersFile(
                    rows,
                    f"{name}: more than {MAX_ROWS} rows; one pre-screen reads at most "
                    f"{MAX_ROWS} (none was left out: nothing was screened)",
                )
            if row.error:
                rows.append((row.number, row.error))
                continue
            org = {
                k: str(v).strip()
                for k, v in (("name", row.name), ("country", row.country), ("ror", row.ror))
                if v is not None and str(v).strip()
            }
            if org and "name" not in org:  # said as `match --file` says it
                rows.append((row.number, "name: empty"))
            elif org:  # the committee reads where each partner came from
                rows.append((row.number, {**org, "source": f"{name}, row {row.number}"}))
        notes = [f"{name}: {note}" for note in reader.column_notes()]
        if unread := reader.unread_columns():
            notes.append(
                f"{name}: column{'s' if len(unread) > 1 else ''} "
                f"{', '.join(map(repr, unread))} not read (a pre-screen reads the name, "
                "country and ror columns)"
            )
    except BadInput as e:  # the file as a whole: said once, without a row
        # a sheet the workbook does not have is said at the sheet's box, naming those it has
        at = PARTNERS_SHEET if sheet is not None and str(e).startswith("no sheet") else None
        return PartnersFile(refused=f"{name}: {e}", name=name, said_at=at or PARTNERS_FILE)
    return PartnersFile(rows, name=name, notes=notes)


def proposal_document(form: FormData, partners_file: PartnersFile | None = None) -> dict[str, Any]:
    """The form's fields as the proposal document ``kvrules check`` and the API read: every
    row posted, then the paste box's lines ('NAME (CC)', read as ``check --partner`` reads
    them), then the partners file's rows (``partners_file``: as read for this request; None:
    read here)."""
    partners_file = partners_file or read_partners_file(form)
    posted = posted_rows(form)
    doc: dict[str, Any] = {}
    for key, (stem, keys) in STEMS.items():
        orgs: list[Any] = [_organisation(form, f"{stem}{i}", keys) for i in posted[stem]]
        doc[key] = [o for o in orgs if o] + [line for _, line in _pasted(form, key)]
    doc["partners"] += [row for _, row in partners_file.rows if not isinstance(row, str)]
    if title := str(form.get("title", "")).strip():
        doc["title"] = title
    if topic := str(form.get("topic", "")).strip():
        doc["topic"] = topic
    doc["keywords"] = _words(form.get("keywords"))
    doc["units"] = _words(form.get("units"), UNIT_SEPARATOR)
    home = _organisation(form, "visitor")
    host_unit = str(form.get("host_unit", "")).strip()
    if home or host_unit:
        doc["visit"] = {"home_institution": home or {}, "host_unit": host_unit or None}
    return doc


def _screen_with_verdicts(screener: Screener, db: Path, proposal: Proposal) -> Screening:
    # the advisers' "not the same organisation" verdicts count here as in a scan; only read
    with Store.open(db, read_only=True) as store:
        return screener(proposal, verdicts=store)


async def run_screening(request: Request, proposal: Proposal) -> Screening:
    """Screen off the event loop: the engine takes a core for a moment, other pages go on."""
    screener: Screener | None = settings(request).screener
    if screener is None:
        raise LookupError(NOT_CONFIGURED)
    return await anyio.to_thread.run_sync(
        _screen_with_verdicts, screener, settings(request).db, proposal
    )


def answer_of(request: Request, result: Screening) -> dict[str, Any]:
    """The screening as stored and answered, with the notes the server's configuration calls
    for (an unset home_country: no funder or partner was counted as foreign). A note is no
    error: it sits beside the triage, and is kept with the pre-screen it applied to."""
    answer = result.as_dict()
    if note := settings(request).home_country_note:
        answer["notes"] = [note]
    return answer


def _visible(prescreen: Prescreen | None, user: User) -> bool:
    """A grant officer sees their own pre-screens; the committee side sees all, unless its
    account is limited to some units (``kvrules.web.scope``): then its own only."""
    return prescreen is not None and (prescreen.actor == user.name or _sees_all(user))


def _sees_all(user: User) -> bool:
    return can(user.role, "view") and user.units is None


def visible_prescreen(request: Request, store: Store) -> Prescreen:
    """The pre-screen the path names, when the user may see it (``_visible``); else 404, the
    same answer whether it does not exist or is someone else's."""
    prescreen_id = row_id(request, "prescreen_id", "pre-screen")
    prescreen = store.prescreen(prescreen_id)
    if prescreen is None or not _visible(prescreen, request.state.user):
        raise HTTPException(404, f"There is no pre-screen {prescreen_id} of yours.")
    return prescreen


def _form_page(
    request: Request,
    form: FormData | None = None,
    error: str | None = None,
    errors: dict[str, str] | None = None,
):
    user = request.state.user
    with open_store(request) as store:
        mine = store.prescreens(None if _sees_all(user) else user.name)[:50]
    return _render(
        request,
        "prescreen.html",
        {
            "form": form or {},
            "error": error,
            "errors": errors or {},  # field name → its problem, shown beside it
            "error_ids": {field: element_id(field) for field in errors or {}},
            # every row posted is shown again (an error never loses one), and at least the
            # page's own number
            "partner_rows": _shown_rows(form, "partner", PARTNER_ROWS),
            "funder_rows": _shown_rows(form, "funder", FUNDER_ROWS),
            "prescreens": mine,
            "configured": settings(request).screener is not None,
            # how the amount and currency fields are read, said beside them; the currency's
            # example is the home currency (reviewer: "EUR" on a US site)
            "amounts_written": amounts_written(
                settings(request).decimal_separator,
                _currency_example(settings(request).home_country),
            ),
        },
        status_code=400 if error or errors else 200,
    )


def _shown_rows(form: FormData | None, stem: str, least: int) -> list[int]:
    """The row numbers the page shows: those posted (over ``MAX_ROWS`` too: a post refused
    for it is shown again as typed), then new ones up to ``least``."""
    posted = _row_numbers(form)[stem] if form else []
    rows = list(posted)
    nxt = (max(posted) + 1) if posted else 0
    while len(rows) < least:
        rows.append(nxt)
        nxt += 1
    return rows


@guard("prescreen")
async def prescreen_form(request: Request) -> Response:
    return _form_page(request)


def _too_large(request: Request, reason: str) -> Response:
    """A post beyond ``FORM_FIELDS`` or ``FORM_FILES`` (no page sends one): nothing of it was
    read, so the form comes back empty, with one line saying why."""
    return _form_page(
        request,
        None,
        f"Please check the description: the form sent could not be read ({reason.rstrip('.')}); "
        f"one pre-screen reads at most {MAX_ROWS} partner and {MAX_ROWS} funder rows and one "
        "partners file (nothing was screened).",
    )


@guard(
    "prescreen",
    max_fields=FORM_FIELDS,
    max_files=FORM_FILES,
    max_bytes=FORM_MAX_BYTES,
    refused=_too_large,
)
async def prescreen_submit(request: Request) -> Response:
    form = request.state.form
    # read once, off the event loop: a file being read never holds up other people's pages
    partners_file = await anyio.to_thread.run_sync(read_partners_file, form)
    try:
        doc = proposal_document(form, partners_file)
    except TooManyRows as exc:  # shown again as typed, every row
        return _form_page(request, form, f"Please check the description: {exc}.")
    if pasted := pasted_problems(form):
        return _form_page(request, form, errors=pasted)
    if unread := partners_file.problems:
        # in the list of problems (linking to the field) and beside the field, as any field's
        # problem; not a third time in a line of its own above them
        said = "; ".join(unread)
        return _form_page(request, form, errors={partners_file.said_at: said})  # names the file
    try:
        # the site's decimal separator (config ``decimal_separator``) reads "250,000"
        context = {"decimal_separator": settings(request).decimal_separator}
        proposal = Proposal.model_validate(doc, context=context)
    except ValidationError as exc:
        errors, whole = form_problems(exc, filled_rows(form, partners_file))
        if whole is None and errors:
            return _form_page(request, form, errors=errors)
        return _form_page(request, form, f"Please check the description: {whole}", errors)
    if not (proposal.partners or proposal.funders or proposal.visit or proposal.topic):
        return _form_page(request, form, "Describe the proposal: a partner, a funder or a topic.")
    try:
        result = await run_screening(request, proposal)
    except LookupError as exc:
        return error_page(request, 503, str(exc))
    answer = answer_of(request, result)
    if partners_file.notes:  # how the file was read, kept with the pre-screen it applied to
        answer["notes"] = [*answer.get("notes", []), *partners_file.notes]
    with open_store(request) as store:
        prescreen_id = store.record_prescreen(
            proposal=proposal.model_dump(mode="json", exclude_defaults=True),
            result=answer,
            events=result.events,
            actor=request.state.user.name,
            via="web",
        )
    return RedirectResponse(f"/prescreen/{prescreen_id}", status_code=303)


def amounts_written(separator: str | None, currency_example: str = "EUR") -> str:
    """How the form reads an amount, said once above the funders: the site's decimal
    separator (config ``decimal_separator``), or that one separator before three digits is
    refused without it; and that no currency is assumed. The currency box holds no
    placeholder: a grey "EUR" in it read as a default that was never applied (reviewer,
    2026-12-07: the award went uncompared, and the answer still read complete)."""
    if separator == ".":
        read = "Amounts are read with a decimal point, as 250,000 or 250,000.50."
    elif separator == ",":
        read = "Amounts are read with a decimal comma, as 250.000 or 250.000,50."
    else:
        read = (
            "Write amounts as 250000 (or 250000.50), or with both separators (250,000.00 or "
            "250.000,00): 250,000 alone could be thousands or a fraction."
        )
    return (
        f"{read} Give each amount's currency as its three-letter code, such as "
        f"{currency_example}: none is assumed, and an amount without one is compared with no "
        "threshold, so the pre-screen is not complete."
    )


def _currency_example(home_country: str | None) -> str:
    """The home country's currency, or EUR where none is set (the shipped rulebooks' own)."""
    from kvrules.enrich.funding import home_currency

    return (home_currency(home_country) if home_country else None) or "EUR"


def _explained(prescreen: Prescreen, home_country: str | None = None) -> list[tuple[Finding, list]]:
    """Each finding with its evidence resolved to the organisation and the list entries."""
    events = {e["id"]: e for e in prescreen.events}
    findings = [Finding.from_dict(f) for f in prescreen.result["findings"]]
    return [
        (f, evidence_views(events.get(f.event_id), f.evidence, home_country=home_country))
        for f in findings
    ]


@guard("prescreen")
async def prescreen_page(request: Request) -> Response:
    from kvrules.prescreen_record import VERSIONS_RECORDED_SINCE, screened_lines

    with open_store(request) as store:
        prescreen = visible_prescreen(request, store)
    return _render(
        request,
        "prescreen_result.html",
        {
            "p": prescreen,
            "r": prescreen.result,
            "findings": _explained(prescreen, settings(request).home_country),
            "described": screened_lines(prescreen.proposal, settings(request).home_country),
            "versions_recorded_since": VERSIONS_RECORDED_SINCE,  # a pre-screen stored before
        },
    )


@guard("prescreen")
async def prescreen_markdown_file(request: Request) -> Response:
    """The pre-screen as ``kvrules check --output FILE.md`` writes it, for the grant file."""
    from kvrules.prescreen_record import prescreen_markdown

    with open_store(request) as store:
        prescreen = visible_prescreen(request, store)
    site = settings(request)
    text = prescreen_markdown(
        prescreen.proposal,
        {"reference": prescreen.reference, **prescreen.result},
        prescreen.events,
        at=prescreen.at,
        tz=site.time_zone,
        home_country=site.home_country,
    )
    name = f"prescreen-{prescreen.id}-{prescreen.reference}.md"
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@guard("prescreen-send")
async def prescreen_send(request: Request) -> Response:
    with open_store(request) as store:
        prescreen = visible_prescreen(request, store)
        routes = request.app.state.settings.routes
        case_id = store.send_prescreen(prescreen.id, actor=request.state.user.name, routes=routes)
    flash(request, f"Sent to the committee as case {case_id}.")
    return RedirectResponse(f"/prescreen/{prescreen.id}", status_code=303)
