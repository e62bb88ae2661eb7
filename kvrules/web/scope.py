"""Per-unit access: an account limited to some units (``User.units``, as the RIS names them)
sees only the cases of records in those units, wherever a case or its data is shown or
exported; another unit's case is "not found" to it (404, never its data). An account with no
units sees every case, as before.

The case pages' routes name a case, a decision or a mitigation by id: ``case_in_path`` finds
the case behind any of them, so ``kvrules.web.auth.guard`` checks every such route in one
place. Lists filter through ``CaseQuery.scope`` or ``Store.cases_in_scope``. Pages that cover
every unit at once (the portfolio report, the audit log) are refused to a scoped account.
"""

from __future__ import annotations

from starlette.requests import Request

from kvrules.store import Store
from kvrules.store.users import User

UNSCOPED_ONLY = (
    "This page covers every unit; your account is limited to {units}. "
    "Ask an administrator for an account without a unit limit."
)


def scope(request: Request) -> tuple[str, ...] | None:
    """The signed-in account's units, or None for every unit."""
    user: User | None = getattr(request.state, "user", None)
    return user.units if user is not None else None


def case_in_path(store: Store, request: Request) -> int | None:
    """The case a route's path names, directly or through its decision or mitigation."""
    params = request.path_params
    if "case_id" in params:
        return int(params["case_id"])
    if "decision_id" in params:
        found = _small(params["decision_id"]) and store.decision(params["decision_id"])
        return found.case_id if found else None
    if "mitigation_id" in params:
        found_id = _small(params["mitigation_id"]) and store.mitigation_case(
            params["mitigation_id"]
        )
        return found_id or None
    return None


def _small(value: int) -> bool:
    return value <= 2**63 - 1  # SQLite's integers; larger ids are the handlers' 404


def hidden_case(store: Store, request: Request, user: User) -> int | None:
    """The id of the case the path names when ``user`` may not see it; else None."""
    if user.units is None:
        return None
    case_id = case_in_path(store, request)
    if case_id is None or not _small(case_id):
        return None
    return case_id if not store.cases_in_scope([case_id], user.units) else None


def unscoped_only(user: User) -> str | None:
    """Why a page covering every unit is refused to ``user``; None when it is not."""
    if user.units is None:
        return None
    return UNSCOPED_ONLY.format(units=", ".join(user.units))
