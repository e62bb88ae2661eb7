"""The facts' JSON text: written in Rust (pydantic-core) where it can be, byte for byte what
``json.dumps(fact, ensure_ascii=False, separators=(",", ":"))`` writes, on every character,
every number the fast path takes, the bench's events and the shipped rulebooks' own test
events; and unescaped, as durable_rules is given the rulesets' literals."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvrules import Evaluator
from kvrules.engine import load_rulebook
from kvrules.engine.durable import PLAIN_FLOATS, _plain_json, fact_json
from kvrules.model import validate_plain_event
from kvrules.rulebook.cases import event_from_given
from kvrules.rulebook.loader import load_text
from tests.conftest import HEADER

ROOT = Path(__file__).resolve().parent.parent
BOOKS = sorted((ROOT / "rulebooks").glob("*.yaml"))


def compact(fact: object) -> str:
    return json.dumps(fact, ensure_ascii=False, separators=(",", ":"))


def test_every_character_is_written_as_json_dumps_writes_it() -> None:
    """Every code point as json.dumps writes it; a lone surrogate, which pydantic-core refuses
    (and the model too), by json.dumps."""
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert _plain_json({"t": text, "l": [text]}) == compact({"t": text, "l": [text]})
    for odd in ("\x7f", "a\x7fb", "\ud800", "x\udfffy", "\\u007f"):
        assert _plain_json({"name": odd}) == compact({"name": odd})


@given(
    st.floats(min_value=PLAIN_FLOATS[0], max_value=PLAIN_FLOATS[1], exclude_max=True)
    | st.floats(min_value=-PLAIN_FLOATS[1], max_value=-PLAIN_FLOATS[0], exclude_min=True)
    | st.just(0.0)
    | st.just(-0.0)
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.booleans()
)
def test_every_number_the_fast_path_takes_is_written_as_json_dumps_writes_it(number) -> None:
    fact = {"a": number, "l": [number], "o": {"n": number}}
    assert _plain_json(fact) == compact(fact)
    assert fact_json(fact, False) == compact(fact)


def _bench_events(count: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "bench" / "engine.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_engine", bench)
    spec.loader.exec_module(bench)
    rng = random.Random(7)
    text = bench.rulebook_text(bench.make_rules(60, rng))
    return [load_text(text, "bench.yaml"), bench.make_events(count, rng)]


def test_the_bench_facts_are_byte_identical_to_json_dumps() -> None:
    book, events = _bench_events(500)
    with Evaluator([book]) as evaluator:
        project = evaluator.project
        for event in events:
            view = project(validate_plain_event(event))
            assert fact_json(view, project.odd_numbers(view)) == compact(view)


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.stem)
def test_the_shipped_rulebooks_test_events_make_byte_identical_facts(path: Path) -> None:
    book = load_rulebook(path)
    assert book.tests
    with Evaluator([book]) as evaluator:
        project = evaluator.project
        for case in book.tests:
            if case.problems:
                continue
            for event in (event_from_given(case.given, case.name),):
                plain = validate_plain_event(event.model_dump(exclude_unset=True))
                for view in (project(event), project(plain)):
                    assert fact_json(view, project.odd_numbers(view)) == compact(view)


@pytest.mark.parametrize("name", ["Ünïcode Ørg", "A\x7fB", "北京航空航天大学", 'quote " and \\'])
def test_a_rule_literal_matches_the_same_text_in_a_fact(name: str) -> None:
    """The C core compares strings as written: durable_rules is given a ruleset's literals
    unescaped (``ensure_ascii=False``), so a fact must hold them unescaped too. Before, facts
    were escaped and a rule naming "Ünïcode Ørg", or any text beyond ASCII, never fired."""
    literal = json.dumps(name)  # a valid condition literal: a double-quoted, escaped string
    rule = (
        f"  - id: named\n    title: t\n    on: [partner.added]\n"
        f"    when: {json.dumps(f'partner.name == {literal}')}\n"
        "    severity: low\n    rationale: r\n    cite: s1\n"
    )
    book = load_text(HEADER + rule, "t.yaml")
    event = {
        "id": "e1",
        "kind": "partner.added",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "t", "record_id": "P1"},
        "project": {"id": "P1", "title": "t"},
        "partner": {"name": name},
    }
    with Evaluator([book]) as evaluator:
        assert [f.rule_id for f in evaluator.evaluate(validate_plain_event(event))] == ["named"]
        other = {**event, "partner": {"name": name + "x"}}
        assert evaluator.evaluate(validate_plain_event(other)) == []


def test_a_fact_is_the_view_with_the_engine_keys_after_its_own() -> None:
    """``DurableEngine._fact`` writes the view's JSON and appends the reserved keys instead of
    copying the view into a new dict: the text is still that of ``{**view, "id": …, "sid":
    "0"}``, for the bench's views, an empty view, text pydantic-core refuses (a lone
    surrogate: ``json.dumps``) and floats that need the careful writer."""
    book, events = _bench_events(200)
    with Evaluator([book]) as evaluator:
        engine, project = evaluator.engine, evaluator.project
        views = [project(validate_plain_event(event)) for event in events]
        views += [{}, {"kind": "partner.added"}, {"partner": {"name": "x\udfffy"}}]
        for view in views:
            for odd in (project.odd_numbers(view), None):
                text = engine._fact(view, odd)
                fact_id = json.loads(text)["id"]
                assert text == compact({**view, "id": fact_id, "sid": "0"})
        for number in (1e-07, 1e16, -2.5e20):
            text = engine._fact({"funder": {"amount": number}}, True)
            fact_id = json.loads(text)["id"]
            assert text == fact_json({"funder": {"amount": number}, "id": fact_id, "sid": "0"})
            assert json.loads(text)["funder"]["amount"] == number
