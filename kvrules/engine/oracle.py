"""A small pure-Python evaluator of the IR: the test oracle, and the source of explanations.

It reads the same projected view as durable_rules and defines what a condition means (see
``kvrules.rulebook.ir``). ``explain`` returns the concrete values that made a condition true.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kvrules.rulebook import ir
from kvrules.rulebook.regex import fullmatch

_MISSING = object()
_OPS = {
    ir.Op.EQ: lambda a, b: a == b,
    ir.Op.NE: lambda a, b: a != b,
    ir.Op.LT: lambda a, b: a < b,
    ir.Op.LE: lambda a, b: a <= b,
    ir.Op.GT: lambda a, b: a > b,
    ir.Op.GE: lambda a, b: a >= b,
}


@dataclass(frozen=True)
class Evidence:
    """One test that held: the field (with list positions), the test, and the value seen."""

    path: str
    test: str
    actual: Any

    def __str__(self) -> str:
        return f"{self.path} {self.test} (value: {self.actual!r})"


def _lookup(obj: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(obj, dict) or part not in obj:
            return _MISSING
        obj = obj[part]
    return obj


def _literal(value: Any) -> str:
    return (
        f'"{value}"'
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


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


class _Eval:
    """Evaluates with an environment of quantifier variables; collects evidence when asked."""

    def __init__(self, view: dict, explain: bool) -> None:
        self.view, self.explain = view, explain
        self.env: dict[str, tuple[Any, str]] = {}  # var -> (element, its display path)
        self.evidence: list[Evidence] = []

    def get(self, ref: ir.Ref) -> tuple[Any, str]:
        if ref.var is None:
            return _lookup(self.view, ref.path), ".".join(ref.path)
        element, where = self.env[ref.var]
        return _lookup(element, ref.path), ".".join((where, *ref.path))

    def note(self, where: str, test: str, actual: Any) -> None:
        if self.explain:
            self.evidence.append(Evidence(where, test, actual))

    def leaf(self, cond: ir.Cond) -> bool:
        value, where = self.get(cond.ref)
        match cond:
            case ir.Exists():
                ok = value is not _MISSING
            case _ if value is _MISSING:
                return False
            case ir.Compare(_, op, literal):
                ok = _OPS[op](value, literal)
            case ir.InList(_, values):
                ok = value in values
            case ir.Contains(_, literal):
                ok = literal in value
            case ir.Matches(_, pattern):
                ok = fullmatch(pattern, value)
        if ok:
            self.note(where, describe(cond), value)
        return ok

    def run(self, cond: ir.Cond) -> bool:
        match cond:
            case ir.And(items):
                return all(self.run(i) for i in items)
            case ir.Or(items):
                return any(self.run(i) for i in items)
            case ir.Not(item):
                saved, self.explain = self.explain, False
                try:
                    ok = not self.run(item)
                finally:
                    self.explain = saved
                if ok:
                    self._note_negation(item)
                return ok
            case ir.Quant(kind, var, ref):
                return self.quant(cond, kind, var, ref)
            case _:
                return self.leaf(cond)

    def quant(self, cond: ir.Quant, kind: str, var: str, ref: ir.Ref) -> bool:
        items, where = self.get(ref)
        if items is _MISSING or not items:
            return False
        outer = self.env.get(var)
        try:
            results = []
            for i, element in enumerate(items):
                self.env[var] = (element, f"{where}[{i}]")
                mark = len(self.evidence)
                ok = self.run(cond.body)
                if not ok:
                    del self.evidence[mark:]  # only elements that satisfied the body explain it
                results.append(ok)
                if ok and kind == "any" and not self.explain:
                    return True
                if not ok and kind == "all":
                    return False
            return any(results) if kind == "any" else True
        finally:
            if outer is None:
                self.env.pop(var, None)
            else:
                self.env[var] = outer

    def _note_negation(self, item: ir.Cond) -> None:
        """For ``not X``, report the values that made X false (or that they were missing)."""
        if not self.explain:
            return
        for node in ir.walk(item):
            ref = getattr(node, "ref", None)
            if ref is None or ref.var not in (None, *self.env):
                continue
            value, where = self.get(ref)
            test = describe(node) if not isinstance(node, ir.Quant) else f"{node.kind} …"
            self.note(where, f"not ({test})", None if value is _MISSING else value)


def holds(cond: ir.Cond, view: dict) -> bool:
    """Whether ``cond`` is true for the projected ``view``."""
    return _Eval(view, explain=False).run(cond)


def explain(cond: ir.Cond, view: dict) -> list[Evidence] | None:
    """The evidence that made ``cond`` true, or None when it is false."""
    ev = _Eval(view, explain=True)
    return ev.evidence if ev.run(cond) else None


def fired(rules: list[tuple[str, tuple[str, ...], ir.Cond]], view: dict) -> list[str]:
    """Keys of the rules (key, kinds, condition) that hold for ``view``."""
    kind = view.get("kind")
    return [key for key, kinds, cond in rules if kind in kinds and holds(cond, view)]
