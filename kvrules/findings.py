"""Findings: a rule that fired on an event, with everything needed to explain it.

Plain dataclasses (tens of thousands are made per second on the hot path), validated and
serialised through one pydantic TypeAdapter.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from kvrules.plain import evidence_sentence
from kvrules.rulebook.ir import Severity
from kvrules.rulebook.risks import risk_label

_INDEX = re.compile(r"\[\d+\]")
# The single organisation a partner.added / funder.added event is about (kvrules.fields ROOT):
# evidence read from it has no list position and no subject to tell two such apart.
_ONE_ELEMENT = ("partner.", "funder.")


@dataclass(frozen=True, slots=True)
class RulebookRef:
    id: str
    version: str
    sha256: str


@dataclass(frozen=True, slots=True)
class CitationRef:
    id: str
    cite: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One test that held: the field (with list positions), the test, and the value seen.

    ``subject`` names the list element the path runs through (e.g. the partner "Beihang
    University (CN)"), so the evidence reads well and survives a reordering of the list.
    """

    path: str
    test: str
    actual: Any
    subject: str | None = None

    def __str__(self) -> str:
        who = f" [{self.subject}]" if self.subject else ""
        return f"{self.path}{who} {self.test} (value: {self.actual!r})"

    @property
    def plain(self) -> str:
        """The evidence as a sentence (``str(self)`` is the technical form)."""
        return evidence_sentence(self.path, self.test, self.actual, self.subject)

    def in_words(self, record: Mapping[str, Any] | None) -> str:
        """The sentence, with the list edition and entry or the matched words that ``record``
        (the screened record as the store remembers it) holds."""
        return evidence_sentence(self.path, self.test, self.actual, self.subject, record)

    @property
    def stable_path(self) -> str:
        """The path with list positions replaced by the element's identity; the one
        partner (funder) of a ``partner.added`` (``funder.added``) event is named after its
        root (``partner[Beihang University (CN)].lists``): two partners added one after the
        other, on the same lists, were one fingerprint, and the second no finding at all."""
        if not self.subject:
            return self.path
        if self.path.startswith(_ONE_ELEMENT) and "[" not in self.path:
            root, rest = self.path.split(".", 1)
            return f"{root}[{self.subject}].{rest}"
        return _INDEX.sub(f"[{self.subject}]", self.path)


class EvidenceDraft:
    """An ``Evidence`` while it is filled in: the same slots, in the same order, and not
    frozen, so that each field is set by a plain attribute store. Once filled in, its class is
    set to ``Evidence`` (Python allows assigning ``__class__`` between classes of the same
    layout), and it is an ``Evidence`` like any other: frozen, equal and hashed by its fields.

    Why: the hot path makes several evidence per finding (bench/engine.py: 6.5 per event),
    and a frozen dataclass can only be filled in through ``object.__setattr__`` or its slots'
    ``__set__``, a call per field: 187 against 101 ns per evidence, timed alone."""

    __slots__ = Evidence.__slots__


def _evidence_maker() -> Callable[..., Evidence]:
    new = object.__new__

    def make_evidence(path: str, test: str, actual: Any, subject: str | None = None) -> Evidence:
        """``Evidence(path, test, actual, subject)``, made at a third of the cost (a frozen
        dataclass's ``__init__`` calls ``object.__setattr__`` for every field; see
        ``EvidenceDraft``), as every finding's explanation makes several of these."""
        evidence = new(EvidenceDraft)
        evidence.path = path
        evidence.test = test
        evidence.actual = actual
        evidence.subject = subject
        evidence.__class__ = Evidence  # type: ignore[assignment]  # the same layout
        return evidence

    # Fail at import, not on the hot path, should Evidence's layout ever part from the draft's.
    if make_evidence("p", "t", 1, "s") != Evidence("p", "t", 1, "s"):  # pragma: no cover
        raise TypeError("EvidenceDraft no longer makes an Evidence")
    return make_evidence


make_evidence = _evidence_maker()


@dataclass(slots=True)
class Finding:
    rule_id: str
    rule_title: str
    rulebook: RulebookRef
    severity: Severity
    tags: list[str]
    alert: str | None
    rationale: str
    citation: CitationRef
    legal_basis: str | None
    event_id: str
    event_kind: str
    source_system: str
    source_record_id: str
    evidence: list[Evidence]
    risks: list[str] = field(default_factory=list)  # risk type ids, e.g. "knowledge-transfer"
    # alert targets besides ``alert``, each alerted too (a rule's ``alert: [committee,
    # export-control]``); ``alert`` stays the finding's route
    also_alert: list[str] = field(default_factory=list)

    @property
    def alert_targets(self) -> list[str]:
        """Every target this finding alerts: its route first."""
        return [*([self.alert] if self.alert else []), *self.also_alert]

    @property
    def risk_labels(self) -> list[str]:
        """The risk types in words, for people reading an alert or a case."""
        return [risk_label(r) for r in self.risks]

    @property
    def fingerprint(self) -> str:
        """Same rule, same record, same evidence → same fingerprint (for dedup downstream).

        Computed on demand: evaluation alone does not need it. List positions are replaced by
        the element's identity, so reordering partners is not a change but a new listed partner
        is. Evidence values are JSON-like (text, numbers, lists): their repr is stable.
        """
        body = repr(
            (
                self.rulebook.id,
                self.rule_id,
                self.source_system,
                self.source_record_id,
                sorted(repr((e.stable_path, e.test, e.actual)) for e in self.evidence),
            )
        )
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    @property
    def substance(self) -> tuple:
        """What the finding says, not how the rule that found it is written: the rule, the
        record, the severity and, for each piece of evidence, the field (by the element's
        identity) and the value seen. A rule edited without changing what it finds (a wider
        pattern that matched nothing new) gives another fingerprint, as its tests read
        differently, but the same substance: the same finding, updated in place."""
        return (
            self.rulebook.id,
            self.rule_id,
            self.source_system,
            self.source_record_id,
            Severity(self.severity).value,
            sorted(repr((e.stable_path, e.actual)) for e in self.evidence),
        )

    @property
    def about(self) -> frozenset[str]:
        """What the finding is about beyond its record: the list elements its evidence names
        (the partners, funders, affiliations: "Beihang University (CN)"). With the rule and
        the record it is the finding's identity (``kvrules.store.cases.update_changed_finding``):
        a finding whose evidence changed but that still names one of these is the same
        finding, updated in place; empty for a rule on the record as a whole. An element
        without a name (none to give, or evidence made by hand) is known by its field and
        value instead, so that two such elements are not taken for one. So is the one
        partner or funder of a ``partner.added`` / ``funder.added`` event (``partner.lists``):
        by all its values the evidence read together, so that another organisation added to
        the same record is another finding (before, both were about nothing, and a second
        listed partner was merged into the first: no alert, the decided case left decided)."""
        about = {
            e.subject or repr((e.path, e.actual))
            for e in self.evidence
            if e.subject or _INDEX.search(e.path)
        }
        for root in _ONE_ELEMENT:
            read = sorted(
                repr((e.path, e.actual))
                for e in self.evidence
                if not e.subject and e.path.startswith(root)
            )
            if read:
                about.add(f"{root.rstrip('.')} {', '.join(read)}")
        return frozenset(about)

    def to_dict(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, **_adapter().dump_python(self, mode="json")}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Finding:
        return _adapter().validate_python({k: v for k, v in data.items() if k != "fingerprint"})

    @staticmethod
    def json_schema() -> dict[str, Any]:
        return _adapter().json_schema()


def superseded_dropped(findings: list[Finding]) -> list[Finding]:
    """The findings of one read of a record (its events in order, the last its version now)
    without those a later event's finding of the same rule covers: about the same or fewer
    organisations (``Finding.about``). A full read, or a read of a changed export, evaluates
    every event of the record again: each earlier event's finding was compared, in place,
    with the stored finding of the record as it is now, and a partner that never left was
    recorded leaving at the older event and named again at the latest ("findings updated in
    place 8", at every such scan). A finding no later one covers (the sanctions finding on
    the partner an earlier ``partner.added`` added) is kept."""
    later: dict[tuple[str, str, str, str], list[Finding]] = {}
    kept: list[Finding] = []
    for finding in reversed(findings):
        key = (
            finding.rulebook.id,
            finding.rule_id,
            finding.source_system,
            finding.source_record_id,
        )
        seen = later.setdefault(key, [])
        about = finding.about
        if not any(f.event_id != finding.event_id and about <= f.about for f in seen):
            kept.append(finding)
        seen.append(finding)
    return kept[::-1]


@cache
def _adapter() -> TypeAdapter[Finding]:
    return TypeAdapter(Finding)
