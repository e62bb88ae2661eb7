"""How much reaches people after a scan, and whether what should reach them did.

``kvrules demo`` prints this after its first scan: cases per 1,000 projects (a committee
drowns above a few per cent), and recall against the projects the simulator made risky on
purpose (its ground truth, record id -> "route: why"): each of them should have a case, and
those meant for the committee should reach its route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kvrules.store import Store

COMMITTEE = "committee"


@dataclass(frozen=True)
class Noise:
    projects: int
    cases: int
    cases_per_1000: float
    planted: int  # projects the generator made risky
    found: int  # of those, with a case
    for_committee: int  # planted ones the committee should hear of
    to_committee: int  # of those, whose case was alerted to the committee route
    missed: list[tuple[str, str]] = field(default_factory=list)  # (record id, why): no case

    @property
    def recall(self) -> float | None:
        return self.found / self.planted if self.planted else None

    def lines(self) -> list[str]:
        out = [
            f"{self.cases} cases for {self.projects} projects: "
            f"{self.cases_per_1000:.0f} per 1,000 ({self.cases_per_1000 / 10:.1f}%)"
        ]
        if self.recall is None:
            out.append("recall: no ground truth (the portfolio planted no risky project)")
        else:
            out.append(
                f"recall: {self.found} of {self.planted} projects the generator made risky have "
                f"a case ({self.recall:.2f}); {self.to_committee} of the {self.for_committee} "
                f"meant for the committee reached it"
            )
        out += [f"  missed: {record} ({why})" for record, why in self.missed]
        return out


def measure(
    store: Store, source: str, projects: int, planted: Mapping[str, str] | None = None
) -> Noise:
    """Cases for ``projects`` projects, and recall against ``planted`` (record id -> why)."""
    planted = planted or {}
    cases = store.cases()
    by_record = {c.record_id: c for c in cases if c.source_system == source}
    committee_cases = {a.case_id for a in store.alerts() if a.route == COMMITTEE}
    found = [r for r in planted if r in by_record]
    for_committee = [r for r, why in planted.items() if why.startswith(f"{COMMITTEE}:")]
    return Noise(
        projects=projects,
        cases=len(cases),
        cases_per_1000=1000 * len(cases) / max(projects, 1),
        planted=len(planted),
        found=len(found),
        for_committee=len(for_committee),
        to_committee=sum(
            r in by_record and by_record[r].id in committee_cases for r in for_committee
        ),
        missed=[(r, why) for r, why in planted.items() if r not in by_record],
    )
