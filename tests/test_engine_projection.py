"""Projection compiled per ruleset (kvrules.engine.projection) builds exactly the views that
the interpreted ``kvrules.fields.Projection`` builds, and no rulebook text ever becomes code."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvrules import CollaborationEvent, Evaluator
from kvrules.engine import oracle
from kvrules.engine.durable import _dumps, fact_json
from kvrules.engine.projection import CompiledProjection
from kvrules.fields import ROOT, FieldType, Projection
from kvrules.model import validate_plain_event
from kvrules.rulebook.loader import load_text
from tests.test_differential import condition, events, rulebook
from tests.test_engine_plain import FULL, OTHER_SUBJECTS


def interpreted(evaluator: Evaluator) -> Projection:
    """The interpreted projection of the evaluator's program, element flags included."""
    program = evaluator.program
    flags = {
        path: {key: oracle.element_test(test, var) for key, (var, test) in tests.items()}
        for path, tests in program.element_flags.items()
    }
    return Projection(program.paths, program.patterns, flags)


def assert_same_views(compiled: Projection, reference: Projection, data: list[dict]) -> None:
    for item in data:
        plain = validate_plain_event(copy.deepcopy(item))
        model = CollaborationEvent.model_validate(copy.deepcopy(item))
        assert compiled(plain) == reference(plain)
        assert compiled(model) == reference(model)
        if isinstance(compiled, CompiledProjection):  # the same view, its numbers tested
            for event in (plain, model):
                view = reference(event)
                assert compiled.checked(event) == (view, compiled.odd_numbers(view))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(condition(), min_size=1, max_size=6), st.lists(events, min_size=1, max_size=8))
def test_compiled_projection_builds_the_interpreted_views(conditions, event_dicts) -> None:
    book = load_text(rulebook(conditions), "generated.yaml")
    with Evaluator([book]) as evaluator:
        assert isinstance(evaluator.project, CompiledProjection)
        assert_same_views(evaluator.project, interpreted(evaluator), event_dicts)


def every_path(scope=ROOT, prefix: tuple[str, ...] = ()):
    """Every field of the catalogue (and one key of each free-form map)."""
    for name, spec in scope.items():
        path = (*prefix, name)
        if spec.type is FieldType.TEXT_MAP:
            yield (*path, "orcid")
        elif spec.children:
            yield from every_path(spec.children, path)
        else:
            yield path


def test_every_field_of_the_catalogue_is_projected_alike() -> None:
    """Dates, amounts, case-folded text and lists, getters (ror, classifications), free-form
    maps, patterns: every conversion, on plain events and models of every subject."""
    paths = list(every_path())
    patterns = {path: {".*a.*", "[A-Z].*"} for path in paths if path[-1] in {"name", "title"}}
    args = (paths, patterns)
    assert_same_views(CompiledProjection(*args), Projection(*args), [FULL, *OTHER_SUBJECTS])


HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "\"); __import__('os').system('touch {marker}') #",
    "'''\nimport os; os.system('touch {marker}')\n'''",
    "x}}\n    __import__('os').system('touch {marker}')\n#",
]


def test_rulebook_values_are_data_never_code(tmp_path: Path) -> None:
    """Hostile literals, patterns and attribute keys reach the compiled projection as values:
    the rules fire on events holding them, nothing runs, and none of them is in the source."""
    marker = tmp_path / "ran"
    values = [text.format(marker=marker) for text in HOSTILE]
    key = "__import__"  # an identifier: a free-form attribute key a rule may read
    rules = [
        {"id": f"lit{i}", "when": f"visit.purpose == {value!r}".replace("\n", "\\n")}
        for i, value in enumerate(values)
    ]
    rules += [
        {"id": "pattern", "when": 'visit.host_unit matches ".*os.system.*"'},
        {"id": "key", "when": f'visit.visitor.attributes.{key} == "yes"'},
        {"id": "element", "when": f"any a in visit.visitor.affiliations: a.name == {values[1]!r}"},
        # membership flags are tested inline (`_c in w`, `w in _c`): the operand is still bound
        {"id": "member", "when": f"any a in visit.visitor.affiliations: a.name in [{values[2]!r}]"},
        {
            "id": "listed",
            "when": f"any a in visit.visitor.affiliations: a.lists contains {values[3]!r}",
        },
    ]
    book = {
        "rulebook": "t",
        "version": "1",
        "title": "Hostile",
        "jurisdiction": "NL",
        "sources": [{"id": "s1", "cite": "c"}],
        "rules": [
            {
                **rule,
                "title": rule["id"],
                "on": ["visit.requested"],
                "severity": "low",
                "rationale": "r",
                "cite": "s1",
                "legal_basis": "s1",
            }
            for rule in rules
        ],
    }
    loaded = load_text(
        yaml.safe_dump(book),
        "hostile.yaml",
        readable_attributes=[f"visit.visitor.attributes.{key}", "visit.purpose"],
    )
    with Evaluator([loaded], verify=True) as evaluator:
        for i, value in enumerate(values):
            event = {
                "id": f"e{i}",
                "kind": "visit.requested",
                "occurred_at": "2026-01-01T00:00:00Z",
                "source": {"system": "t", "record_id": "V"},
                "visit": {
                    "id": "V",
                    "purpose": value,
                    "host_unit": f"{value} os.system",
                    "visitor": {
                        "attributes": {key: "yes"},
                        "affiliations": [{"name": value, "lists": [value]}],
                    },
                },
            }
            fired = {f.rule_id for f in evaluator.evaluate(validate_plain_event(event))}
            by_value = {1: "element", 2: "member", 3: "listed"}
            assert fired == {f"lit{i}", "pattern", "key", *([by_value[i]] if i in by_value else [])}
            assert evaluator.project(validate_plain_event(event)) == interpreted(evaluator)(
                validate_plain_event(event)
            )
        project = evaluator.project
        sources = project._project_plain.source + project._project.source
        sources += project.odd_numbers.source
        sources += project._checked_plain.source + project._checked.source
    assert not marker.exists()
    assert "w in _c" in sources and re.search(r"_c\d+ in w", sources)  # the inline tests ran
    for text in [*values, key, ".*os.system.*", "visit", "purpose"]:
        assert text not in sources


def test_keys_flags_and_patterns_are_bound_never_spliced(tmp_path: Path) -> None:
    """Below the rulebook language's own checks: map keys, flag keys and patterns that are not
    even identifiers are still only values in the compiled function's namespace."""
    marker = tmp_path / "ran"
    values = [text.format(marker=marker) for text in HOSTILE]
    paths = [("visit", "visitor", "attributes", value) for value in values]
    patterns = {("visit", "purpose"): {re.escape(value) for value in values}}
    flags = {("visit", "visitor", "affiliations"): {value: bool for value in values}}
    compiled = CompiledProjection(paths, patterns, flags)
    reference = Projection(paths, patterns, flags)
    event = {
        "id": "e",
        "kind": "visit.requested",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "t", "record_id": "V"},
        "visit": {
            "id": "V",
            "purpose": values[0],
            "visitor": {
                "attributes": {value: value for value in values},
                "affiliations": [{"name": "A"}],
            },
        },
    }
    assert_same_views(compiled, reference, [event])
    view = compiled(validate_plain_event(event))
    assert view["visit"]["visitor"]["attributes"] == {value: value for value in values}
    assert not marker.exists()
    for text in [*values, *patterns[("visit", "purpose")]]:
        assert text not in (
            compiled._project_plain.source + compiled._project.source + compiled.odd_numbers.source
        )
        assert text not in compiled._checked_plain.source + compiled._checked.source


# Floats JSON writes plainly and floats it writes with a bare exponent or as Infinity, at the
# edges of the range durable_rules reads as json.dumps writes it.
NUMBERS = [0.0, -0.0, 1e-4, 9.99e-5, 3e-05, 1e-07, 12.5, 9.9e15, 1e16, -1e19, 1e300]
NUMBERS += ["1E+400", "-1E+400", 7, 10**20]  # decimals beyond float: Infinity in the view
SHARES = [None, 0.0, 1e-07, 3e-05, 1e-4, 0.5, 1.0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(NUMBERS),
    st.lists(st.sampled_from(NUMBERS), max_size=3),
    st.sampled_from(SHARES),
)
def test_the_number_check_finds_every_float_the_facts_json_must_rewrite(
    amount, amounts, share
) -> None:
    """``odd_numbers`` reads only the number fields of a view; whenever the fact's JSON would
    hold a number durable_rules cannot read (what ``fact_json`` rewrites), it says so, and the
    fact is written as searching its JSON writes it."""
    compiled = CompiledProjection(list(every_path()), {}, {})
    event = copy.deepcopy(FULL)
    event["funder"] = {"name": "F", "amount": amount}
    event["project"]["funders"] = [{"name": "F", "amount": a} for a in amounts]
    event["project"]["foreign_funding_share"] = share
    for item in (
        validate_plain_event(copy.deepcopy(event)),
        CollaborationEvent.model_validate(event),
    ):
        view, text = compiled(item), _dumps(compiled(item))
        odd = compiled.odd_numbers(view)
        # the projection that tests each number as it stores it answers the same (evaluate's)
        assert compiled.checked(item) == (view, odd)
        assert odd or fact_json(view) == text  # every rewrite is found
        searched = "e-" in text or "e+" in text or "Infinity" in text or "NaN" in text
        assert searched or not odd  # and only where searching the JSON found one
        assert fact_json(view, odd) == fact_json(view)


def test_the_number_check_reads_only_number_fields() -> None:
    """Text that looks like an exponent is not a number: the JSON search went the careful way
    for it, the number check need not; a view without number fields is never odd."""
    compiled = CompiledProjection([("partner", "name"), ("funder", "amount")], {}, {})
    view = compiled(validate_plain_event({**FULL, "partner": {"name": "1e-07 Infinity NaN"}}))
    assert not compiled.odd_numbers(view)
    assert fact_json(view, False) == fact_json(view) == _dumps(view)
    assert "_SMALL" not in CompiledProjection([("partner", "name")], {}, {}).odd_numbers.source


# Element tests of `and`, `or` and `not` over the element's own fields, each kind of test, and
# one that reads below its element (a nested list) or matches a pattern, which keep the call.
COMPOUND = [
    'any p in project.partners: p.lists contains "us_csl" or p.candidate_lists contains "ca_nro"',
    'any p in project.partners: p.country exists and not (p.country in ["NL", "DE"])',
    'any p in project.partners: not (p.types contains "academic" and p.country == "CN")',
    'any f in project.funders: f.currency == "EUR" and (f.amount >= 1000 or f.amount < 1)',
    "any f in project.funders: f.amount != 999 or not (f.currency exists)",
    'any p in project.partners: p.name matches "Lab.*" or p.country == "RU"',
    'any x in project.participants: any a in x.affiliations: a.country == "CN" or a.lists'
    ' contains "us_csl"',
]
ELEMENTS = [
    {"name": "Lab A", "country": "CN", "types": ["academic"], "lists": ["us_csl"]},
    {"name": "Lab B", "country": "NL", "candidate_lists": ["ca_nro"]},
    {"name": "C", "types": ["corporate"]},  # no country: false tests, `not` true
    {"name": "D", "country": "RU", "lists": [], "types": []},
]
FUNDED = [{"name": "F"}, {"name": "F", "amount": 999, "currency": "EUR"}]
FUNDED += [{"name": "F", "amount": 0.5, "currency": "EUR"}, {"name": "F", "amount": 5e6}]


def test_compound_element_tests_are_written_inline_with_the_oracles_answers() -> None:
    """A body of `and`, `or`, `not` over the element's own fields is one inline expression in
    the compiled projection (no call of the oracle's element test per element), with the same
    flags as the oracle's answers for present, missing and empty fields; a body that reads a
    nested list or matches a pattern keeps its call."""
    book = load_text(rulebook(COMPOUND), "compound.yaml")
    event = {
        "id": "e",
        "kind": "project.created",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "t", "record_id": "P"},
        "project": {
            "id": "P",
            "title": "T",
            "partners": ELEMENTS,
            "funders": FUNDED,
            "participants": [{"affiliations": ELEMENTS}, {"affiliations": []}],
        },
    }
    with Evaluator([book]) as evaluator:
        project = evaluator.project
        assert_same_views(project, interpreted(evaluator), [event])
        flags = evaluator.program.element_flags
        tests = {
            key: oracle.element_test(test, var)
            for path_tests in flags.values()
            for key, (var, test) in path_tests.items()
        }
        inline = {key for key, test in tests.items() if getattr(test, "expression", None)}
        assert len(inline) == 5  # the five bodies over the element's own fields
        called = set(tests) - inline - {k for k, t in tests.items() if hasattr(t, "field_test")}
        assert len(called) == 2  # the pattern and the nested list
        source = project._checked_plain.source
        assert len(re.findall(r"_t\d+\(o\d\)", source)) == 2  # the two that need the oracle
        view = project(validate_plain_event(copy.deepcopy(event)))
        partners = view["project"]["partners"]
        assert sum(any(p[key] for key in inline if key in p) for p in partners) == 4
