"""Fuzzing the rulebook loader: every input is accepted, or rejected with a RulebookError whose
diagnostics read ``path:line:col: message`` (line and column ≥ 1) — never another exception.

The default run uses a modest number of examples per property; the `slow` variants run the same
properties with many more (``python -m pytest -m slow tests/reliability``).
"""

from __future__ import annotations

import json
import random

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvrules.engine import check_rule
from kvrules.rulebook.loader import load_text
from tests.reliability.rel_helpers import HEADER, SHIPPED, check_loader, rule

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))

# -- vocabulary ------------------------------------------------------------------------------

FIELDS = [
    "partner.country", "partner.name", "partner.lists", "partner.aliases", "partner.role",
    "funder.amount", "funder.name", "funder.lists", "project.start", "project.keywords",
    "project.partners", "project.funders", "project.title", "kind", "occurred_at",
    "output.affiliations", "visit.visitor.role", "visit.visitor.attributes.nationality",
    "p.country", "p.lists", "p", "vars.xs", "vars.n", "nope", "partner.",
]  # fmt: skip
TOKENS = [
    *FIELDS, "==", "!=", "<", "<=", ">", ">=", "in", "not", "and", "or", "contains", "any",
    "all", "matches", "exists", "missing", "(", ")", "[", "]", ",", ":", '"CN"', "'RU'", '"x"',
    "12", "-1.5", "2024-01-31", "2024-02-30", "true", "false", '"\\u12"', '"\\ud800"', '"a\\"',
    '"(a+)+b"', '".*"', '"(?=x)"', '"[^]]"', '"(a{99}){99}"', '"é+"', "9" * 5000, '"北京"',
    '"جامعة"', "\u202e", "\x00", "\t", "\n", "#", "&a", "*a", "{", "}", "|", ">", "-", "?",
]  # fmt: skip
KEYS = [
    "rulebook", "version", "title", "jurisdiction", "description", "vars", "sources", "rules",
    "tests", "id", "cite", "url", "on", "when", "severity", "tags", "alert", "rationale",
    "legal_basis", "enabled", "name", "given", "expect", "all", "any", "not",
    "any p in project.partners", "all f in project.funders", "kind",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(TOKENS + KEYS + ["partner.added", "high", "s1", "r1"]),
    st.dates().map(str),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=25,
)
conditions = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map(" ".join)


def _valid_rulebook() -> dict:
    return {
        "rulebook": "fuzz",
        "version": "1",
        "title": "Fuzz",
        "jurisdiction": "NL",
        "vars": {"xs": ["CN", "RU"], "n": 10},
        "sources": [{"id": "s1", "cite": "c"}],
        "rules": [
            {
                "id": "r1",
                "title": "t",
                "on": "partner.added",
                "when": 'partner.country in vars.xs and partner.name matches ".*Univ.*"',
                "severity": "high",
                "rationale": "r",
                "cite": "s1",
            }
        ],
        "tests": [{"name": "n", "given": {"kind": "partner.added"}, "expect": ["r1"]}],
    }


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=60)


def _run(strategy, body, config):
    """The same property under a given settings profile."""
    return config(given(strategy)(body))


# -- properties ------------------------------------------------------------------------------


def _random_bytes(raw: bytes) -> None:
    check_loader(raw)


def _random_text(text: str) -> None:
    check_loader(text)


def _random_tree(tree: object) -> None:
    check_loader(_dump(tree))


def _valid_with_one_value_replaced(args: tuple[int, object]) -> None:
    """A valid rulebook with one value anywhere replaced by a random tree."""
    seed, value = args
    data = _valid_rulebook()
    rng = random.Random(seed)
    slots: list[tuple[object, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            slots.extend((node, k) for k in node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            slots.extend((node, i) for i in range(len(node)))
            for v in node:
                walk(v)

    walk(data)
    container, key = rng.choice(slots)
    container[key] = value  # type: ignore[index]
    check_loader(_dump(data))


def _condition_soup(text: str) -> None:
    """Token soup as the condition, in every YAML scalar style (positions map inside each)."""
    styles = [
        json.dumps(text),  # double-quoted (JSON is valid YAML here)
        "'" + text.replace("'", "''").replace("\n", " ") + "'",
        "|\n" + "".join(f"      {line}\n" for line in text.splitlines() or [""]),
        ">\n" + "".join(f"      {line}\n" for line in text.splitlines() or [""]),
    ]
    for when in styles:
        check_loader(HEADER + rule(when))


def _structured_condition(tree: object) -> None:
    data = _valid_rulebook()
    data["rules"][0]["when"] = tree
    check_loader(_dump(data))


def _mutated_shipped(args: tuple[int, int, int, bytes]) -> None:
    """A shipped rulebook with a slice cut out and random bytes put in its place."""
    which, at, cut, insert = args
    raw = SHIPPED[which % len(SHIPPED)].read_bytes()
    at %= len(raw)
    check_loader(raw[:at] + insert + raw[at + cut :])


MUTATION = st.tuples(
    st.integers(0, 100), st.integers(0, 10**6), st.integers(0, 40), st.binary(max_size=12)
)
CASES = {
    "random_bytes": (st.binary(max_size=3000), _random_bytes),
    "random_text": (st.text(max_size=2000), _random_text),
    "random_tree": (trees, _random_tree),
    "one_value_replaced": (st.tuples(st.integers(0, 10**6), trees), _valid_with_one_value_replaced),
    "condition_soup": (conditions, _condition_soup),
    "structured_condition": (trees, _structured_condition),
    "mutated_shipped": (MUTATION, _mutated_shipped),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fuzz_loader(case: str) -> None:
    strategy, body = CASES[case]
    _run(strategy, body, FAST)()


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_fuzz_loader_long(case: str) -> None:
    strategy, body = CASES[case]
    _run(strategy, body, SLOW)()


# -- targeted shapes ---------------------------------------------------------------------------


def test_shipped_rulebooks_load() -> None:
    assert SHIPPED
    for path in SHIPPED:
        assert check_loader(path.read_bytes(), str(path)) == "ok", path


@pytest.mark.parametrize("depth", [10, 63, 64, 65, 200, 5000])
@pytest.mark.parametrize("shape", ["flow_list", "flow_map", "block_map"])
def test_deep_yaml_nesting(shape: str, depth: int) -> None:
    if shape == "flow_list":
        text = "[" * depth + "]" * depth
    elif shape == "flow_map":
        text = "{a: " * depth + "1" + "}" * depth
    else:
        text = "".join("  " * i + "a:\n" for i in range(depth)) + "  " * depth + "1\n"
    assert check_loader(text) == "error"


@pytest.mark.parametrize("depth", [5, 39, 41, 1000, 20000])
@pytest.mark.parametrize("op", ["not ", "(", "any p in project.partners: not "])
def test_deep_condition_nesting(op: str, depth: int) -> None:
    inner = 'partner.country == "CN"' if not op.startswith("any") else 'p.country == "CN"'
    text = op * depth + inner + (")" * depth if op == "(" else "")
    check_loader(HEADER + rule(json.dumps(text)))


def test_deepest_accepted_condition_compiles_and_evaluates() -> None:
    """Deepest YAML structure holding the deepest text condition: loads and compiles."""
    levels = 58  # the rule sits 4 levels down, each `not:` adds one
    lines = ["  - id: r1", "    title: t", "    on: partner.added", "    when:"]
    lines += ["      " + "  " * i + "not:" for i in range(levels)]
    text = "not " * 35 + '(partner.country == "CN" or partner.name matches "a.*")'
    lines += ["      " + "  " * levels + json.dumps(text)]
    lines += ["    severity: high", "    rationale: r", "    cite: s1"]
    assert check_loader(HEADER + "\n".join(lines) + "\n") == "ok"


@pytest.mark.parametrize(
    "when, message",
    [
        ('partner.name == "\\u12"', "bad escape"),
        ('partner.name == "\\x"', "bad escape"),
        ('partner.name == "\\N{nope}"', "bad escape"),
        ('partner.name == "\\ud800"', "surrogate"),
        ('partner.name matches "\\udfff"', "surrogate"),
        ("funder.amount > " + "9" * 5000, "number too long"),
        ('partner.name matches "(a{99}){99}"', "multiplies the counts inside it"),
        ('partner.name matches "(a)\\\\1"', "unsupported escape"),
        ('partner.name matches "(?=a)b"', "not supported"),
    ],
)
def test_bad_literals_are_diagnosed(when: str, message: str) -> None:
    try:
        load_text(HEADER + rule(json.dumps(when)), "rb.yaml", check_rule=check_rule)
    except Exception as e:
        assert check_loader(HEADER + rule(json.dumps(when)), "rb.yaml") == "error"
        assert message in str(e)
    else:
        pytest.fail("accepted")


@pytest.mark.parametrize(
    "text",
    [
        "a: \x00\n",
        "a: b\nc: \x07\n",
        "a: 2024-02-30\n",
        "a: " + "1" * 5000 + "\n",
        "\ufeffrulebook: x\n",
        "a: \ud800\n",
        "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
        "!!python/object/apply:os.system [echo hi]\n",
        "a: !!binary aGVsbG8=\n",
        "? [a, b]\n: 1\n",
        "a: 1\n---\nb: 2\n",
    ],
)
def test_yaml_oddities(text: str) -> None:
    check_loader(text)
