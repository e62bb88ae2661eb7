"""Evaluate collaboration events against rulebooks: project, fire in durable_rules, explain."""

from __future__ import annotations

from collections.abc import Iterable

from kvrules.engine import oracle
from kvrules.engine.compiler import Program, compile_program
from kvrules.engine.durable import DurableEngine, EngineError
from kvrules.fields import Projection
from kvrules.findings import CitationRef, EvidenceItem, Finding, RulebookRef
from kvrules.model import CollaborationEvent
from kvrules.rulebook import ir


class Evaluator:
    """Compiled rulebooks bound to one engine; reuse it for every event (engines are costly).

    Every finding is explained by the oracle; if the oracle finds the condition false, durable_rules
    and kvrules disagree and ``EngineError`` is raised. With ``verify=True`` the oracle also checks
    that no rule was missed (used in tests; it costs one pure-Python pass per event).
    """

    def __init__(self, rulebooks: Iterable[ir.Rulebook], *, verify: bool = False) -> None:
        self.program: Program = compile_program(list(rulebooks))
        self.project = Projection(self.program.paths, self.program.patterns)
        self.engine = DurableEngine(self.program)
        self.verify = verify

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluate(self, event: CollaborationEvent) -> list[Finding]:
        """Every rule that matches ``event``, most severe first, each with its evidence."""
        view = self.project(event)
        fired = self.engine.fire(view)
        if self.verify:
            expected = oracle.fired(
                [(k, c.rule.kinds, c.rule.condition) for k, c in self.program.rules.items()],
                view,
            )
            if sorted(expected) != sorted(fired):
                raise EngineError(
                    f"event {event.id}: durable_rules fired {sorted(fired)}, "
                    f"the oracle expects {sorted(expected)}"
                )
        findings = [self._finding(key, event, view) for key in fired]
        findings.sort(key=lambda f: (-f.severity.rank, f.rulebook.id, f.rule_id))
        return findings

    def _finding(self, key: str, event: CollaborationEvent, view: dict) -> Finding:
        compiled = self.program.rules[key]
        rule, rulebook = compiled.rule, compiled.rulebook
        evidence = oracle.explain(rule.condition, view)
        if evidence is None:
            raise EngineError(
                f"event {event.id}: durable_rules fired {key} but its condition does not hold"
            )
        items = [EvidenceItem(path=e.path, test=e.test, actual=e.actual) for e in evidence]
        return Finding(
            fingerprint=Finding.fingerprint_of(key, event.source.record_id, items),
            rule_id=rule.id,
            rule_title=rule.title,
            rulebook=RulebookRef(id=rulebook.id, version=rulebook.version, sha256=rulebook.sha256),
            severity=rule.severity,
            tags=list(rule.tags),
            alert=rule.alert,
            rationale=rule.rationale,
            citation=CitationRef(
                id=rule.citation.id, cite=rule.citation.cite, url=rule.citation.url
            ),
            legal_basis=rule.legal_basis,
            event_id=event.id,
            event_kind=event.kind.value,
            source_system=event.source.system,
            source_record_id=event.source.record_id,
            evidence=items,
        )
