"""Case work at scale (mixed into ``Store``): the searchable case list, assignment to an
adviser, the same triage or status for many cases at once, and four-eyes decisions. Every
change is audited per case, in one transaction per action."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from kvrules.store import audit as _audit
from kvrules.store import cases as _cases
from kvrules.store import casesearch as _search
from kvrules.store import closing as _closing
from kvrules.store import committee as _committee
from kvrules.store import credential_origins as _credentials
from kvrules.store import users as _users
from kvrules.store.changes import require_unchanged, require_unchanged_all
from kvrules.store.db import StorePart

ASSIGNABLE_ROLE = "adviser"  # cases are assigned to an adviser's account
BULK_STATUSES = ("open", "closed")  # "triaged" comes with a colour, "decided" with a decision


class CaseworkStore(StorePart):
    # -- the list --------------------------------------------------------------------------

    def search_cases(
        self, query: _search.CaseQuery, *, limit: int | None = None, offset: int = 0
    ) -> tuple[list[int], int]:
        """Matching case ids, most severe first (a page when ``limit`` is given), and the
        number matching in all."""
        return _search.search(self._db.conn, query, limit=limit, offset=offset)

    def cases_mentioning(self, text: str) -> list[int]:
        """Cases whose record or stored list matches hold ``text`` anywhere (a list entry id):
        the few a verdict on that entry could affect, for the caller to check exactly."""
        rows = self._db.conn.execute(
            "SELECT c.id FROM cases c JOIN record_subjects s"
            " ON s.source_system = c.source_system AND s.record_id = c.record_id"
            " WHERE instr(s.body, ?) > 0"
            " UNION SELECT case_id FROM findings WHERE instr(listed, ?) > 0",
            (text, text),
        )
        return sorted(r[0] for r in rows)

    def cases_in_scope(self, case_ids: Iterable[int], scope: tuple[str, ...] | None) -> set[int]:
        """Those of ``case_ids`` an account limited to the units ``scope`` may see (all of
        them when ``scope`` is None)."""
        ids = sorted(set(case_ids))
        if scope is None:
            return set(ids)
        return _search.in_scope(self._db.conn, ids, scope)

    def case_facets(self, scope: tuple[str, ...] | None = None) -> dict[str, list[str]]:
        """The values the list's filter menus offer: units, countries, rulebooks, routes (the
        units and countries of the cases in ``scope``, when given)."""
        c = self._db.conn
        return {
            "units": _search.facet_values(c, "unit", scope),
            "countries": _search.facet_values(c, "country", scope),
            "rulebooks": _search.rulebooks(c),
            "routes": _search.routes(c),
        }

    def case_assignees(self) -> dict[int, str]:
        return _search.assignees(self._db.conn)

    def advisers(self) -> list[str]:
        """Accounts a case may be assigned to (enabled, adviser role)."""
        return [
            u.name
            for u in _users.listing(self._db.conn)
            if u.role == ASSIGNABLE_ROLE and not u.disabled
        ]

    # -- many cases at once ----------------------------------------------------------------

    # Each bulk change: ``seen``, the audit log's newest id when the list was drawn
    # (``CaseChanged`` if someone else changed one of the cases since: nothing is written);
    # returns how many cases it changed. A case already as asked is left as it is, with no
    # audit entry: the same change posted twice is recorded once.

    def assign_cases(
        self, case_ids: Sequence[int], assignee: str, *, actor: str, seen: int | None = None
    ) -> int:
        """Assign each case to an adviser's account; audited per case."""
        now = self.clock()
        with self._db.transaction() as c:
            user = _users.get(c, assignee)
            if user is None or user.disabled or user.role != ASSIGNABLE_ROLE:
                raise ValueError(f"{assignee!r} is not an enabled adviser account")
            require_unchanged_all(c, [_cases.require_case(c, i).id for i in case_ids], seen, actor)
            assigned = _search.assignees(c)
            changed = [i for i in case_ids if assigned.get(i) != assignee]
            for case_id in changed:
                _search.assign(c, case_id, assignee, actor, now)
                self._log(actor, "case.assigned", f"case:{case_id}", {"assignee": assignee}, now)
            return len(changed)

    def triage_cases(
        self, case_ids: Sequence[int], colour: str, *, actor: str, seen: int | None = None
    ) -> int:
        """The same triage colour for each case (an open one becomes triaged); per-case audit."""
        now = self.clock()
        with self._db.transaction() as c:
            require_unchanged_all(c, [_cases.require_case(c, i).id for i in case_ids], seen, actor)
            triage = self._triage  # type: ignore[attr-defined]
            return sum(triage(c, i, colour, actor, "bulk triage", now) for i in case_ids)

    def set_cases_status(
        self, case_ids: Sequence[int], status: str, *, actor: str, seen: int | None = None
    ) -> int:
        """Reopen or close each case (one already so is left as it is); audited per case.
        Closing is all or nothing: a case that needs a committee decision first
        (``kvrules.store.closing``) refuses the lot with ``NotClosable``; ``closable_cases``
        sorts them beforehand."""
        if status not in BULK_STATUSES:
            raise ValueError(f"many cases at once can only be set to {' or '.join(BULK_STATUSES)}")
        now = self.clock()
        with self._db.transaction() as c:
            cases = [_cases.require_case(c, i) for i in case_ids]
            require_unchanged_all(c, case_ids, seen, actor)
            changed = [case for case in cases if case.status != status]
            if status == "closed":
                refused = {k.id: why for k in changed if (why := _closing.refusal(c, k))}
                if refused:
                    raise _closing.NotClosable(refused)
            for case in changed:
                details = {"status": status, "note": "bulk status change"}
                if status == "closed":
                    details["basis"] = _closing.closing_basis(case)
                _cases.set_status(c, case.id, status, now)
                self._log(actor, f"case.{status}", f"case:{case.id}", details, now)
            return len(changed)

    def closable_cases(
        self, case_ids: Sequence[int], *, actor: str = "", seen: int | None = None
    ) -> tuple[list[int], dict[int, str]]:
        """Of these cases, those that may be closed now, and why each other one may not
        (it needs a committee decision first). KeyError for an id with no case; with
        ``seen``, ``CaseChanged`` when any of them changed since (a stale list changes none)."""
        c = self._db.conn
        require_unchanged_all(c, case_ids, seen, actor)
        closable, refused = [], {}
        for case_id in case_ids:
            if why := _closing.refusal(c, _cases.require_case(c, case_id)):
                refused[case_id] = why
            else:
                closable.append(case_id)
        return closable, refused

    # -- four-eyes decisions ---------------------------------------------------------------

    def propose_decision(
        self,
        case_id: int,
        decision: str,
        rationale: str,
        *,
        actor: str,
        review_due: date | None = None,
        mitigations: Sequence[tuple[str, str, date | None]] = (),
        seen: int | None = None,
    ) -> _committee.Decision:
        """A decision that waits for a second committee member: the case stays as it is (and
        shows "pending second approval") until ``approve_decision``. A newer proposal replaces
        one still pending; the same proposal by the same member again (the form posted twice)
        records nothing and returns it with ``repeat`` set. ``seen``: the case's version the
        page showed; ``CaseChanged`` if someone else changed the case since."""
        now = self.clock()
        with self._db.transaction() as c:
            _users.require_decider(c, actor)
            _cases.require_case(c, case_id)
            require_unchanged(c, case_id, seen, actor)
            same = _committee.repeated_decision(
                c, case_id, decision, rationale, review_due, mitigations, actor, "pending"
            )
            if same is not None:
                return same
            for old in _committee.supersede_pending(c, case_id):
                self._log(
                    actor, "decision.superseded", f"case:{case_id}", {"decision_id": old}, now
                )
            decision_id, said = _committee.add_decision_with_mitigations(
                c, case_id, decision, rationale, review_due, mitigations, actor, now, "pending"
            )
            details = {"decision_id": decision_id, **said}
            self._log(actor, "decision.proposed", f"case:{case_id}", details, now)
            return _committee.decision(c, decision_id)  # type: ignore[return-value]

    def approve_decision(
        self, decision_id: int, *, actor: str, seen: int | None = None
    ) -> _committee.Decision:
        """The second approval, by a different member: the decision takes effect. Approving
        again what the same member approved (the form posted twice) records nothing and
        returns the decision with ``repeat`` set. ``seen``: the version of the decision's case
        the page showed; ``CaseChanged`` if someone else changed the case since."""
        now = self.clock()
        with self._db.transaction() as c:
            _users.require_decider(c, actor)
            done = _committee.decision(c, decision_id)
            if done is not None and done.approval == "approved" and done.approved_by == actor:
                return replace(done, repeat=True)
            if done is not None and (why := _credentials.pair_refusal(c, done.actor, actor, now)):
                raise ValueError(why)
            if done is not None:
                require_unchanged(c, done.case_id, seen, actor)
            if done is not None and done.pending and _finding_since_proposal(c, done):
                raise ValueError(
                    "a finding was recorded after this decision was proposed: "
                    "review it and propose again"
                )
            d = _committee.approve(c, decision_id, actor, now)
            _cases.set_status(c, d.case_id, "decided", now, d.decision)
            details = {
                "decision_id": d.id,
                "decision": d.decision,
                "proposed_by": d.actor,
                "status": "decided",
            }
            self._log(actor, "decision.approved", f"case:{d.case_id}", details, now)
            return d

    def decision(self, decision_id: int) -> _committee.Decision | None:
        """One decision by its id (the approve form names only the decision)."""
        return _committee.decision(self._db.conn, decision_id)

    def pending_decisions(self) -> dict[int, _committee.Decision]:
        """The decision waiting for a second approver, per case."""
        return {d.case_id: d for d in _committee.decisions(self._db.conn) if d.pending}


def _finding_since_proposal(conn: sqlite3.Connection, proposed: _committee.Decision) -> bool:
    """Whether the case gained a finding after ``proposed`` was proposed, or a finding that
    became more severe or names an organisation it did not (``finding.changed``, updated in
    place): the proposer did not see it, so a second approval must not put it into effect,
    whatever page it came from. Audit ids order the two (timestamps may share a second)."""
    history = _audit.entries(conn, f"case:{proposed.case_id}")
    proposal = next(
        (
            e.id
            for e in history
            if e.action == "decision.proposed" and e.details.get("decision_id") == proposed.id
        ),
        None,
    )
    if proposal is None:  # no proposal on record to compare with
        return False
    return any(e.id > proposal and _new_to_the_committee(e) for e in history)


def _new_to_the_committee(entry: _audit.AuditEntry) -> bool:
    """A finding recorded, or one updated in place that escalated (what alerts again)."""
    if entry.action == "finding.recorded":
        return True
    details = entry.details
    return entry.action == "finding.changed" and bool(
        details.get("named") or details.get("more_severe")
    )
