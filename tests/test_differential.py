"""Differential test: durable_rules and the pure-Python oracle agree, finding for finding.

Hypothesis writes rulebooks (condition text through the real parser) and events; every
generated rule set is compiled once and both evaluators judge every event.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvrules import CollaborationEvent, Evaluator
from kvrules.engine import oracle
from kvrules.rulebook.loader import load_text
from tests.conftest import HEADER

COUNTRIES = ["CN", "RU", "NL", "US"]
LISTS = ["us-dod-1286", "ca-nro", "x"]
NAMES = ["Harbin Institute", "Beihang", "Delft", "Tsinghua University", "Ünïcode Ørg"]
PATTERNS = ["Harb.*", ".*ang", "[A-Z][a-z]+ .*", "(Delft|Beihang)", ".*i?n+g.*", "Ü.*", "\\w+"]
KEYWORDS = ["quantum", "Hypersonics", "AI"]


def lit(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def leaf(scope: str | None):
    if scope == "p":
        options = [
            st.sampled_from(COUNTRIES).map(lambda c: f"p.country == {lit(c)}"),
            st.sampled_from(LISTS).map(lambda x: f"p.lists contains {lit(x)}"),
            st.lists(st.sampled_from(LISTS), min_size=1, max_size=2).map(
                lambda xs: f"p.lists not contains any [{', '.join(map(lit, xs))}]"
            ),
            st.just("p.country exists"),
            st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3).map(
                lambda cs: f"p.country in [{', '.join(map(lit, cs))}]"
            ),
        ]
    elif scope == "f":
        options = [
            st.tuples(
                st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                st.sampled_from([0, 1000, 50000, 12.5]),
            ).map(lambda t: f"f.amount {t[0]} {t[1]}"),
            st.sampled_from(["EUR", "USD"]).map(lambda c: f"f.currency == {lit(c)}"),
            st.sampled_from(["F.*", "G"]).map(lambda p: f"f.name matches {lit(p)}"),
            st.just("f.amount missing"),
        ]
    else:
        options = [
            st.sampled_from(COUNTRIES).map(lambda c: f"partner.country == {lit(c)}"),
            st.sampled_from(COUNTRIES).map(lambda c: f"partner.country != {lit(c)}"),
            st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3).map(
                lambda cs: f"partner.country not in [{', '.join(map(lit, cs))}]"
            ),
            st.sampled_from(LISTS).map(lambda x: f"partner.lists contains {lit(x)}"),
            st.tuples(
                st.sampled_from(["any", "all"]),
                st.lists(st.sampled_from(LISTS), min_size=1, max_size=3),
            ).map(lambda t: f"partner.lists contains {t[0]} [{', '.join(map(lit, t[1]))}]"),
            st.sampled_from(KEYWORDS).map(lambda k: f"project.keywords contains {lit(k)}"),
            st.sampled_from(
                [
                    "project.start exists",
                    "partner.country missing",
                    "project.contract.signed_on exists",
                ]
            ),
            st.tuples(
                st.sampled_from(["<", ">=", "=="]), st.dates(date(2019, 1, 1), date(2027, 1, 1))
            ).map(lambda t: f"project.start {t[0]} {t[1].isoformat()}"),
            st.sampled_from(["Coordinator", "partner"]).map(lambda r: f"partner.role == {lit(r)}"),
        ]
        options.append(st.sampled_from(PATTERNS).map(lambda p: f"partner.name matches {lit(p)}"))
    return st.one_of(options)


def condition(scope: str | None = None, depth: int = 3):
    if depth == 0:
        return leaf(scope)
    sub = condition(scope, depth - 1)
    options = [
        leaf(scope),
        st.lists(sub, min_size=2, max_size=3).map(lambda xs: "(" + " and ".join(xs) + ")"),
        st.lists(sub, min_size=2, max_size=3).map(lambda xs: "(" + " or ".join(xs) + ")"),
        sub.map(lambda x: f"(not {x})"),
    ]
    if scope is None:
        options += [
            st.tuples(st.sampled_from(["any", "all"]), condition("p", depth - 1)).map(
                lambda t: f"({t[0]} p in project.partners: {t[1]})"
            ),
            st.tuples(st.sampled_from(["any", "all"]), condition("f", depth - 1)).map(
                lambda t: f"({t[0]} f in project.funders: {t[1]})"
            ),
        ]
    return st.one_of(options)


def rulebook(conditions: list[str]) -> str:
    rules = "".join(
        f"  - id: r{i}\n    title: r{i}\n    on: [partner.added, project.created]\n"
        f"    when: '{c}'\n    severity: low\n    rationale: r\n    cite: s1\n"
        for i, c in enumerate(conditions)
    )
    return HEADER + rules


partners = st.fixed_dictionaries(
    {"name": st.sampled_from(NAMES)},
    optional={
        "country": st.sampled_from(COUNTRIES),
        "lists": st.lists(st.sampled_from(LISTS), max_size=2, unique=True),
    },
)
funders = st.fixed_dictionaries(
    {"name": st.just("F")},
    optional={
        "amount": st.sampled_from(
            [0, 999, 1000, 50000, 12.5, 7e6, 3e-05, 1e16]
        ),  # Python writes the last two with an exponent
        "currency": st.sampled_from(["EUR", "USD"]),
    },
)
events = st.builds(
    lambda kind, partner, ps, fs, kws, start, role, signed: {
        "id": "e",
        "kind": kind,
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "t", "record_id": "P"},
        "partner": {**partner, **({"role": role} if role else {})},
        "project": {
            "id": "P",
            "title": "t",
            "partners": ps,
            "funders": fs,
            "keywords": kws,
            **({"start": start} if start else {}),
            **({"contract": {"signed_on": signed}} if signed else {}),
        },
    },
    st.sampled_from(["partner.added", "project.created"]),
    partners,
    st.lists(partners, max_size=3),
    st.lists(funders, max_size=3),
    st.lists(st.sampled_from([*KEYWORDS, "hypersonics", "other"]), max_size=3),
    st.none() | st.dates(date(2019, 1, 1), date(2027, 1, 1)),
    st.none() | st.sampled_from(["COORDINATOR", "Partner", "subcontractor"]),
    st.none() | st.just(date(2024, 5, 1)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(condition(), min_size=1, max_size=6), st.lists(events, min_size=1, max_size=8))
def test_durable_rules_and_oracle_agree(conditions, event_dicts):
    book = load_text(rulebook(conditions), "generated.yaml")
    with Evaluator([book]) as ev:
        rules = [(k, c.rule.kinds, c.rule.condition) for k, c in ev.program.rules.items()]
        for data in event_dicts:
            event = CollaborationEvent.model_validate(data)
            view = ev.project(event)
            engine = sorted(ev.engine.fire(view))
            expected = sorted(oracle.fired(rules, view))
            assert engine == expected, (conditions, view)
