"""Shared factories for store and alert tests: findings and a hand-driven clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kvrules.findings import CitationRef, Evidence, Finding, RulebookRef
from kvrules.rulebook.ir import Severity

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """Time moves only when a test says so: backoff is asserted exactly, never by sleeping."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def make_finding(
    record_id: str = "proj-1",
    rule_id: str = "partner-on-1286",
    severity: Severity = Severity.HIGH,
    partner: str = "Harbin Institute of Technology",
    alert: str | None = "committee",
    rationale: str = "DoD funds may not support collaborations with listed institutions.",
    risks: tuple[str, ...] = ("knowledge-transfer",),
) -> Finding:
    return Finding(
        rule_id=rule_id,
        rule_title="Partner institution is on the latest Section 1286 list",
        rulebook=RulebookRef(id="us-dod-1286", version="2026.1", sha256="ab" * 32),
        severity=severity,
        tags=["ks:review-required"],
        alert=alert,
        rationale=rationale,
        citation=CitationRef(
            id="dod-1286-fy25",
            cite="US DoD, FY25 Section 1286 list (NDAA FY2019 s.1286)",
            url="https://example.org/1286",
        ),
        legal_basis=None,
        event_id=f"{record_id}#partner.added#0",
        event_kind="partner.added",
        source_system="pure",
        source_record_id=record_id,
        evidence=[
            Evidence(path="partners[0].lists", test='contains "us-dod-1286"', actual=[partner])
        ],
        risks=list(risks),
    )
