"""Finding makers compiled per rule (kvrules.engine.makers) make exactly the findings of the
general path (the oracle's explanation, then the rule's fixed parts), and the same error when
durable_rules fires a rule whose condition does not hold."""

from __future__ import annotations

import copy
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvrules import CollaborationEvent, Evaluator
from kvrules.engine.durable import EngineError
from kvrules.engine.makers import finding_maker
from kvrules.engine.projection import CompiledProjection
from kvrules.engine.subjects import element_namer, name_the_added, subject
from kvrules.fields import ROOT, FieldType, resolve
from kvrules.model import validate_plain_event
from kvrules.rulebook import ir
from kvrules.rulebook.loader import load_text
from tests.test_differential import condition, events, rulebook
from tests.test_engine_plain import FULL, OTHER_SUBJECTS

POS = ir.Pos(1, 1)
COUNTRY, NAME = ir.Ref(None, ("partner", "country")), ir.Ref(None, ("partner", "name"))
LISTS, AMOUNT = ir.Ref(None, ("partner", "lists")), ir.Ref(None, ("funder", "amount"))
PARTNERS = ir.Ref(None, ("project", "partners"))

ANY_LISTS = 'any p in project.partners: p.lists contains "x"'
# Every kind of test the direct shapes take, held or negated, alone and joined by `and`.
SHAPES = [
    'partner.country == "CN"',
    'partner.country != "CN"',
    "funder.amount > 1000",
    "funder.amount <= 1000",
    "funder.amount < 1000",
    "funder.amount >= 1000",
    'partner.country in ["CN", "RU"]',
    'partner.lists contains "x"',
    'partner.name matches "Harb.*"',
    "partner.country exists",
    "not partner.country exists",
    'not partner.name matches "Harb.*"',
    'partner.country == "CN" and partner.lists contains "x"',
    'project.keywords contains "ai" and not partner.lists contains "x"',
    'partner.country in ["CN", "RU"] and not funder.amount > 1000',
    ANY_LISTS,
    'any p in project.partners: p.name matches "Harb.*"',
    "any p in project.partners: p.country exists",
    'any p in project.partners: p.country in ["RU"]',
    "any f in project.funders: f.amount > 1000",
]
HARBIN = {"name": "Harbin", "country": "CN", "lists": ["x"]}
DELFT = {"name": "Delft", "lists": ["y"]}
HARBOUR = {"name": "Harbour", "country": "RU", "lists": ["x", "z"]}


def event(partner: dict, partners: list[dict], funder_amount: float | None, kind: str) -> dict:
    funder = {"name": "F", **({} if funder_amount is None else {"amount": funder_amount})}
    return {
        "id": "e",
        "kind": kind,
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "t", "record_id": "P"},
        "partner": partner if kind == "partner.added" else None,
        "funder": funder if kind == "funder.added" else None,
        "project": {
            "id": "P",
            "title": "t",
            "keywords": ["AI"],
            "partners": partners,
            "funders": [funder, {"name": "G", "amount": 5000}],
        },
    }


EVENTS = [
    event(partner, partners, amount, kind)
    for partner in (HARBIN, DELFT, HARBOUR)
    for partners in ([], [DELFT, HARBIN], [HARBOUR, DELFT, HARBIN])
    for amount in (None, 500, 2000)
    for kind in ("partner.added", "funder.added")
]


def compare_makers(evaluator: Evaluator, event_dicts: list[dict]) -> int:
    """Every rule on every event: the compiled maker and the general path agree (finding or
    error), each finding as ``Evaluator.explain`` leaves it (the organisation a partner.added
    or funder.added event adds named: by ``name_the_added`` after the general path, by the
    compiled maker itself where it says so); returns how many compiled makers were compared."""
    compiled = {key: m for key, m in evaluator._findings.items() if m.compiled is not None}
    for data in event_dicts:
        for item in (
            validate_plain_event(copy.deepcopy(data)),
            CollaborationEvent.model_validate(copy.deepcopy(data)),
        ):
            view = evaluator.project(item)
            about = ("e", "partner.added", "t", "P")
            for maker in compiled.values():
                try:
                    expected = maker(view, item, about, {})
                except EngineError as error:
                    with pytest.raises(EngineError, match=str(error)):
                        maker.compiled(view, item, about, {})
                    continue
                name_the_added([expected], item)
                made = maker.compiled(view, item, about, {})
                if not maker.compiled.names_the_added:
                    name_the_added([made], item)
                assert made == expected
                assert repr(made) == repr(expected)  # values of the same types (1 is not 1.0)
    return len(compiled)


def test_compiled_makers_make_the_general_paths_findings() -> None:
    book = load_text(rulebook(SHAPES), "shapes.yaml")
    with Evaluator([book]) as evaluator:
        assert compare_makers(evaluator, EVENTS) == len(SHAPES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(condition(), min_size=1, max_size=6), st.lists(events, min_size=1, max_size=6))
def test_compiled_makers_agree_on_generated_rules(conditions, event_dicts) -> None:
    with Evaluator([load_text(rulebook(conditions), "generated.yaml")]) as evaluator:
        compare_makers(evaluator, event_dicts)


def test_compiled_makers_name_elements_past_the_paths_made_in_advance() -> None:
    """An `any` maker writes its first elements' paths once; the 40th partner's evidence is
    made, named and placed as the general path makes it."""
    many = [{**HARBIN, "name": f"Harbin {i}"} for i in range(40)]
    data = event(HARBIN, many, 2000, "partner.added")
    book = load_text(rulebook(SHAPES), "shapes.yaml")
    rule_id = f"r{SHAPES.index(ANY_LISTS)}"
    with Evaluator([book]) as evaluator:
        assert compare_makers(evaluator, [data])
        evaluated = evaluator.evaluate(validate_plain_event(data))
        [finding] = [f for f in evaluated if f.rule_id == rule_id]
    assert [(e.path, e.subject) for e in finding.evidence][30:] == [
        (f"project.partners[{i}].lists", f"Harbin {i} (CN)") for i in range(30, 40)
    ]


def test_compiled_makers_name_the_added_organisation_themselves() -> None:
    """The direct shapes name a partner.added (funder.added) event's organisation as they make
    the evidence, so ``Evaluator.explain`` makes no evidence twice for them; a partner test on
    a funder.added event, and an `any` over the project's list, name no added organisation."""
    conditions = [
        'partner.country == "CN" and project.keywords contains "ai"',
        "funder.amount > 1000",
        'any p in project.partners: p.lists contains "x"',
    ]
    added_partner = event(HARBIN, [HARBOUR], 2000, "partner.added")
    added_funder = event(HARBIN, [HARBOUR], 2000, "funder.added")
    text = rulebook(conditions).replace("[partner.added,", "[partner.added, funder.added,")
    with Evaluator([load_text(text, "added.yaml")]) as evaluator:
        assert evaluator._name_later == frozenset()  # no finding is named afterwards
        made = {
            data["kind"]: [
                [(e.path, e.subject) for e in finding.evidence]
                for finding in evaluator.evaluate(validate_plain_event(data))
            ]
            for data in (added_partner, added_funder)
        }
    assert sorted(made["partner.added"]) == [
        [("partner.country", "Harbin (CN)"), ("project.keywords", None)],
        [("project.partners[0].lists", "Harbour (RU)")],
    ]
    assert sorted(made["funder.added"]) == [
        [("funder.amount", "F")],
        [("project.partners[0].lists", "Harbour (RU)")],
    ]


def test_each_finding_owns_its_tags_and_risks() -> None:
    book = load_text(rulebook(['partner.country == "CN"']), "one.yaml")
    with Evaluator([book]) as evaluator:
        [maker] = evaluator._findings.values()
        view = evaluator.project(validate_plain_event(EVENTS[0]))
        first = maker.compiled(view, EVENTS[0], ("e", "k", "t", "P"), {})
        second = maker.compiled(view, EVENTS[0], ("e", "k", "t", "P"), {})
        first.tags.append("changed")
        first.risks.append("changed")
        assert "changed" not in second.tags + second.risks


def test_compiled_makers_test_with_the_operator_not_a_call() -> None:
    """Comparisons and membership tests are written as the operator the oracle's predicate
    calls (``literal == value``, ``literal in value``, ``value in values``): one Python call
    fewer per test and list element read. The findings are the general path's (above)."""
    for text in [
        'partner.country == "CN" and funder.amount > 1000',
        'partner.country in ["CN", "RU"] and not partner.lists contains "x"',
        ANY_LISTS,
        'partner.name matches "Harb.*"',
    ]:
        [rule] = load_text(rulebook([text]), "ops.yaml").rules
        made = finding_maker(rule.condition, (None,) * 9, [], print, print)
        assert made is not None
        # a predicate would be bound as _p<n> and called
        assert not re.search(r"\b_p\d+\(", made.source), made.source


def test_other_shapes_keep_the_general_path() -> None:
    for text in [
        'partner.country == "CN" or partner.lists contains "x"',
        "all p in project.partners: p.country exists",
    ]:
        [rule] = load_text(rulebook([text]), "other.yaml").rules
        assert finding_maker(rule.condition, (None,) * 9, [], print, print) is None


def test_rule_text_is_data_never_code(tmp_path) -> None:
    marker = tmp_path / "ran"
    hostile = f"\"); __import__('os').system('touch {marker}') #\n'''"
    conditions = [
        f"partner.name == {hostile!r}",
        f"partner.name not in [{hostile!r}, 'x']",
        f"any p in project.partners: p.lists contains {hostile!r}",
    ]
    book = load_text(
        yaml.safe_dump(
            {
                "rulebook": "t",
                "version": "1",
                "title": hostile,
                "jurisdiction": "NL",
                "sources": [{"id": "s1", "cite": hostile}],
                "rules": [
                    {
                        "id": f"r{i}",
                        "title": hostile,
                        "on": ["partner.added"],
                        "when": when,
                        "severity": "low",
                        "rationale": hostile,
                        "cite": "s1",
                    }
                    for i, when in enumerate(conditions)
                ],
            }
        ),
        "h.yaml",
    )
    data = event(
        {**HARBIN, "name": hostile}, [{**HARBIN, "lists": [hostile]}], None, "partner.added"
    )
    with Evaluator([book], verify=True) as evaluator:
        found = evaluator.evaluate(validate_plain_event(data))
        assert sorted(f.rule_id for f in found) == ["r0", "r2"]
        sources = "".join(m.compiled.source for m in evaluator._findings.values())
    assert not marker.exists()
    assert hostile not in sources and repr(hostile) not in sources
    assert "partner" not in sources


def list_fields(scope=ROOT, prefix: tuple[str, ...] = ()):
    """(list path, field of its elements) for every list of objects in the catalogue."""
    for name, spec in scope.items():
        if spec.type is FieldType.OBJECT_LIST:
            yield from (((*prefix, name), (child,)) for child in spec.children)
        elif spec.type is FieldType.OBJECT:
            yield from list_fields(spec.children, (*prefix, name))


def test_list_elements_are_named_directly_as_their_evidence_path_names_them() -> None:
    """Where a test of an element's field held (the view holds the field), naming the element
    directly gives what naming it from the evidence path gives; where that path reads a getter
    or a free-form map, there is no direct naming."""
    compared = 0
    for where, rest in list_fields():
        name = element_namer(where, rest)
        spec = resolve(ROOT, (*where, *rest))
        if spec.getter is not None or spec.type in (FieldType.TEXT_MAP, FieldType.OBJECT_LIST):
            assert name is None
            continue
        projection = CompiledProjection([(*where, *rest)], {}, {})
        for data in [FULL, *OTHER_SUBJECTS, *EVENTS]:
            for item in (validate_plain_event(data), CollaborationEvent.model_validate(data)):
                elements = projection(item)
                for step in where:
                    elements = elements.get(step, {})
                for i, element in enumerate(elements or []):
                    if rest[0] in element:
                        path = f"{'.'.join(where)}[{i}].{rest[0]}"
                        assert name(item, i) == subject(path, item)
                        compared += 1
    assert compared > 20
