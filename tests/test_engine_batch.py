"""Evaluator.evaluate_each: a batch of events, stage by stage, finds what one at a time finds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvrules import CollaborationEvent, Evaluator
from kvrules.engine import load_rulebook
from kvrules.model import validate_plain_event
from kvrules.rulebook.loader import load_text
from tests.conftest import rule_yaml
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


def _partner_added(n: int, name: str, country: str, amount: int) -> dict:
    partner = {"name": name, "country": country, "lists": ["x"] if n % 3 == 0 else []}
    funder = {"name": f"Fund {n}", "country": "NL", "amount": amount, "currency": "EUR"}
    return {
        "id": f"e{n}",
        "kind": "partner.added" if n % 4 else "funder.added",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "test", "record_id": f"P{n}"},
        "project": {"id": f"P{n}", "title": "t", "partners": [partner], "funders": [funder]},
        "partner": partner,
        "funder": funder,
    }


def test_a_batch_over_many_rulesets_credits_each_finding_to_its_own_event(write_rulebook) -> None:
    """Fired a batch at a time, each ruleset gets every fact of a kind in one call; what each
    rule fired on is credited back to its event by the fact's id, across shards."""
    countries = ["CN", "RU", "NL", "US", "IR"]
    rules = (
        [
            rule_yaml(
                f"c{i}",
                f'partner.country == "{countries[i % 5]}"',
                on="[partner.added, funder.added]",
            )
            for i in range(150)
        ]
        + [
            rule_yaml(f"a{i}", f"funder.amount > {i * 1000}", on="[partner.added, funder.added]")
            for i in range(150)
        ]
        + [
            rule_yaml(
                "l",
                "'any p in project.partners: p.lists contains \"x\"'",
                on="[partner.added, funder.added]",
            )
        ]
    )
    book = load_rulebook(write_rulebook(*rules))
    # Names that look like the tail of a fact's JSON text: a text value cannot forge an id.
    names = ['Org", "id": "kvr1", "sid": "0"}}', '"id": "kvr2"', "Plain Org"]
    items = [
        validate_plain_event(_partner_added(n, names[n % 3], countries[n % 5], n * 4_000))
        for n in range(24)
    ]
    with Evaluator([book], verify=True) as evaluator:
        for kind in ("partner.added", "funder.added"):  # several rulesets per kind
            assert len(evaluator.engine._rulesets_for(kind)) > 1
        batch = evaluator.evaluate_each(items)
        one_by_one = [evaluator.evaluate(item) for item in items]
    assert batch == one_by_one
    assert sum(map(len, batch)) > 24 * 30  # most rules fire on most events


def test_fire_each_is_fire_for_each_view(write_rulebook) -> None:
    book = load_rulebook(
        write_rulebook(
            rule_yaml("cn", 'partner.country == "CN"'),
            rule_yaml("both", 'partner.country == "CN" or partner.name matches "B.*"'),
            rule_yaml("big", "funder.amount > 10", on="funder.added"),
        )
    )
    views = [
        {"kind": "partner.added", "partner": {"country": "CN", "name": "Beihang"}},
        {"kind": "partner.added", "partner": {"country": "NL", "name": "Delft"}},
        {"kind": "funder.added", "funder": {"amount": 20.0}},
        {"kind": "visit.requested"},  # a kind no rule is for
        {"kind": "partner.added", "partner": {"country": "CN", "name": "Delft"}},
    ]
    with Evaluator([book]) as evaluator:
        projected = [evaluator.project.odd_numbers(view) for view in views]
        assert evaluator.engine.fire_each([]) == []
        each = evaluator.engine.fire_each(views, projected)
        assert each == [evaluator.engine.fire(view) for view in views]
    assert [sorted(keys) for keys in each] == [
        ["t/both", "t/cn"],
        [],
        ["t/big"],
        [],
        ["t/both", "t/cn"],
    ]


def test_a_batch_reads_each_facts_id_however_the_action_message_is_spaced() -> None:
    """The batch path credits an action to its fact by the id in durable_rules' action message:
    a compact re-serialisation by the C core ('"id":"kvr3"') names the fact as well, and a
    message without one is an EngineError naming the cause, not a ValueError out of a scan."""
    from kvrules.engine.durable import EngineError, _fact_id

    spaced = '{"r1":{"m":{"kind": "project.created", "id": "kvr3", "sid": "0"}}}'
    # a text value quoting an id cannot forge one: its quotes are escaped
    compact = '{"r1":{"m":{"kind":"project.created","title":"\\"id\\":\\"kvr9\\"","id":"kvr3","sid":"0"}}}'
    assert _fact_id(spaced) == _fact_id(compact) == "kvr3"
    assert _fact_id('{"r1":{"m":{"kind":"x","id" : "kvr12" ,"sid":"0"}}}') == "kvr12"
    with pytest.raises(EngineError, match="fact's id"):
        _fact_id('{"r1":{"m":{"kind":"project.created","sid":"0"}}}')
