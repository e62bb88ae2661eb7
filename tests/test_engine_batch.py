"""Evaluator.evaluate_each: a batch of events, stage by stage, finds what one at a time finds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvrules import CollaborationEvent, Evaluator
from kvrules.model import validate_plain_event
from kvrules.rulebook.loader import load_text
from tests.test_differential import condition, events, rulebook


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(condition(), min_size=1, max_size=6),
    st.lists(st.tuples(events, st.booleans()), max_size=8),
)
def test_a_batch_finds_what_one_event_at_a_time_finds(conditions, batch) -> None:
    book = load_text(rulebook(conditions), "generated.yaml")
    # Models and plain events mixed in one batch, as either may come.
    items = [
        validate_plain_event(data) if plain else CollaborationEvent.model_validate(data)
        for data, plain in batch
    ]
    with Evaluator([book], verify=True) as evaluator:
        assert evaluator.evaluate_each(items) == [evaluator.evaluate(item) for item in items]
