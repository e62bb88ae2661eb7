"""Case pages and the workflow actions on them: triage, adjudicate a match, decide, mitigate."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kvrules.case_notes import one_organisation_of
from kvrules.history import case_words, decision_in_words, listed_names
from kvrules.plain import not_found_in, not_in_script, screened_in_words
from kvrules.records import describe
from kvrules.refdata.normalise import without_script
from kvrules.rulebook.ir import Severity
from kvrules.rulebook.risks import risk_types
from kvrules.ruletitles import titled_stored
from kvrules.store import Store
from kvrules.store.adjudications import key as adjudication_key
from kvrules.store.audit import SEARCH_SUBJECT, SEARCHED, VIEWED, AuditEntry, viewed_subject
from kvrules.store.cases import CASE_STATUSES, DECISIONS
from kvrules.store.casesearch import PENDING_APPROVAL, CaseQuery
from kvrules.store.casework import BULK_STATUSES
from kvrules.store.changes import CaseChanged
from kvrules.store.closing import not_closed_in_words
from kvrules.store.committee import MITIGATION_STATUSES, TRIAGE
from kvrules.store.credential_origins import PAIR_WINDOW
from kvrules.store.writeback import left_in_words
from kvrules.thresholds import NOTE
from kvrules.timezone import local_time, today
from kvrules.unscreened import not_screened_on_country, visit_facts
from kvrules.web.adjudicable import (
    NOT_THIS_CASES,
    OUTSIDE_SCOPE,
    hidden_cases_holding,
    match_keys,
)
from kvrules.web.auth import error_page, flash, guard, open_store, row_id
from kvrules.web.casedata import (
    Filters,
    case_rows,
    evidence_views,
    organisations_of,
    unknown_status,
    whole_number,
)
from kvrules.web.caseform import (
    MITIGATION_ROWS,
    FormProblem,
    bulk_stale_message,
    case_version,
    read_adjudication,
    read_decision,
    read_mitigation,
    seen_version,
    stale_message,
)
from kvrules.web.looks import audit_look
from kvrules.web.scope import scope


def _render(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


def _case_id(request: Request) -> int:
    return row_id(request, "case_id", "case")


def _back(request: Request, case_id: int, message: str) -> Response:
    flash(request, message)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


PAGE_SIZE = 100  # cases per page of the list


@guard("view")
async def case_list(request: Request) -> Response:
    if refused := unknown_status(request.query_params):
        return error_page(request, 400, refused)
    filters = Filters.from_query(request.query_params)
    if filters.q:
        # who searched for what: a search names people ("Anna Kim"), so it is audited for the
        # data-protection officer (and found, and erased, by `kvrules privacy`), never put in
        # the access log (``kvrules.web.accesslog``)
        audit_look(request, SEARCHED, SEARCH_SUBJECT, {"q": filters.q})
    return _list_view(request, filters)


def _list_view(
    request: Request,
    filters: Filters,
    *,
    typed: Any = None,
    changes: list[AuditEntry] | None = None,
    status_code: int = 200,
) -> Response:
    """The case list; after a bulk change refused because a case changed since the list was
    drawn, with the change and the cases ticked as they were (``typed``) and what changed."""
    wanted = whole_number(request.query_params.get("page", "")) or 1  # 0: the first
    zone = request.app.state.settings.time_zone
    with open_store(request) as store:
        query = filters.case_query(datetime.now(UTC), scope(request))
        _, matching = store.search_cases(query, limit=0)
        pages = max(1, -(-matching // PAGE_SIZE))
        page = min(wanted, pages)
        first = (page - 1) * PAGE_SIZE
        ids, _ = store.search_cases(query, limit=PAGE_SIZE, offset=first)
        rows = case_rows(store, ids)
        total = store.search_cases(CaseQuery(scope=scope(request)), limit=0)[1]
        facets = store.case_facets(scope(request))
        advisers = store.advisers()
        # committee accounts an admin set up lately: told to the committee (credential_origins)
        set_up = store.committee_accounts_set_up(datetime.now(UTC) - PAIR_WINDOW)
        # what the bulk form carries: the log's newest entry, so a change made from a list
        # drawn before a colleague's change to one of its cases is refused (kvrules.store.changes)
        version = store.audit_head()[0]
    typed = typed or {}
    return _render(
        request,
        "cases.html",
        {
            "version": version,
            "committee_set_up": set_up,
            "typed": typed,
            "ticked": {str(v) for v in typed.getlist("case")} if typed else set(),
            "notice": (
                bulk_stale_message(changes, lambda at: local_time(at, zone)) if changes else None
            ),
            "rows": rows,
            "matching": matching,
            "first": first + 1,
            "page": page,
            "pages": pages,
            "total": total,
            "filters": filters,
            "risk_types": risk_types(),
            "severities": [s.value for s in reversed(Severity)],
            "statuses": (*CASE_STATUSES, PENDING_APPROVAL),
            "triages": (*TRIAGE, "untriaged"),
            "advisers": advisers,
            "bulk_statuses": BULK_STATUSES,
            "rulebook_titles": request.app.state.settings.rulebook_titles,
            **facets,
        },
        status_code=status_code,
    )


def _bulk_targets(store, form, units: tuple[str, ...] | None) -> tuple[list[int], Filters]:
    """The cases a bulk change applies to: those ticked, or every case the list's filters
    (carried in ``f_*`` fields) match; and those filters, to return to the same list. Within
    the account's ``units``: a ticked case of another unit is "no case" (KeyError)."""
    filters = Filters.from_query({k[2:]: str(v) for k, v in form.items() if k.startswith("f_")})
    if form.get("scope") == "matching":
        ids, _ = store.search_cases(filters.case_query(datetime.now(UTC), units))
        return ids, filters
    ticked = sorted({i for v in form.getlist("case") if (i := whole_number(str(v))) is not None})
    if hidden := sorted(set(ticked) - store.cases_in_scope(ticked, units)):
        raise KeyError(f"no case {hidden[0]}")
    return ticked, filters


@guard("triage")
async def bulk_change(request: Request) -> Response:
    """Triage, reopen/close or assign many cases at once; audited per case."""
    form = request.state.form
    kind, _, value = str(form.get("change", "")).partition(":")
    actor, seen = request.state.user.name, seen_version(form)
    with open_store(request) as store:
        try:
            ids, filters = _bulk_targets(store, form, scope(request))
        except KeyError as exc:
            return error_page(request, 404, f"There is {exc.args[0]}.")
        if not ids:
            return error_page(request, 400, "Tick at least one case, or choose all matching cases.")
        try:
            if kind == "triage" and value in TRIAGE:
                done = store.triage_cases(ids, value, actor=actor, seen=seen)
                said = f"triaged {value}"
            elif kind == "status" and value == "closed":
                # only what needs no decision closes in bulk; the rest is named, with why
                ids, refused = store.closable_cases(ids, actor=actor, seen=seen)
                done = store.set_cases_status(ids, value, actor=actor, seen=seen)
                said = "closed" + _not_closed(refused)
            elif kind == "status" and value in BULK_STATUSES:
                done = store.set_cases_status(ids, value, actor=actor, seen=seen)
                said = "reopened"
            elif kind == "assign":
                done = store.assign_cases(ids, value, actor=actor, seen=seen)
                said = f"assigned to {value}"
            else:
                return error_page(
                    request, 400, "Choose what to change: a triage colour, a status or an adviser."
                )
        except CaseChanged as changed:
            return _list_view(
                request, filters, typed=form, changes=changed.changes, status_code=409
            )
        except KeyError as exc:
            return error_page(request, 404, f"There is {exc.args[0]}.")  # "no case 12"
        except ValueError as exc:
            return error_page(request, 400, str(exc))
    # a case already as asked (the same change posted twice) was left as it was
    already = f"; {len(ids) - done} already {'was' if len(ids) - done == 1 else 'were'}"
    flash(
        request,
        f"{done} case{'s' if done != 1 else ''} {said}{already if done < len(ids) else ''}.",
    )
    return RedirectResponse(f"/cases?{filters.query()}", status_code=303)


def _not_in_script(
    orgs: list[dict[str, Any]], scripts: dict[str, Any], titles: dict[str, str]
) -> dict[str, str]:
    """Name → "not screened in Han script against …" for each organisation on no list whose
    name is in a script a list screened holds no names in (``Store.screened_scripts``)."""
    said: dict[str, str] = {}
    for org in orgs:
        name = org.get("name")
        if not isinstance(name, str) or org.get("lists") or org.get("candidate_lists"):
            continue
        if unscreened := without_script(name, scripts):
            said[name] = not_in_script(*unscreened, titles)
    return said


def _not_closed(refused: dict[int, str]) -> str:
    """What a bulk close says of the cases it left open: which, why, and what to do."""
    if not refused:
        return ""
    return f"; {not_closed_in_words(refused)}. Decide them on their case page"


def _case_view(
    request: Request,
    case_id: int,
    *,
    typed: Any = None,
    errors: dict[str, str] | None = None,
    changes: list[AuditEntry] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; after a refused submit, with the form as typed (``typed``), each
    problem beside its field (``errors``: field name → message) or a notice beside the form
    (``changes``: what someone else changed in the case meanwhile)."""
    zone = request.app.state.settings.time_zone
    with open_store(request) as store:
        case = store.case(case_id)
        if case is None:
            return error_page(request, 404, f"There is no case {case_id}.")
        subject = store.subject(case.source_system, case.record_id)
        findings = [
            (
                stored,
                evidence_views(
                    subject,
                    stored.finding.evidence,
                    stored.listed,
                    request.app.state.settings.home_country,
                ),
            )
            # each under its rule's title now (``kvrules.ruletitles``)
            for stored in titled_stored(
                store.case_findings(case_id), request.app.state.settings.rule_titles
            )
        ]
        orgs = organisations_of(subject or {})
        links = request.app.state.settings.links
        label = describe(subject, case.source_system, case.record_id, links)
        adjudicated = store.adjudications_for(
            [(o["name"], o.get("country")) for o in orgs if o.get("name")]
        )
        mitigations = store.mitigations(case_id)
        screened, titles = store.screening()
        # a tag kvrules deliberately did not write (someone else's value): said on the page
        writeback = store.writeback_for(case.source_system, case.record_id)
        context = {
            "case": case,
            "title": label.heading,
            "label": label,
            "subject": subject,
            "findings": findings,
            "adjudicated": adjudicated,
            "triage": store.triage_colours().get(case_id),
            "decisions": store.decisions(case_id),
            "pending": store.pending_decisions().get(case_id),
            "approval_concerns": store.approval_concerns(),
            "four_eyes": request.app.state.settings.four_eyes,
            "mitigations": mitigations,
            "history": (history := store.audit_entries(f"case:{case_id}")),
            # what the forms carry, so a submit from a page opened before a colleague's
            # change is refused (kvrules.web.caseform)
            "version": case_version(history),
            # a proposal sent from a pre-screen: the pre-screen it came from
            "prescreen": (
                prescreen_id := next(
                    (e.details.get("prescreen") for e in history if e.action == "prescreen.sent"),
                    None,
                )
            ),
            # and its partners as described, each read from a file with the file and its row
            "read_from_files": _read_from_files(store, prescreen_id),
            "words": (
                words := case_words(
                    # the history says what was said then: the stored titles
                    (stored.finding for stored in store.case_findings(case_id)),
                    subject,
                    mitigations,
                    request.app.state.settings.home_country,
                    request.app.state.settings.time_zone,
                )
            ),
            # a finding's changes are said in the site's words, as its evidence is
            "home_country": request.app.state.settings.home_country,
            "decision_choices": DECISIONS,
            "triage_choices": TRIAGE,
            "mitigation_statuses": MITIGATION_STATUSES,
            "mitigation_rows": range(MITIGATION_ROWS),
            "today": today(request.app.state.settings.time_zone),
            # where an organisation on no list was looked for, as `check` and `scan` say it
            "not_found": not_found_in(screened, titles) if screened else None,
            # and, for a name in a script a list holds no names in, that it was not screened
            # against that list, as `match` and the pre-screen say it
            "not_in_script": _not_in_script(orgs, store.screened_scripts(), titles),
            "screened": screened_in_words(screened, titles) if screened else None,
            # a visit as the RIS names it, and the organisations whose country was set apart
            "visit_facts": visit_facts((subject or {}).get("visit") or {}),
            "unscreened": not_screened_on_country(subject),
            # partners described under several spellings: one organisation, as `check` says
            "one_organisation": one_organisation_of(subject, titles),
            # awards no threshold compared, as the scan (or the pre-screen) said when it
            # screened the record: kept with it, since this page has no rulebooks to hand
            "not_compared": (subject or {}).get(NOTE),
            "typed": typed or {},
            "errors": errors or {},
            "notice": (
                stale_message(changes, lambda at: local_time(at, zone), words) if changes else None
            ),
            # the record deleted at the source: said at the top, for the committee
            "source_gone": next(
                (e for e in reversed(history) if e.action == "case.source-gone"), None
            ),
            "tags_left": left_in_words(writeback) if writeback else None,
            "tags_wanted": " ".join(writeback.tags) or "none" if writeback else None,
        }
    return _render(request, "case.html", context, status_code=status_code)


@guard("view")
async def case_page(request: Request) -> Response:
    case_id = _case_id(request)
    page = _case_view(request, case_id)
    if page.status_code == 200:
        # who looked at whose data: audited under its own subject, so the case's History (and
        # the version its forms carry) is not a list of views
        audit_look(request, VIEWED, viewed_subject(case_id), {})
    return page


def _changed(request: Request, changed: CaseChanged, form: Any) -> Response:
    """The case page again (409), the form as typed, when the store refused a write because
    someone else changed the case since the page was opened (``kvrules.store.changes``: the
    check is made in the write's transaction). One's own changes do not make one's page
    stale: the same form posted twice (a double click) is recorded once and said so."""
    return _case_view(
        request, changed.case_id, typed=form, changes=changed.changes, status_code=409
    )


@guard("triage")
async def triage(request: Request) -> Response:
    case_id, form = _case_id(request), request.state.form
    colour = str(form.get("colour", ""))
    if colour not in TRIAGE:
        errors = {"colour": "choose green, amber or red"}
        return _case_view(request, case_id, typed=form, errors=errors, status_code=400)
    note = str(form.get("note", "")).strip() or None
    try:
        with open_store(request) as store:
            if store.case(case_id) is None:
                return error_page(request, 404, f"There is no case {case_id}.")
            store.set_triage(
                case_id, colour, actor=request.state.user.name, note=note, seen=seen_version(form)
            )
    except CaseChanged as changed:
        return _changed(request, changed, form)
    return _back(request, case_id, f"Case {case_id} triaged {colour}.")


@guard("adjudicate")
async def adjudicate(request: Request) -> Response:
    case_id, form = _case_id(request), request.state.form
    try:
        verdict, reason = read_adjudication(form)
    except FormProblem as problem:
        errors = {problem.field: str(problem)}
        return _case_view(request, case_id, typed=form, errors=errors, status_code=400)
    try:
        with open_store(request) as store:
            if (case := store.case(case_id)) is None:
                return error_page(request, 404, f"There is no case {case_id}.")
            list_id, entry = str(form.get("list", "")), str(form.get("entry", ""))
            org_name, country = str(form.get("organisation", "")), str(form.get("country", ""))
            asked = adjudication_key(list_id, entry, org_name, country)
            home = request.app.state.settings.home_country
            if asked not in match_keys(store, case, home):
                return error_page(request, 400, NOT_THIS_CASES)
            if (units := scope(request)) is not None and (
                hidden := hidden_cases_holding(store, asked, case_id, units, home)
            ):
                return error_page(request, 403, OUTSIDE_SCOPE.format(n=len(hidden)))
            store.adjudicate_match(
                list_id=list_id,
                entry=entry,
                org_name=org_name,
                country=country or None,
                verdict=verdict,
                reason=reason,
                actor=request.state.user.name,
                case_id=case_id,
                seen=seen_version(form),
            )
    except CaseChanged as changed:
        return _changed(request, changed, form)
    said = "not the same organisation" if verdict == "not-same" else "the same organisation"
    return _back(request, case_id, f"Recorded: {said}. Later scans remember it.")


@guard("decide")
async def decide(request: Request) -> Response:
    case_id, form = _case_id(request), request.state.form
    four_eyes = request.app.state.settings.four_eyes
    try:
        wanted = read_decision(form, today(request.app.state.settings.time_zone))
    except FormProblem as problem:
        errors = {problem.field: str(problem)}
        return _case_view(request, case_id, typed=form, errors=errors, status_code=400)
    try:
        with open_store(request) as store:
            if store.case(case_id) is None:
                return error_page(request, 404, f"There is no case {case_id}.")
            record = store.propose_decision if four_eyes else store.decide
            made = record(
                case_id,
                wanted.decision,
                wanted.rationale,
                actor=request.state.user.name,
                review_due=wanted.review_due,
                mitigations=wanted.mitigations,
                seen=seen_version(form),
            )
    except CaseChanged as changed:
        return _changed(request, changed, form)
    except ValueError as exc:  # what the store refuses that the form did not foresee
        errors = {"decision": str(exc)}
        return _case_view(request, case_id, typed=form, errors=errors, status_code=400)
    decision = wanted.decision
    if made.repeat:  # the form posted twice (a double click, a resent request)
        zone = request.app.state.settings.time_zone  # as every other time on the page
        return _back(
            request,
            case_id,
            f"Already recorded: your decision ({decision_in_words(decision)}) of "
            f"{local_time(made.at, zone)}; nothing was recorded twice.",
        )
    if four_eyes:
        return _back(
            request,
            case_id,
            f"Decision recorded: {decision_in_words(decision)}, pending second approval by "
            "another committee member.",
        )
    return _back(request, case_id, f"Decision recorded: {decision_in_words(decision)}.")


@guard("decide")
async def approve_decision(request: Request) -> Response:
    """Four-eyes: a second, different committee member approves a pending decision."""
    decision_id = row_id(request, "decision_id", "decision")
    with open_store(request) as store:
        proposed = store.decision(decision_id)
    if proposed is None:
        return error_page(request, 404, f"There is no decision {decision_id}.")
    # approved from a page opened before a colleague's change (a new finding, a newer
    # proposal): show what changed rather than put the decision into effect unseen
    form = request.state.form
    with open_store(request) as store:
        try:
            d = store.approve_decision(
                decision_id, actor=request.state.user.name, seen=seen_version(form)
            )
        except CaseChanged as changed:
            return _changed(request, changed, form)
        except KeyError:
            return error_page(request, 404, f"There is no decision {decision_id}.")
        except ValueError as exc:
            return error_page(request, 409, f"{exc}.")
    if d.repeat:
        return _back(request, d.case_id, "Already approved by you; nothing was recorded twice.")
    return _back(
        request,
        d.case_id,
        f"Decision approved: {decision_in_words(d.decision)} (proposed by {d.actor}).",
    )


@guard("mitigate")
async def add_mitigation(request: Request) -> Response:
    case_id, form = _case_id(request), request.state.form
    try:
        action, owner, due_on = read_mitigation(form, today(request.app.state.settings.time_zone))
    except FormProblem as problem:
        errors = {problem.field: str(problem)}
        return _case_view(request, case_id, typed=form, errors=errors, status_code=400)
    try:
        with open_store(request) as store:
            if store.case(case_id) is None:
                return error_page(request, 404, f"There is no case {case_id}.")
            store.add_mitigation(
                case_id,
                action,
                owner,
                due_on,
                actor=request.state.user.name,
                seen=seen_version(form),
            )
    except CaseChanged as changed:
        return _changed(request, changed, form)
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    return _back(request, case_id, "Mitigation added.")


@guard("mitigation-status")
async def mitigation_status(request: Request) -> Response:
    form = request.state.form
    status = str(form.get("status", ""))
    if status not in MITIGATION_STATUSES:
        return error_page(request, 400, "Unknown mitigation status.")
    with open_store(request) as store:
        try:
            m = store.set_mitigation_status(
                row_id(request, "mitigation_id", "mitigation"),
                status,
                actor=request.state.user.name,
                seen=seen_version(form),
            )
        except CaseChanged as changed:
            return _changed(request, changed, form)
        except KeyError:
            return error_page(request, 404, "There is no such mitigation.")
    return _back(request, m.case_id, f"Mitigation {m.id} is now {status}.")


@guard("view")
async def mitigation_list(request: Request) -> Response:
    status = request.query_params.get("status", "open")
    with open_store(request) as store:
        items = store.mitigations(status=status if status in MITIGATION_STATUSES else None)
        visible = store.cases_in_scope((m.case_id for m in items), scope(request))
        items = [m for m in items if m.case_id in visible]
    return _render(
        request,
        "mitigations.html",
        {
            "items": items,
            "status": status,
            "statuses": MITIGATION_STATUSES,
            "today": today(request.app.state.settings.time_zone),
        },
    )


def adjudication_page(store: Store, units: tuple[str, ...] | None = None) -> dict[str, Any]:
    """What /adjudications shows: every verdict, and the entries as their lists spell them.
    Within ``units``: the verdicts made on their cases, and those made on no case."""
    items = store.adjudications()
    if units is not None:
        visible = store.cases_in_scope((a.case_id for a in items if a.case_id), units)
        items = [a for a in items if a.case_id is None or a.case_id in visible]
    listed: dict[tuple[str, str], str] = {}  # the entries as their lists spell them
    # the verdicts' cases' records in one statement, not two per case
    for subject in store.case_subjects(a.case_id for a in items if a.case_id is not None).values():
        listed |= listed_names(subject)
    return {"items": items, "listed": listed}


@guard("view")
async def adjudication_list(request: Request) -> Response:
    with open_store(request) as store:
        page = adjudication_page(store, scope(request))
    return _render(request, "adjudications.html", page)


def _read_from_files(store: Store, prescreen_id: object) -> list[str]:
    """The pre-screen's organisations read from a file: 'Beihang University (CN)
    [partners.csv, row 3]', so the committee can find the row the grant office uploaded."""
    from kvrules.prescreen_record import organisation_line

    prescreen = store.prescreen(int(prescreen_id)) if isinstance(prescreen_id, int) else None
    if prescreen is None:
        return []
    orgs = [*prescreen.proposal.get("partners", []), *prescreen.proposal.get("funders", [])]
    return [organisation_line(o) for o in orgs if isinstance(o, dict) and o.get("source")]
