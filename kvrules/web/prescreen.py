"""Pre-screen a proposed collaboration or visit in the web app, and send it to the committee.

The form describes partners, funders, the topic and, for a visit, the visitor's home
institution and the hosting unit (never a nationality); the answer is the triage, each finding
with its list, edition, entry and citation, and the organisations no list matched. Every
pre-screen is kept and audited. A grant officer sees only their own; the committee side sees
them all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anyio.to_thread
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.findings import Finding
from kvrules.prescreen import Proposal, Screener, Screening
from kvrules.store import Store
from kvrules.store.prescreens import Prescreen
from kvrules.store.users import User
from kvrules.web.auth import error_page, flash, guard, open_store, row_id, settings
from kvrules.web.casedata import evidence_views
from kvrules.web.prescreenform import element_id, form_problems
from kvrules.web.security import can

PARTNER_ROWS = 5
FUNDER_ROWS = 3
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


def _organisation(form: FormData, prefix: str) -> dict[str, str] | None:
    fields = {k: str(form.get(f"{prefix}_{k}", "")).strip() for k in ("name", "country", "ror")}
    if not any(fields.values()):
        return None  # an empty row of the form
    return {k: v for k, v in fields.items() if v}


def filled_rows(form: FormData) -> dict[str, list[int]]:
    """For partners and funders, the form rows filled in: the proposal's n-th partner is the
    form's row ``filled_rows(form)["partners"][n]`` (an empty row between is skipped)."""
    counts = {"partners": ("partner", PARTNER_ROWS), "funders": ("funder", FUNDER_ROWS)}
    return {
        key: [i for i in range(count) if _organisation(form, f"{stem}{i}")]
        for key, (stem, count) in counts.items()
    }


def proposal_document(form: FormData) -> dict[str, Any]:
    """The form's fields as the proposal document ``kvrules check`` and the API read."""
    rows = {
        "partners": [_organisation(form, f"partner{i}") for i in range(PARTNER_ROWS)],
        "funders": [_organisation(form, f"funder{i}") for i in range(FUNDER_ROWS)],
    }
    doc: dict[str, Any] = {key: [o for o in orgs if o] for key, orgs in rows.items()}
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
    # the advisers' "not the same organisation" verdicts count here as in a scan
    with Store.open(db) as store:
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
    """A grant officer sees their own pre-screens; the committee side sees all."""
    return prescreen is not None and (prescreen.actor == user.name or can(user.role, "view"))


def _form_page(
    request: Request,
    form: FormData | None = None,
    error: str | None = None,
    errors: dict[str, str] | None = None,
):
    user = request.state.user
    with open_store(request) as store:
        mine = store.prescreens(None if can(user.role, "view") else user.name)[:50]
    return _render(
        request,
        "prescreen.html",
        {
            "form": form or {},
            "error": error,
            "errors": errors or {},  # field name → its problem, shown beside it
            "error_ids": {field: element_id(field) for field in errors or {}},
            "partner_rows": range(PARTNER_ROWS),
            "funder_rows": range(FUNDER_ROWS),
            "prescreens": mine,
            "configured": settings(request).screener is not None,
        },
        status_code=400 if error or errors else 200,
    )


@guard("prescreen")
async def prescreen_form(request: Request) -> Response:
    return _form_page(request)


@guard("prescreen")
async def prescreen_submit(request: Request) -> Response:
    form = request.state.form
    doc = proposal_document(form)
    try:
        proposal = Proposal.model_validate(doc)
    except ValidationError as exc:
        errors, whole = form_problems(exc, filled_rows(form))
        if whole is None and errors:
            return _form_page(request, form, errors=errors)
        return _form_page(request, form, f"Please check the description: {whole}", errors)
    if not (proposal.partners or proposal.funders or proposal.visit or proposal.topic):
        return _form_page(request, form, "Describe the proposal: a partner, a funder or a topic.")
    try:
        result = await run_screening(request, proposal)
    except LookupError as exc:
        return error_page(request, 503, str(exc))
    with open_store(request) as store:
        prescreen_id = store.record_prescreen(
            proposal=proposal.model_dump(mode="json", exclude_defaults=True),
            result=answer_of(request, result),
            events=result.events,
            actor=request.state.user.name,
            via="web",
        )
    return RedirectResponse(f"/prescreen/{prescreen_id}", status_code=303)


def _explained(prescreen: Prescreen) -> list[tuple[Finding, list]]:
    """Each finding with its evidence resolved to the organisation and the list entries."""
    events = {e["id"]: e for e in prescreen.events}
    findings = [Finding.from_dict(f) for f in prescreen.result["findings"]]
    return [(f, evidence_views(events.get(f.event_id), f.evidence)) for f in findings]


@guard("prescreen")
async def prescreen_page(request: Request) -> Response:
    prescreen_id = row_id(request, "prescreen_id", "pre-screen")
    with open_store(request) as store:
        prescreen = store.prescreen(prescreen_id)
    if prescreen is None or not _visible(prescreen, request.state.user):
        # the same answer whether it does not exist or is someone else's
        return error_page(request, 404, f"There is no pre-screen {prescreen_id} of yours.")
    return _render(
        request,
        "prescreen_result.html",
        {"p": prescreen, "r": prescreen.result, "findings": _explained(prescreen)},
    )


@guard("prescreen-send")
async def prescreen_send(request: Request) -> Response:
    prescreen_id = row_id(request, "prescreen_id", "pre-screen")
    user = request.state.user
    with open_store(request) as store:
        prescreen = store.prescreen(prescreen_id)
        if prescreen is None or not _visible(prescreen, user):
            return error_page(request, 404, f"There is no pre-screen {prescreen_id} of yours.")
        routes = request.app.state.settings.routes
        case_id = store.send_prescreen(prescreen_id, actor=user.name, routes=routes)
    flash(request, f"Sent to the committee as case {case_id}.")
    return RedirectResponse(f"/prescreen/{prescreen_id}", status_code=303)
