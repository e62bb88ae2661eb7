"""Differential test: durable_rules and the pure-Python oracle agree, finding for finding.

Hypothesis writes rulebooks (condition text through the real parser) and events; every
generated rule set is compiled once and both evaluators judge every event.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
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


# -- a thousand rules on one event kind: past every limit of one durable_rules ruleset --------

ROLES = ["Coordinator", "partner"]


def random_leaf(rng: random.Random, scope: str | None) -> str:
    pick = rng.choice
    if scope == "p":
        return pick(
            [
                f"p.country == {lit(pick(COUNTRIES))}",
                f"p.lists contains {lit(pick(LISTS))}",
                "p.country exists",
                f"p.country in [{lit(pick(COUNTRIES))}, {lit(pick(COUNTRIES))}]",
            ]
        )
    if scope == "f":
        op, amount = pick(["<", "<=", ">", ">=", "==", "!="]), pick([0, 1000, 50000, 12.5])
        return pick([f"f.amount {op} {amount}", f"f.currency == {lit(pick(['EUR', 'USD']))}"])
    return pick(
        [
            f"partner.country == {lit(pick(COUNTRIES))}",
            f"partner.country != {lit(pick(COUNTRIES))}",
            f"partner.country not in [{lit(pick(COUNTRIES))}, {lit(pick(COUNTRIES))}]",
            f"partner.lists contains {lit(pick(LISTS))}",
            f"partner.lists contains any [{lit(pick(LISTS))}, {lit(pick(LISTS))}]",
            f"project.keywords contains {lit(pick(KEYWORDS))}",
            "partner.country missing",
            f"project.start {pick(['<', '>=', '=='])} 20{rng.randint(19, 26)}-0{rng.randint(1, 9)}-01",
            f"partner.role == {lit(pick(ROLES))}",
            f"partner.name matches {lit(pick(PATTERNS))}",
        ]
    )


def random_condition(rng: random.Random, scope: str | None = None, depth: int = 2) -> str:
    shape = rng.choice(["leaf", "leaf", "and", "or", "not", "any"] if depth else ["leaf"])
    if shape == "leaf":
        return random_leaf(rng, scope)
    if shape == "not":
        return f"(not {random_condition(rng, scope, depth - 1)})"
    if shape == "any" and scope is None:
        var, path = rng.choice([("p", "project.partners"), ("f", "project.funders")])
        quant = rng.choice(["any", "all"])
        return f"({quant} {var} in {path}: {random_condition(rng, var, depth - 1)})"
    joiner = " and " if shape == "and" else " or "
    parts = [random_condition(rng, scope, depth - 1) for _ in range(rng.randint(2, 3))]
    return "(" + joiner.join(parts) + ")"


def random_event(rng: random.Random) -> dict:
    def partner() -> dict:
        p = {"name": rng.choice(NAMES)}
        if rng.random() < 0.8:
            p["country"] = rng.choice(COUNTRIES)
        p["lists"] = rng.sample(LISTS, rng.randint(0, 2))
        return p

    def funder() -> dict:
        return {"name": "F", "amount": rng.choice([0, 999, 1000, 50000, 12.5]), "currency": "EUR"}

    the_partner = partner()
    if rng.random() < 0.5:
        the_partner["role"] = rng.choice(["COORDINATOR", "Partner"])
    return {
        "id": "e",
        "kind": "partner.added",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "t", "record_id": "P"},
        "partner": the_partner,
        "project": {
            "id": "P",
            "title": "t",
            "partners": [partner() for _ in range(rng.randint(0, 3))],
            "funders": [funder() for _ in range(rng.randint(0, 3))],
            "keywords": rng.sample([*KEYWORDS, "hypersonics"], rng.randint(0, 2)),
            **({"start": f"202{rng.randint(0, 6)}-06-01"} if rng.random() < 0.7 else {}),
        },
    }


@pytest.mark.slow
def test_a_thousand_rules_on_one_event_kind_agree_with_the_oracle():
    rng = random.Random(1000)
    conditions = [random_condition(rng) for _ in range(1000)]
    rules = "".join(
        f"  - id: r{i}\n    title: r{i}\n    on: partner.added\n"
        f"    when: '{c}'\n    severity: low\n    rationale: r\n    cite: s1\n"
        for i, c in enumerate(conditions)
    )
    book = load_text(HEADER + rules, "thousand.yaml")
    assert len(book.rules) == 1000
    fired_total = 0
    with Evaluator([book]) as ev:
        assert len(ev.program.shards) > 1  # one ruleset could not hold them
        rules_ = [(k, c.rule.kinds, c.rule.condition) for k, c in ev.program.rules.items()]
        for _ in range(150):
            view = ev.project(CollaborationEvent.model_validate(random_event(rng)))
            engine = sorted(ev.engine.fire(view))
            assert engine == sorted(oracle.fired(rules_, view)), view
            fired_total += len(engine)
    assert fired_total > 150 * 100  # many rules hold at once: the stack limit is exercised


def test_the_alpha_network_model_is_never_optimistic():
    # The compiler trusts kvrules.engine.limits to say when a ruleset would overflow the
    # engine's match stack (error 303 on every assert). Put random kvrules rules into ONE
    # ruleset, past the limit on purpose: whenever the engine overflows, the model said so.
    import json

    import durable_rules_engine as core

    from kvrules.engine.compiler import compile_rule
    from kvrules.engine.limits import AlphaNetwork

    rng = random.Random(64)
    overflows = 0
    for round_ in range(8):
        count = rng.randint(30, 200)
        rules = "".join(
            f"  - id: r{i}\n    title: r{i}\n    on: [partner.added, project.created]\n"
            f"    when: '{random_condition(rng, depth=rng.choice([0, 0, 1]))}'\n    severity: low\n"
            "    rationale: r\n    cite: s1\n"
            for i in range(count)
        )
        book = load_text(HEADER + rules, "one-ruleset.yaml")
        with Evaluator([book]) as ev:  # for its projection of events
            compiled = [compile_rule(book, rule) for rule in book.rules]
            network = AlphaNetwork()
            for rule in compiled:
                network.add(rule.match("partner.added"))
            body = {r.key: {"all": r.definition("partner.added")["all"]} for r in compiled}
            try:
                handle = core.create_ruleset(f"model{round_}", json.dumps(body))
            except Exception as exc:  # another table full: the model must say that too
                assert network.problem(), exc
                continue
            try:
                for i in range(40):
                    view = ev.project(CollaborationEvent.model_validate(random_event(rng)))
                    fact = json.dumps({**view, "id": f"f{i}", "sid": "0"})
                    try:
                        core.assert_fact(handle, fact)
                        core.retract_fact(handle, fact)
                    except Exception as exc:
                        if "303" not in str(exc):
                            raise
                        overflows += 1
                        assert network.stack_peak() > 64, (network.stack_peak(), exc)
            finally:
                core.delete_ruleset(handle)
    assert overflows  # the rounds did reach the limit
