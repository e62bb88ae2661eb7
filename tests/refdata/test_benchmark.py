"""Runs the labelled matching benchmark (bench/matching) as a quality gate; no timing."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching"
sys.path.insert(0, str(BENCH))

from common import build_store, evaluate, load_queries  # noqa: E402

from kvrules.refdata import Resolver  # noqa: E402


def test_labelled_queries_precision_and_recall() -> None:
    resolver = Resolver(build_store())
    assert resolver.size["names"] >= 10_000
    queries = load_queries()
    assert len(queries) >= 300
    score, errors = evaluate(resolver, queries)
    assert score.precision >= 0.99, "\n".join(errors)
    assert score.recall >= 0.95, "\n".join(errors)
