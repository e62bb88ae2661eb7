"""Evaluate collaboration events against rulebooks: project, fire in durable_rules, explain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kvrules.engine import oracle
from kvrules.engine.compiler import CompiledRule, Program, compile_program
from kvrules.engine.durable import MAX_KEYS, DurableEngine, EngineError
from kvrules.engine.makers import finding_maker
from kvrules.engine.projection import CompiledProjection
from kvrules.engine.subjects import name_the_added, subject, with_subject
from kvrules.findings import CitationRef, Finding, RulebookRef
from kvrules.model import CollaborationEvent, EventKind, PlainEvent
from kvrules.rulebook import ir
from kvrules.rulebook.cases import CaseResult, run_cases

_KIND_VALUES = {kind: kind.value for kind in EventKind}  # an enum's .value is a slow property
_RANK = {severity: -i for i, severity in enumerate(ir.Severity)}


class Evaluator:
    """Compiled rulebooks bound to one engine; reuse it for every event (engines are costly).

    Every finding is explained by the oracle; if the oracle finds the condition false, durable_rules
    and kvrules disagree and ``EngineError`` is raised. With ``verify=True`` the oracle also checks
    that no rule was missed (used in tests; it costs one pure-Python pass per event).
    """

    def __init__(self, rulebooks: Iterable[ir.Rulebook], *, verify: bool = False) -> None:
        self.program: Program = compile_program(list(rulebooks))
        self.project = CompiledProjection(
            self.program.paths,
            self.program.patterns,
            {
                path: {key: oracle.element_test(test, var) for key, (var, test) in tests.items()}
                for path, tests in self.program.element_flags.items()
            },
        )
        # durable_rules fails past 252 flattened keys per fact; the projection bounds them.
        if self.project.max_keys() > MAX_KEYS:
            raise EngineError(
                f"rulebooks read {self.project.max_keys()} distinct fields; "
                f"the engine takes at most {MAX_KEYS} per event"
            )
        self._checked_plain = self.project.checked_plain
        self.engine = DurableEngine(self.program)
        # Per rule, everything a finding needs that does not depend on the event, bound once
        # (every fired rule becomes a finding, so this runs for each of them).
        self._findings = {
            key: _FindingMaker(compiled) for key, compiled in self.program.rules.items()
        }
        # The commonest rule shapes have a function of their own (kvrules.engine.makers).
        self._makers = {key: maker.compiled or maker for key, maker in self._findings.items()}
        # The rules whose findings may name no added organisation yet where their evidence
        # reads it (``name_the_added``): every rule whose maker does not name it itself.
        self._name_later = frozenset(
            key
            for key, maker in self._makers.items()
            if not getattr(maker, "names_the_added", False)
        )
        # Most severe first, then by rulebook and rule: a rank per rule, so that ordering an
        # event's findings compares small integers.
        ranked = sorted(self._findings, key=lambda key: self._findings[key].order)
        self._order = {key: rank for rank, key in enumerate(ranked)}
        self.verify = verify

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluate(self, event: CollaborationEvent | PlainEvent) -> list[Finding]:
        """Every rule that matches ``event``, most severe first, each with its evidence.

        ``event``: a model instance, or a plain event (``kvrules.model.validate_plain_event``:
        the same validation without building model instances, for callers that need none)."""
        # ``self.project.checked(event)`` without its frame (it tells the forms apart so)
        if type(event) is dict:
            view, odd = self._checked_plain(event)
        else:
            view, odd = self.project.checked(event)
        # Rules named once per `or` branch that held: explain keeps each once.
        fired = self.engine.fire_repeating(view, odd)
        if self.verify:
            self._verify(event, view, fired)
        return self.explain(event, view, fired)

    def evaluate_each(
        self, events: Sequence[CollaborationEvent | PlainEvent]
    ) -> list[list[Finding]]:
        """``[self.evaluate(event) for event in events]``, done stage by stage: every event
        projected, then fired, then explained. The same findings, 15 to 30% faster for a batch of
        ten events (bench/engine.py): each stage's code and data stay warm in the
        processor's caches instead of taking turns for every event."""
        checked = self.project.checked
        views, odd = zip(*map(checked, events), strict=True) if events else ((), ())
        # Rules named once per `or` branch that held: explain keeps each once.
        fired = self.engine.fire_each_repeating(views, odd)
        if self.verify:
            for event, view, keys in zip(events, views, fired, strict=True):
                self._verify(event, view, keys)
        explain = self.explain
        return [explain(*done) for done in zip(events, views, fired, strict=True)]

    def _verify(self, event: CollaborationEvent | PlainEvent, view: dict, fired: list[str]) -> None:
        """Raise unless the oracle expects exactly the rules that ``fired``."""
        expected = oracle.fired(
            [(k, c.rule.kinds, c.rule.condition) for k, c in self.program.rules.items()], view
        )
        if sorted(expected) != sorted(set(fired)):  # a rule may be named once per `or` branch
            raise EngineError(
                f"event {_about(event)[0]}: durable_rules fired {sorted(set(fired))}, "
                f"the oracle expects {sorted(expected)}"
            )

    def explain(
        self, event: CollaborationEvent | PlainEvent, view: dict, fired: list[str]
    ) -> list[Finding]:
        """The findings of the rules that ``fired`` on ``view`` (``event`` projected), most
        severe first, each explained by the oracle; a rule named more than once (its ``or``
        held on several branches) makes one finding."""
        if not fired:
            return []
        # Ordered by rule before the findings are made: the order depends on the rule alone
        # (each rule has its own rank, so the set's order does not show).
        fired = sorted(set(fired), key=self._order.__getitem__)
        about = _about(event)
        subjects: dict[str, str | None] = {}  # evidence path -> who it names, for this event
        makers = self._makers
        findings = [makers[key](view, event, about, subjects) for key in fired]
        if self._name_later:
            later = self._name_later
            name_the_added([f for k, f in zip(fired, findings, strict=True) if k in later], event)
        return findings


class _FindingMaker:
    """Makes the findings of one rule: explains the view and adds the rule's fixed parts."""

    __slots__ = (
        "also_alert",
        "compiled",
        "explain",
        "names_elements",
        "order",
        "risks",
        "rule_parts",
    )

    def __init__(self, compiled: CompiledRule) -> None:
        rule, rulebook = compiled.rule, compiled.rulebook
        self.explain = oracle.explainer(rule.condition)
        # Only a quantifier puts list positions (``partners[2]``) into evidence paths.
        self.names_elements = any(isinstance(node, ir.Quant) for node in ir.walk(rule.condition))
        self.order = (_RANK[rule.severity], rulebook.id, rule.id)  # most severe first
        self.rule_parts = (  # Finding's fields up to legal_basis, in order
            rule.id,
            rule.title,
            RulebookRef(id=rulebook.id, version=rulebook.version, sha256=rulebook.sha256),
            rule.severity,
            list(rule.tags),
            rule.alert,
            rule.rationale,
            CitationRef(id=rule.citation.id, cite=rule.citation.cite, url=rule.citation.url),
            rule.legal_basis,
        )
        self.risks = list(rule.risks)
        self.also_alert = list(rule.also_alert)
        # the generated maker makes findings with no further targets: a rule alerting several
        # (few, and only when they fire) is made here
        self.compiled = (
            None
            if self.also_alert
            else finding_maker(rule.condition, self.rule_parts, self.risks, self.disagree, subject)
        )

    def disagree(self, about: tuple[str, str, str, str]) -> None:
        """Raise: durable_rules fired the rule on an event its condition does not hold for."""
        raise EngineError(
            f"event {about[0]}: durable_rules fired {self.rule_parts[2].id}/"
            f"{self.rule_parts[0]} but its condition does not hold"
        )

    def __call__(
        self,
        view: dict,
        event: CollaborationEvent | PlainEvent,
        about: tuple[str, str, str, str],
        subjects: dict[str, str | None],
    ) -> Finding:
        """The finding for ``event`` (``about``: its id, kind, source system and record id)."""
        evidence = self.explain(view)
        if evidence is None:
            self.disagree(about)
        if self.names_elements:
            evidence = [with_subject(e, event, subjects) for e in evidence]
        parts = self.rule_parts  # each finding gets its own tags and risks: plugins see them
        return Finding(
            *parts[:4],
            parts[4].copy(),
            *parts[5:],
            *about,
            evidence,
            self.risks.copy(),
            self.also_alert.copy(),
        )


def _about(event: CollaborationEvent | PlainEvent) -> tuple[str, str, str, str]:
    """The event's id, kind, source system and record id, as every finding carries them."""
    if type(event) is dict:
        source = event["source"]
        return event["id"], _KIND_VALUES[event["kind"]], source["system"], source["record_id"]
    source = event.source
    return event.id, _KIND_VALUES[event.kind], source.system, source.record_id


def run_rulebook_tests(
    rulebook: ir.Rulebook, enrich: Callable[[CollaborationEvent], Any] | None = None
) -> list[CaseResult]:
    """A rulebook's own test cases on the engine, each finding double-checked by the oracle."""
    with Evaluator([rulebook], verify=True) as evaluator:
        return run_cases(rulebook, evaluator, enrich)
