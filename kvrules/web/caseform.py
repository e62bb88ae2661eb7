"""The case page's forms read back: what is wrong with a field (shown beside it, the form kept
as typed) and whether someone else changed the case since the page was opened.

Optimistic concurrency: each form carries the id of the case's newest history entry when the
page was drawn (``version``); the store checks it in the transaction that writes
(``kvrules.store.changes``), and a submit made from an older page is refused and the page
re-shown with what changed, so a second committee member never overwrites or supersedes a
colleague's triage or decision without seeing it, even when both post at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kvrules.errors import KvrulesError
from kvrules.history import Words, sentence
from kvrules.store.audit import AuditEntry
from kvrules.store.cases import DECISIONS
from kvrules.store.committee import TRIAGE
from kvrules.web.casedata import parse_date

MITIGATION_ROWS = 3  # blank mitigation rows on the decision form
WITH_MITIGATIONS = "approve-with-mitigations"


class FormProblem(KvrulesError, ValueError):
    """Something to correct in one field of a form (``field``: its name attribute)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DecisionForm:
    decision: str
    rationale: str
    review_due: date | None
    mitigations: list[tuple[str, str, date | None]]


def _typed(form: Any, field: str) -> str:
    """What was typed in ``field``, without surrounding spaces ("" when absent)."""
    return str(form.get(field, "")).strip()


def _required(form: Any, field: str, problem: str) -> str:
    """What was typed in ``field``, or a ``FormProblem`` saying ``problem`` beside it when it
    is blank (a field of spaces is blank, though it passed the browser's ``required``)."""
    if not (text := _typed(form, field)):
        raise FormProblem(field, problem)
    return text


def _chosen(form: Any, field: str, choices: tuple[str, ...], problem: str) -> str:
    """The choice made in ``field``, or a ``FormProblem`` saying ``problem`` when it is none
    of ``choices`` (none made, or a value no button of the page sends)."""
    choice = str(form.get(field, ""))
    if choice not in choices:
        raise FormProblem(field, problem)
    return choice


def _date(form: Any, field: str, today: date) -> date | None:
    """The date typed in ``field``, which must not be before ``today`` (the institution's,
    ``kvrules.timezone.today``): a re-review or a mitigation due in the past was saved as is
    and counted overdue at once; a typing slip (2025 for 2027) went unnoticed."""
    try:
        day = parse_date(str(form.get(field, "")))
    except ValueError:
        raise FormProblem(field, "write the date as YYYY-MM-DD") from None
    if day is not None and day < today:
        past = f"{day.isoformat()} is in the past (today is {today.isoformat()})"
        raise FormProblem(field, f"{past}; give a date ahead")
    return day


def read_mitigation(form: Any, today: date) -> tuple[str, str, date | None]:
    """The add-a-mitigation form's action, owner and due date, or the first ``FormProblem``
    in the order they are shown (a field of spaces is blank: it passed ``required``)."""
    action = _required(form, "action", "say what is to be done (the action)")
    owner = _required(form, "owner", "name who owns this mitigation (the owner)")
    return action, owner, _date(form, "due_on", today)


ADJUDICATION_VERDICTS = ("not-same", "same")


def read_adjudication(form: Any) -> tuple[str, str]:
    """A list match's verdict and the reason given for it, or a ``FormProblem``."""
    verdict = _chosen(
        form, "verdict", ADJUDICATION_VERDICTS, "choose a verdict: the same organisation or not"
    )
    return verdict, _required(form, "reason", "give the reason for the verdict")


def _mitigation_rows(form: Any, today: date) -> list[tuple[str, str, date | None]]:
    rows = []
    for i in range(MITIGATION_ROWS):
        if _typed(form, f"m{i}_action") or _typed(form, f"m{i}_owner"):  # a row begun
            action = _required(form, f"m{i}_action", f"mitigation {i + 1} needs an action")
            owner = _required(form, f"m{i}_owner", f"mitigation {i + 1} needs an owner")
            rows.append((action, owner, _date(form, f"m{i}_due", today)))
    return rows


def read_decision(form: Any, today: date) -> DecisionForm:
    """The decision form's fields, or the first ``FormProblem`` in the order they are shown.
    ``today``: the institution's date; a re-review or due date before it is refused."""
    decision = _chosen(form, "decision", DECISIONS, "choose one of the three outcomes")
    rationale = _required(form, "rationale", "give the committee's rationale")
    review_due = _date(form, "review_due", today)
    mitigations = _mitigation_rows(form, today)
    if decision == WITH_MITIGATIONS and not mitigations:
        raise FormProblem(
            "m0_action", "approve with mitigations needs at least one mitigation (action and owner)"
        )
    return DecisionForm(decision, rationale, review_due, mitigations)


def case_version(history: list[AuditEntry]) -> int:
    """The id of the case's newest history entry: what a form carries as its ``version``."""
    return max((e.id for e in history), default=0)


def seen_version(form: Any) -> int | None:
    """The case's version the page the form came from showed, for the store to check. None
    for a form without one (a script posting directly): it has no page to be stale against."""
    seen = str(form.get("version", "")).strip()
    return int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 19 else None


def stale_message(changes: list[AuditEntry], when: Any, words: Words | None = None) -> str:
    """ "alice changed this case at 07:31 UTC (triaged it green) since you opened it; …".
    ``words``: the case's (``case_words``), to name the mitigation or list entry changed."""
    latest = changes[-1]
    also = f", and {len(changes) - 1} change(s) before that" if len(changes) > 1 else ""
    return (
        f"{latest.actor} changed this case at {when(latest.at)} ({sentence(latest, words)}){also} "
        "since you opened it; review and submit again."
    )


def bulk_stale_message(changes: list[AuditEntry], when: Any) -> str:
    """ "alice changed case #12 at 07:31 UTC (triaged it green) since this list was drawn; …"."""
    latest = changes[-1]
    case = latest.subject.removeprefix("case:")
    return (
        f"{latest.actor} changed case #{case} at {when(latest.at)} ({sentence(latest)}) since "
        "this list was drawn; nothing was changed: review the list and apply again."
    )


def field_id(field: str, match: str = "") -> str:
    """The id of the input a field's error links to and focuses (the ids the page has long had:
    ``d-rationale``, ``m0-owner`` …; a choice links to its first button). ``match``: the
    adjudication form's list match (each match on the page has its own verdict and reason)."""
    named = {
        "rationale": "d-rationale",
        "review_due": "d-review",
        "due_on": "na-due",
        "action": "na-action",
        "owner": "na-owner",
    }
    if field in named:
        return named[field]
    if field in ("verdict", "reason"):
        return f"{field[0]}-{match}"
    if field == "decision":
        return f"d-{DECISIONS[0]}"
    if field == "colour":
        return f"t-{TRIAGE[0]}"
    return field.replace("_", "-")  # m0_owner → m0-owner
