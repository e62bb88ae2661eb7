"""Findings: a rule that fired on an event, with everything needed to explain it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from kvrules.rulebook.ir import Severity


class RulebookRef(BaseModel):
    id: str
    version: str
    sha256: str


class CitationRef(BaseModel):
    id: str
    cite: str
    url: str | None = None


class EvidenceItem(BaseModel):
    """A test that held: the field (with list positions), the test, and the value seen."""

    path: str
    test: str
    actual: Any


class Finding(BaseModel):
    fingerprint: str
    rule_id: str
    rule_title: str
    rulebook: RulebookRef
    severity: Severity
    tags: list[str]
    alert: str | None
    rationale: str
    citation: CitationRef
    legal_basis: str | None = None
    event_id: str
    event_kind: str
    source_system: str
    source_record_id: str
    evidence: list[EvidenceItem]

    @staticmethod
    def fingerprint_of(rule_key: str, record: str, evidence: list[EvidenceItem]) -> str:
        """Same rule, same record, same evidence → same fingerprint (for dedup downstream)."""
        body = json.dumps(
            [rule_key, record, [e.model_dump() for e in evidence]], sort_keys=True, default=str
        )
        return hashlib.sha256(body.encode()).hexdigest()[:16]
