"""Run a rulebook's own test cases: given an event, expect exactly these rules to fire."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from kvrules.errors import problem_text
from kvrules.model import CollaborationEvent
from kvrules.rulebook import ir

_NEEDS_PROJECT = ("project.", "partner.", "funder.", "list.")
_SUBJECT_DEFAULTS = {
    "project": {"id": "P-test", "title": "(test project)"},
    "output": {"id": "O-test", "title": "(test output)"},
    "visit": {"id": "V-test", "visitor": {}},
}


def event_from_given(given: dict[str, Any], name: str = "test") -> CollaborationEvent:
    """A full event from a test's ``given``: ids, source and time may be left out."""
    data = copy.deepcopy(given)
    if str(data.get("kind", "")).startswith(_NEEDS_PROJECT):
        data.setdefault("project", {})
    for subject, defaults in _SUBJECT_DEFAULTS.items():
        if isinstance(data.get(subject), dict):
            data[subject] = {**defaults, **data[subject]}
    record = next((data[s]["id"] for s in _SUBJECT_DEFAULTS if isinstance(data.get(s), dict)), name)
    data.setdefault("id", f"test:{name}")
    data.setdefault("source", {"system": "test", "record_id": str(record)})
    data.setdefault("occurred_at", "2026-01-01T00:00:00Z")
    return CollaborationEvent.model_validate(data)


@dataclass
class CaseResult:
    rulebook: ir.Rulebook
    case: ir.TestCase
    fired: list[str]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and sorted(self.fired) == sorted(self.case.expect)

    def describe(self) -> str:
        where = f"{self.rulebook.path}:{self.case.pos.line}:{self.case.pos.col}"
        if self.error:
            return f"{where}: {self.case.name}: {self.error}"
        missing = sorted(set(self.case.expect) - set(self.fired))
        extra = sorted(set(self.fired) - set(self.case.expect))
        parts = [
            f"did not fire {missing}" if missing else "",
            f"unexpectedly fired {extra}" if extra else "",
        ]
        return f"{where}: {self.case.name}: " + "; ".join(p for p in parts if p)


class RuleEvaluator(Protocol):
    """What running test cases needs of an engine (``kvrules.engine.Evaluator`` is one)."""

    def evaluate(self, event: CollaborationEvent) -> Iterable[Any]: ...


def run_cases(
    rulebook: ir.Rulebook,
    evaluator: RuleEvaluator,
    enrich: Callable[[CollaborationEvent], Any] | None = None,
) -> list[CaseResult]:
    """Run a rulebook's tests on ``evaluator`` (built from that rulebook alone); ``enrich``
    (e.g. an Enricher) prepares each event like a scan. The language does not know the
    engine: the caller builds the evaluator (``kvrules.engine.evaluator.run_rulebook_tests``)."""
    return [_run_case(evaluator, rulebook, case, enrich) for case in rulebook.tests]


def _run_case(
    evaluator: RuleEvaluator, rulebook: ir.Rulebook, case: ir.TestCase, enrich: Any
) -> CaseResult:
    if case.problems:  # it cannot pass, whatever the rules do
        return CaseResult(rulebook, case, [], "; ".join(p.message for p in case.problems))
    try:
        event = event_from_given(case.given, case.name)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(map(str, first["loc"]))
        return CaseResult(
            rulebook, case, [], f"bad event: {loc + ': ' if loc else ''}{problem_text(first)}"
        )
    if enrich is not None:
        enrich(event)
    return CaseResult(rulebook, case, [f.rule_id for f in evaluator.evaluate(event)])
