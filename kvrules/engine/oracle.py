"""A small pure-Python evaluator of the IR: the test oracle, and the source of explanations.

It reads the same projected view as durable_rules and defines what a condition means (see
``kvrules.rulebook.ir``). ``explain`` returns the concrete values that made a condition true.
Conditions are compiled once into nested closures, because every finding is explained on the
hot path. A test that comes out false leaves no evidence behind.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial
from typing import Any

from kvrules.findings import Evidence, make_evidence
from kvrules.rulebook import ir
from kvrules.rulebook.regex import matcher

_MISSING = object()
_LEAVES = (ir.Compare, ir.InList, ir.Contains, ir.Matches, ir.Exists)


class _Ctx:
    """One evaluation: the view, quantifier bindings, and evidence (None: don't collect)."""

    __slots__ = ("env", "evidence", "view")

    def __init__(self, view: dict, evidence: list[Evidence] | None) -> None:
        self.view = view
        self.env: dict[str, tuple[Any, str]] = {}  # var -> (element, its display path)
        self.evidence = evidence


Test = Callable[[_Ctx], bool]


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def describe(cond: ir.Cond) -> str:
    """A leaf test as rule text, without its field (e.g. 'in ["CN", "RU"]')."""
    match cond:
        case ir.Exists():
            return "exists"
        case ir.Compare(_, op, literal):
            return f"{op.value} {_literal(literal)}"
        case ir.InList(_, values):
            return f"in [{', '.join(map(_literal, values))}]"
        case ir.Contains(_, literal):
            return f"contains {_literal(literal)}"
        case ir.Matches(_, pattern, text=text):
            return f"matches {_literal(text or pattern)}"
    return type(cond).__name__.lower()


Read = Callable[[_Ctx], Any]


def _walker(path: tuple[str, ...]) -> Callable[[Any], Any]:
    """Read ``path`` below an object of the view: the value, or _MISSING."""
    # Specialised by depth: every finding is explained, so these run millions of times.
    if len(path) == 1:  # the common case inside quantifiers
        (only,) = path

        def walk(obj: Any) -> Any:
            return obj.get(only, _MISSING) if type(obj) is dict else _MISSING

    elif len(path) == 2:  # `partner.country`, `project.keywords`
        first, second = path

        def walk(obj: Any) -> Any:
            obj = obj.get(first, _MISSING) if type(obj) is dict else _MISSING
            return obj.get(second, _MISSING) if type(obj) is dict else _MISSING

    else:

        def walk(obj: Any) -> Any:
            for part in path:
                if type(obj) is not dict:
                    return _MISSING
                obj = obj.get(part, _MISSING)
            return obj

    return walk


def _getter(ref: ir.Ref) -> tuple[Read, Callable[[_Ctx], str]]:
    """Read a field (value or _MISSING), and its display path (built only for evidence)."""
    walk, var, dotted = _walker(ref.path), ref.var, ".".join(ref.path)
    if var is None:
        return (lambda ctx: walk(ctx.view)), (lambda ctx: dotted)

    def from_element(ctx: _Ctx) -> Any:
        return walk(ctx.env[var][0])

    def where(ctx: _Ctx) -> str:
        return f"{ctx.env[var][1]}.{dotted}"

    return from_element, where


# ``value OP literal`` as ``literal OP' value``, so that a partial of an operator tests it
# without a Python frame (the same for the text, numbers and booleans rules compare).
_FLIPPED: dict[ir.Op, Callable[[Any, Any], bool]] = {
    ir.Op.EQ: operator.eq,
    ir.Op.NE: operator.ne,
    ir.Op.LT: operator.gt,
    ir.Op.LE: operator.ge,
    ir.Op.GT: operator.lt,
    ir.Op.GE: operator.le,
}


def _predicate(cond: ir.Cond) -> Callable[[Any], bool]:
    match cond:
        case ir.Compare(_, op, literal):
            return partial(_FLIPPED[op], literal)
        case ir.InList(_, values):
            return frozenset(values).__contains__
        case ir.Contains(_, literal):  # `literal in v` without a Python frame
            return operator.methodcaller("__contains__", literal)
        case ir.Matches(_, pattern):
            return matcher(pattern)
        case ir.Exists():
            return _true
    raise TypeError(cond)  # pragma: no cover


def _membership(cond: ir.Cond) -> tuple[str, Any] | None:
    """``("contains", literal)`` for ``literal in value``, ``("in", values)`` for ``value in
    values``: what ``_predicate`` tests, spelt as an operator; None for any other test."""
    match cond:
        case ir.InList(_, values):
            return ("in", frozenset(values))
        case ir.Contains(_, literal):
            return ("contains", literal)
    return None


def _true(value: Any) -> bool:
    return True


def _read_and_test(cond: ir.Cond) -> tuple[Callable[[Any], Any], Callable[[Any], bool]]:
    """How a leaf reads its field below an object of the view, and tests the value read."""
    if not isinstance(cond, ir.Matches):
        return _walker(cond.ref.path), _predicate(cond)
    # Projection decided the match already: the flag beside the field, which durable_rules
    # reads. The regular expression runs again only for a view made without it.
    parent_of, name, flag = _walker(cond.ref.path[:-1]), cond.ref.path[-1], cond.flag
    matches = _predicate(cond)

    def read_if_matching(obj: Any) -> Any:
        parent = parent_of(obj)
        value = parent.get(name, _MISSING) if type(parent) is dict else _MISSING
        if value is _MISSING:
            return _MISSING
        matched = parent.get(flag)
        return value if (matches(value) if matched is None else matched) else _MISSING

    return read_if_matching, _true


def _leaf(cond: ir.Cond) -> Test:
    # Reading, testing and recording fused into one closure per case: leaves run for every
    # finding explained and every list element flagged.
    (walk, pred), var, dotted = _read_and_test(cond), cond.ref.var, ".".join(cond.ref.path)
    test = describe(cond)
    if var is None:

        def leaf(ctx: _Ctx) -> bool:
            value = walk(ctx.view)
            if value is _MISSING or not pred(value):
                return False  # a test on a missing field is false (`!=` included)
            if ctx.evidence is not None:
                ctx.evidence.append(make_evidence(dotted, test, value))
            return True

        return leaf

    def element_leaf(ctx: _Ctx) -> bool:
        element, where = ctx.env[var]
        value = walk(element)
        if value is _MISSING or not pred(value):
            return False
        if ctx.evidence is not None:
            ctx.evidence.append(make_evidence(f"{where}.{dotted}", test, value))
        return True

    return element_leaf


def _negation(cond: ir.Not) -> Test:
    inner = _compile(cond.item)
    # For `not X`, report what X read: the values that made it false, or their absence.
    reads = [
        (_getter(n.ref), describe(n) if not isinstance(n, ir.Quant) else f"{n.kind} …", n.ref.var)
        for n in ir.walk(cond.item)
        if getattr(n, "ref", None) is not None
    ]

    def negation(ctx: _Ctx) -> bool:
        collecting, ctx.evidence = ctx.evidence, None
        try:
            ok = not inner(ctx)
        finally:
            ctx.evidence = collecting
        if ok and collecting is not None:
            for (get, where), test, var in reads:
                if var is None or var in ctx.env:
                    value = get(ctx)
                    collecting.append(
                        make_evidence(
                            where(ctx), f"not ({test})", None if value is _MISSING else value
                        )
                    )
        return ok

    return negation


def _quantifier(cond: ir.Quant) -> Test:
    (get, where_of), body = _getter(cond.ref), _compile(cond.body)
    var, every = cond.var, cond.kind == "all"

    def quantifier(ctx: _Ctx) -> bool:
        items = get(ctx)
        if items is _MISSING or not items:
            return False  # no `all` holds over an empty or missing list
        outer = ctx.env.get(var)
        evidence = ctx.evidence
        # Elements are named (`project.partners[2]`) only when evidence is collected: nothing
        # below reads the name otherwise (a `not` inside stops collecting too).
        where = where_of(ctx) if evidence is not None else None
        start = len(evidence) if evidence is not None else 0
        found = False
        try:
            for i, element in enumerate(items):
                ctx.env[var] = (element, f"{where}[{i}]" if where is not None else var)
                mark = len(evidence) if evidence is not None else 0
                if body(ctx):
                    found = True
                    if not every and evidence is None:
                        return True
                else:
                    if evidence is not None:
                        del evidence[mark:]  # only elements that satisfied the body explain it
                    if every:
                        if evidence is not None:
                            del evidence[start:]
                        return False
            return found
        finally:
            if outer is None:
                ctx.env.pop(var, None)
            else:
                ctx.env[var] = outer

    return quantifier


def _conjunction(tests: list[Test]) -> Test:
    def conjunction(ctx: _Ctx) -> bool:
        evidence = ctx.evidence
        mark = len(evidence) if evidence is not None else 0
        for test in tests:
            if not test(ctx):
                if evidence is not None:
                    del evidence[mark:]  # a false branch explains nothing
                return False
        return True

    return conjunction


def _disjunction(tests: list[Test]) -> Test:
    def disjunction(ctx: _Ctx) -> bool:
        # A loop, not any() over a generator (SIM110): projection runs this for every element.
        for test in tests:  # noqa: SIM110
            if test(ctx):
                return True
        return False

    return disjunction


def _compile(cond: ir.Cond) -> Test:
    match cond:
        case ir.And(items):
            return _conjunction([_compile(i) for i in items])
        case ir.Or(items):
            return _disjunction([_compile(i) for i in items])
        case ir.Not():
            return _negation(cond)
        case ir.Quant():
            return _quantifier(cond)
    return _leaf(cond)


_COMPILED: dict[int, tuple[ir.Cond, Test]] = {}


def compiled(cond: ir.Cond) -> Test:
    """The closure for ``cond``, built once (keyed by identity: IR trees are immutable)."""
    hit = _COMPILED.get(id(cond))
    if hit is None or hit[0] is not cond:
        hit = _COMPILED[id(cond)] = (cond, _compile(cond))
    return hit[1]


def element_test(cond: ir.Cond, var: str) -> Callable[[dict], bool]:
    """``cond`` as a test of one list element bound to ``var`` (for projection flags)."""
    if isinstance(cond, _LEAVES) and cond.ref.var == var:
        # The usual body (`p.lists contains "x"`): tested on the element directly, without an
        # evaluation context; projection runs this for every element of every event.
        walk, pred = _read_and_test(cond)
        if len(cond.ref.path) == 1 and not isinstance(cond, ir.Matches):
            (only,) = cond.ref.path  # `p.lists contains "x"`: read the element's own field

            def element_field(item: dict) -> bool:
                value = item.get(only, _MISSING)
                return value is not _MISSING and pred(value)

            # What the test reads and how it tests it, for projection compiled per ruleset
            # (kvrules.engine.projection) to test the element inline: the predicate, and for
            # a membership test its operand, which `in` then tests without a call.
            element_field.field_test = (only, pred, _membership(cond))  # type: ignore[attr-defined]
            return element_field

        def element_leaf(item: dict) -> bool:
            value = walk(item)
            return value is not _MISSING and pred(value)

        return element_leaf
    test = compiled(cond)

    def element(item: dict) -> bool:
        ctx = _Ctx({}, None)
        ctx.env[var] = (item, var)
        return test(ctx)

    # A body of `and`, `or`, `not` over the element's own fields (`p.lists contains "x" or
    # p.candidate_lists contains "x"`): what projection compiled per ruleset writes as one
    # inline expression (about 7 of this function's frames per element of a scan's events).
    element.expression = _expression(cond, var)  # type: ignore[attr-defined]
    return element


# The deepest body written as one expression: Python's parser limits nesting, and a deeper
# body keeps its call of ``element``.
_DEEPEST_EXPRESSION = 24

Expression = tuple[str, Any]  # see ``_expression``


def _expression(cond: ir.Cond, var: str, depth: int = 0) -> Expression | None:
    """``cond`` as a tree the projection writes inline: ``("and" | "or", [trees])``,
    ``("not", tree)``, ``("test", (field, predicate, membership))`` for a test of the
    element's own field (``field_test``'s triple: false when the field is missing, as here),
    ``("exists", field)``; None when any part is not such a test (a nested list, a path
    below a field, a pattern)."""
    if depth > _DEEPEST_EXPRESSION:
        return None
    match cond:
        case ir.And(items) | ir.Or(items):
            parts = [_expression(item, var, depth + 1) for item in items]
            if any(part is None for part in parts):
                return None
            return ("and" if isinstance(cond, ir.And) else "or", parts)
        case ir.Not(item):
            inner = _expression(item, var, depth + 1)
            return None if inner is None else ("not", inner)
    if (
        not isinstance(cond, _LEAVES)
        or isinstance(cond, ir.Matches)
        or cond.ref.var != var
        or len(cond.ref.path) != 1
    ):
        return None
    if isinstance(cond, ir.Exists):
        return ("exists", cond.ref.path[0])
    return ("test", (cond.ref.path[0], _predicate(cond), _membership(cond)))


def holds(cond: ir.Cond, view: dict) -> bool:
    """Whether ``cond`` is true for the projected ``view``."""
    return compiled(cond)(_Ctx(view, None))


def explain(cond: ir.Cond, view: dict) -> list[Evidence] | None:
    """The evidence that made ``cond`` true, or None when it is false."""
    return explainer(cond)(view)


def explainer(cond: ir.Cond) -> Callable[[dict], list[Evidence] | None]:
    """``explain`` bound to ``cond`` once (the evaluator keeps one per rule)."""
    direct = _direct_explainer(cond)
    if direct is not None:
        return direct
    test = compiled(cond)

    def explain_view(view: dict) -> list[Evidence] | None:
        evidence: list[Evidence] = []
        return evidence if test(_Ctx(view, evidence)) else None

    return explain_view


def _root_test(cond: ir.Cond) -> ir.Cond | None:
    """The test of a root field that ``cond`` is, or negates; None for anything else."""
    test = cond.item if isinstance(cond, ir.Not) else cond
    return test if isinstance(test, _LEAVES) and test.ref.var is None else None


_Step = tuple[Callable[[Any], Any], Callable[[Any], bool], Callable[[Any], Any] | None, str, str]


def _explained_step(cond: ir.Cond) -> _Step:
    """(read, test, read the raw value if negated, path, test text) for one test, or negated
    test, of a direct explanation."""
    test = _root_test(cond)
    assert test is not None
    (walk, pred), dotted = _read_and_test(test), ".".join(test.ref.path)
    if isinstance(cond, ir.Not):  # held when the test does not; evidence: the value it read
        return walk, pred, _walker(test.ref.path), dotted, f"not ({describe(test)})"
    return walk, pred, None, dotted, describe(test)


def _direct_explainer(cond: ir.Cond) -> Callable[[dict], list[Evidence] | None] | None:
    """The commonest rule shapes explained without an evaluation context: tests of fields, each
    possibly negated, joined by ``and`` (``partner.country == "CN" and not project.keywords
    contains "x"``); and ``any`` over a list whose body is one test of the element. The same
    evidence as the general path (a test compares them); None for other shapes."""
    items = cond.items if isinstance(cond, ir.And) else (cond,)
    if all(_root_test(item) is not None for item in items):
        steps = [_explained_step(item) for item in items]

        def explain_tests(view: dict) -> list[Evidence] | None:
            evidence = []
            for walk, pred, raw, dotted, test in steps:
                value = walk(view)
                held = value is not _MISSING and pred(value)
                if raw is None:
                    if not held:
                        return None
                else:  # negated
                    if held:
                        return None
                    value = raw(view)
                    value = None if value is _MISSING else value
                evidence.append(make_evidence(dotted, test, value))
            return evidence

        return explain_tests
    body = cond.body if isinstance(cond, ir.Quant) else None
    if not (
        body is not None
        and cond.kind == "any"
        and cond.ref.var is None
        and isinstance(body, _LEAVES)
        and body.ref.var == cond.var
    ):
        return None
    items_of, where = _walker(cond.ref.path), ".".join(cond.ref.path)
    (walk, pred), dotted, test = _read_and_test(body), ".".join(body.ref.path), describe(body)

    def explain_any(view: dict) -> list[Evidence] | None:
        items = items_of(view)
        if items is _MISSING or not items:
            return None
        evidence = []
        for i, element in enumerate(items):  # every element that satisfies the body explains
            value = walk(element)
            if value is not _MISSING and pred(value):
                evidence.append(make_evidence(f"{where}[{i}].{dotted}", test, value))
        return evidence or None

    return explain_any


def fired(rules: list[tuple[str, tuple[str, ...], ir.Cond]], view: dict) -> list[str]:
    """Keys of the rules (key, kinds, condition) that hold for ``view``."""
    kind = view.get("kind")
    return [key for key, kinds, cond in rules if kind in kinds and holds(cond, view)]
