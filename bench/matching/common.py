"""Shared by run.py, make_queries.py and tests/refdata/test_benchmark.py: the index and scoring."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from distractors import generate, registry_info  # noqa: E402

from kvrules.refdata import Resolver, Store  # noqa: E402
from kvrules.refdata.normalise import name_key  # noqa: E402
from kvrules.refdata.shipped import load_shipped  # noqa: E402

QUERIES = HERE / "queries.jsonl"


def build_store(path: str = ":memory:") -> Store:
    """Shipped data plus the synthetic distractor registry."""
    store = Store(path)
    load_shipped(store)
    reserved = {
        (name_key(n), e.country)
        for _, e in store.iter_latest()
        for n, t in e.all_names()
        if t != "acronym"
    }
    store.add_edition(registry_info(), generate(reserved))
    return store


def identity(m: object) -> str:
    """What a label names: the ROR id, or list:entry for entries without one."""
    return m.ror_id or f"{m.list}:{m.entry}"  # type: ignore[attr-defined]


def load_queries() -> list[dict]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(resolver: Resolver, queries: list[dict]) -> tuple[Score, list[str]]:
    """Precision/recall of the top confident match (fuzzy candidates included).

    A wrong prediction counts as a false positive, and also as a false negative when the query
    had a label; no prediction for a labelled query is a false negative."""
    score, errors = Score(), []
    for q in queries:
        best = resolver.best(q["query"], q.get("country"))
        got = identity(best) if best else None
        want = q["expected"]
        if got is None:
            if want is None:
                score.tn += 1
            else:
                score.fn += 1
                errors.append(f"MISS  {q['query']!r} [{q.get('country')}] want {want}")
        elif got == want:
            score.tp += 1
        else:
            score.fp += 1
            score.fn += want is not None
            errors.append(
                f"WRONG {q['query']!r} [{q.get('country')}] want {want} got {got} "
                f"({best.method} {best.score} {best.name!r})"
            )
    return score, errors
