"""The hand-over side of ``Store`` (mixed in): a case opened on a funding application follows
the project that came from it (``kvrules.handover`` decides when; this records it).

Recorded in the audit log, in the same transaction: ``case.handed-over`` on the project's case
(what was decided before the award, by whom, what changed since) and ``case.followed`` on the
application's, so both pages tell the story and no table is needed.
"""

from __future__ import annotations

from typing import Any

from kvrules.store import audit as _audit
from kvrules.store import cases as _cases
from kvrules.store import committee as _committee
from kvrules.store.db import StorePart

HANDED_OVER = "case.handed-over"
FOLLOWED = "case.followed"


class HandoverStore(StorePart):
    def handed_over(self, case_id: int) -> bool:
        """Whether a case already took over an application's case."""
        return any(
            e.action == HANDED_OVER
            for e in _audit.entries(self._db.conn, f"case:{case_id}")  # few per case
        )

    def hand_over_case(
        self,
        from_case_id: int,
        source_system: str,
        record_id: str,
        *,
        changes: list[str],
        actor: str,
    ) -> _cases.Case:
        """The application's case (``from_case_id``) goes on as the case of ``record_id`` (the
        project), opened if it has none. Without ``changes`` the decision taken before the
        award stands for the project (unless its case holds a decision of its own): the case is
        decided the same way, with the decision's review date, and the mitigation items still
        open move with it, so the committee follows them up where the project is. With changes
        the project's case stays open for the committee."""
        now = self.clock()
        with self._db.transaction() as c:
            before = _cases.require_case(c, from_case_id)
            case, opened = _cases.upsert_case(c, source_system, record_id, before.severity, now)
            if opened:
                self._log(actor, f"case.{opened}", f"case:{case.id}", {"record": record_id}, now)
            decisions = _committee.decisions(c, from_case_id)
            last = decisions[-1] if decisions else None
            decision = last.decision if last else before.decision
            moved: list[int] = []  # the mitigation items now on the project's case
            if decision and not changes and case.decision is None:
                carried = None
                if last is not None:
                    rationale = (
                        f"Decided before the award (case #{from_case_id}, by {last.actor}, "
                        f"{last.at.date().isoformat()}): {last.rationale}"
                    )
                    carried = _committee.add_decision(
                        c, case.id, last.decision, rationale, last.review_due, actor, now
                    )
                moved = [
                    _committee.add_mitigation(c, case.id, m.action, m.owner, m.due_on, carried, now)
                    for m in _committee.mitigations(c, from_case_id, "open")
                ]
                case = _cases.set_status(c, case.id, "decided", now, decision)
            details: dict[str, Any] = {
                "from_case": from_case_id,
                "application": before.record_id,
                "decision": decision,
                "decided_on": (last.at if last else before.decided_at or now).date().isoformat()
                if decision
                else None,
                "decided_by": last.actor if last else None,
                "rationale": last.rationale if last else None,
                "changes": changes,
                "status": case.status,
                "mitigations": moved,
            }
            self._log(actor, HANDED_OVER, f"case:{case.id}", details, now)
            followed = {"to_case": case.id, "record": record_id, "changes": changes}
            self._log(actor, FOLLOWED, f"case:{from_case_id}", followed, now)
            return case
