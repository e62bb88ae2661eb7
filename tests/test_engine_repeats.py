"""A rule whose `or` holds on several branches is named by durable_rules once per branch; the
evaluator makes one finding of it, whichever engine call it fires through."""

from __future__ import annotations

from kvrules import Evaluator
from kvrules.engine import load_rulebook
from tests.conftest import rule_yaml
from tests.test_engine import partner_event

BOTH = rule_yaml("either", 'partner.country == "CN" or partner.lists contains "us-dod-1286"')


def test_a_rule_named_per_branch_makes_one_finding(write_rulebook):
    book = load_rulebook(write_rulebook(BOTH))
    event = partner_event(country="CN", lists=["us-dod-1286"])
    with Evaluator([book], verify=True) as ev:
        view = ev.project(event)
        key = f"{book.id}/either"
        # The premise: the core takes one action per branch that held.
        assert ev.engine.fire_repeating(view) == [key, key]
        assert ev.engine.fire(view) == [key]
        assert ev.engine.fire_each_repeating([view, view]) == [[key, key], [key, key]]
        assert ev.engine.fire_each([view, view]) == [[key], [key]]
        assert [f.rule_id for f in ev.explain(event, view, [key, key])] == ["either"]
        assert [f.rule_id for f in ev.evaluate(event)] == ["either"]
        assert [[f.rule_id for f in found] for found in ev.evaluate_each([event, event])] == [
            ["either"],
            ["either"],
        ]


def test_one_branch_names_the_rule_once(write_rulebook):
    book = load_rulebook(write_rulebook(BOTH))
    event = partner_event(country="CN")
    with Evaluator([book], verify=True) as ev:
        assert ev.engine.fire_repeating(ev.project(event)) == [f"{book.id}/either"]
        assert len(ev.evaluate(event)) == 1
