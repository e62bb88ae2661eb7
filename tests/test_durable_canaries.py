"""Canaries for the durable_rules behaviours kvrules is designed around (DESIGN.md).

If an upgrade or fork changes one of them, this file fails before the design silently breaks.
"""

from __future__ import annotations

import copy

import durable.engine
import pytest


class Host(durable.engine.Host):
    def __init__(self, rules: dict):
        self.fired: list[str] = []
        super().__init__()
        self.set_rulesets(copy.deepcopy(rules))

    def get_action(self, name):
        def action(c):
            self.fired.append(name)

        return action


def three_rules() -> dict:
    return {
        f"canary{id(object())}": {
            f"r{i}": {"all": [{"m": {"$gt": {"x": i}}}], "run": f"r{i}"} for i in range(3)
        }
    }


def test_posted_event_fires_only_one_of_three_matching_rules():
    rules = three_rules()
    host = Host(rules)
    host.post(next(iter(rules)), {"x": 10})
    assert len(host.fired) == 1


def test_asserted_fact_fires_every_matching_rule():
    rules = three_rules()
    host = Host(rules)
    host.assert_fact(next(iter(rules)), {"id": "f1", "x": 10})
    assert sorted(host.fired) == ["r0", "r1", "r2"]


def test_second_fact_with_same_id_is_not_evaluated_again():
    rules = three_rules()
    name = next(iter(rules))
    host = Host(rules)
    host.assert_fact(name, {"id": "same", "x": 10})
    with pytest.raises(durable.engine.MessageObservedException):
        host.assert_fact(name, {"id": "same", "x": 11})
    assert len(host.fired) == 3


def test_more_than_252_flattened_keys_fail_but_list_items_do_not_count():
    rules = three_rules()
    name = next(iter(rules))
    host = Host(rules)
    with pytest.raises(Exception, match="302"):
        host.assert_fact(name, {"id": "a", "x": 10, "n": {f"k{i}": i for i in range(260)}})
    host.assert_fact(name, {"id": "b", "x": 10, "l": [{"a": i, "b": i} for i in range(500)]})


def test_loose_typing_text_greater_than_number():
    rules = {"canary_loose": {"r": {"all": [{"m": {"$gt": {"w": 10}}}], "run": "r"}}}
    host = Host(rules)
    host.assert_fact("canary_loose", {"id": "1", "w": "abc"})
    assert host.fired == ["r"]


def test_regex_matches_the_whole_value_in_lua_dialect():
    rules = {"canary_mt": {"r": {"all": [{"m": {"$mt": {"s": "ab%d+"}}}], "run": "r"}}}
    host = Host(rules)
    with pytest.raises(durable.engine.MessageNotHandledException):
        host.assert_fact("canary_mt", {"id": "1", "s": "ab12x"})
    host.assert_fact("canary_mt", {"id": "2", "s": "ab12"})
    assert host.fired == ["r"]


def test_iall_is_false_on_empty_list_and_neq_false_on_missing():
    rules = {
        "canary_all": {
            "all": {"all": [{"m": {"$iall": {"l": {"$i": "z"}}}}], "run": "all"},
            "neq": {"all": [{"m": {"$neq": {"x": 1}}}], "run": "neq"},
        }
    }
    host = Host(rules)
    with pytest.raises(durable.engine.MessageNotHandledException):
        host.assert_fact("canary_all", {"id": "1", "l": []})
    assert host.fired == []


def test_regex_dfa_gives_wrong_answers_so_kvrules_uses_re2():
    # Found by tests/test_differential.py: '.*i?ng.*' does match "Tsinghua University".
    rules = {"canary_dfa": {"r": {"all": [{"m": {"$mt": {"s": ".*i?ng.*"}}}], "run": "r"}}}
    host = Host(rules)
    with pytest.raises(durable.engine.MessageNotHandledException):
        host.assert_fact("canary_dfa", {"id": "1", "s": "Tsinghua University"})


def test_or_inside_array_tests_depends_on_property_order():
    # Found by tests/test_differential.py: inside $iany, `or` keeps the result of the last
    # property in message order. kvrules therefore never sends quantifier bodies to the engine.
    rules = {
        "canary_or": {
            "r": {
                "all": [{"m": {"$iany": {"ps": {"$or": [{"$i.c": "RU"}, {"$i.k": 1}]}}}}],
                "run": "r",
            }
        }
    }
    host = Host(rules)
    host.assert_fact("canary_or", {"id": "1", "ps": [{"k": 2, "c": "RU"}]})
    assert host.fired == ["r"]
    with pytest.raises(durable.engine.MessageNotHandledException):
        host.assert_fact("canary_or", {"id": "2", "ps": [{"c": "RU", "k": 2}]})  # wrong answer


def test_json_reader_rejects_an_exponent_without_a_fraction():
    """Python writes 1e-07 and 1e+16 that way; kvrules writes 1.0e-07 (engine.durable.fact_json)."""
    import durable_rules_engine as core

    rules = three_rules()
    name = next(iter(rules))
    host = Host(rules)
    handle = host.get_ruleset(name)._handle
    for text in ('{"id": "a", "x": 1e+16}', '{"id": "b", "x": 1e-07}'):
        with pytest.raises(Exception, match="204"):
            core.assert_fact(handle, text)
    core.assert_fact(handle, '{"id": "c", "x": 1.0e+16}')  # the same number, read


def test_integers_beyond_int64_compare_wrongly():
    """Why rulebook literals stop at 2^53 (kvrules.rulebook.condition.MAX_NUMBER)."""
    name = f"canary{id(object())}"
    host = Host(
        {name: {"big": {"all": [{"m": {"$gt": {"x": 12345678901234567890}}}], "run": "big"}}}
    )
    host.assert_fact(name, {"id": "a", "x": 9.3e18})  # smaller, yet it fires
    assert host.fired == ["big"]
