"""The case follows the collaboration: from a funding application to the project after it.

A grant office screens an application; the committee decides its case ("approve with
mitigations"). Months later the award comes and the RIS creates the project, which names the
application it came from (``project.applications``). Without a hand-over that project would
open a second case and alert everyone again about partners the committee already weighed.

So, when a project first arrives with a predecessor application that has a case:

* the application's case goes on as the project's (``Store.hand_over_case``): the project's
  case page says what was decided before the award, when and by whom;
* if nothing **material** changed — no new partner, no new funder, no new sensitive research
  area, no rule firing that did not fire on the application — the project's findings are
  recorded without alerting anyone, and the decision stands for the project;
* if something did change, the findings alert as usual and the case stays open, listing what
  is new since the decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kvrules.findings import Finding
from kvrules.model import CollaborationEvent, Organisation
from kvrules.refdata.normalise import name_key
from kvrules.store import Case, Store

ACTOR = "kvrules"


@dataclass(frozen=True)
class HandOver:
    """A project taking over its application's case, and what changed in between."""

    source_system: str
    record_id: str  # the project's
    application_case: Case
    changes: list[str]

    def routes(self, routes: Mapping[str, list[str]]) -> Mapping[str, list[str]]:
        """Where the project's findings alert: nowhere unless something material changed."""
        return routes if self.changes else {}

    def complete(self, store: Store) -> Case:
        """Record the hand-over (after the project's findings are stored)."""
        return store.hand_over_case(
            self.application_case.id,
            self.source_system,
            self.record_id,
            changes=self.changes,
            actor=ACTOR,
        )


def prepare(
    store: Store, events: Sequence[CollaborationEvent], findings: Sequence[Finding]
) -> HandOver | None:
    """The hand-over a record's (enriched, evaluated) events call for, or None: not a project,
    no predecessor application with a case, or handed over before (once is enough: after
    that the project's case is an ordinary case)."""
    for event in events:
        project = event.project
        if project is None or event.application is not None or not project.applications:
            continue
        system, record_id = event.source.system, event.source.record_id
        own = store.case_for(system, record_id)
        if own is not None and store.handed_over(own.id):
            return None
        for application in project.applications:
            case = store.case_for(system, application)
            if case is None:
                continue
            before = (store.subject(system, application) or {}).get("project") or {}
            known_rules = {
                (f.finding.rulebook.id, f.finding.rule_id) for f in store.case_findings(case.id)
            }
            changes = material_changes(before, event) + [
                f"new finding: {f.rule_title} ({f.rulebook.id})"
                for f in findings
                if (f.rulebook.id, f.rule_id) not in known_rules
            ]
            return HandOver(system, record_id, case, list(dict.fromkeys(changes)))
    return None


def _key(org: Mapping[str, Any] | Organisation) -> str:
    """An organisation's identity across records: its ROR id, else its name and country."""
    data = org.model_dump() if isinstance(org, Organisation) else org
    for ident in data.get("identifiers") or []:
        if ident.get("scheme") == "ror":
            return "ror:" + str(ident.get("value", "")).rstrip("/").rsplit("/", 1)[-1]
    return f"{name_key(str(data.get('name', '')))}|{data.get('country') or ''}"


def material_changes(before: Mapping[str, Any], event: CollaborationEvent) -> list[str]:
    """What the project has that the application (its stored, enriched ``project``) did not:
    partners, funders, sensitive research areas. Names and order alone are no change."""
    after = event.project
    assert after is not None
    changes: list[str] = []
    for label, was, now in (
        ("partner", before.get("partners") or [], after.partners),
        ("funder", before.get("funders") or [], after.funders),
    ):
        known = {_key(o) for o in was}
        for org in now:
            if _key(org) not in known:
                country = f" ({org.country})" if org.country else ""
                changes.append(f"new {label}: {org.name}{country}")
    areas = set(before.get("sensitive_areas") or [])
    changes += [f"new sensitive area: {a}" for a in after.sensitive_areas if a not in areas]
    return changes
