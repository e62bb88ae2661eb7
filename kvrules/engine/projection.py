"""Projection compiled per ruleset: one straight-line function that builds exactly the view
``kvrules.fields.Projection`` builds for the same paths, without its per-field closures.

``Projection`` interprets a tree of what the rules read, a few Python calls per field and
object, for every event. Here that tree is turned once, when the evaluator is built, into the
source of one function per form of event (plain dicts, model instances), whose every field is
read, converted and stored inline.

Rulebooks never execute code (SECURITY.md): the generated source holds only names made here
(``_v3``, ``_k12``, ``_t4`` …) and fixed Python syntax. Every value that comes from a rulebook
or the field catalogue — field names, map keys, flag keys, patterns, element tests — reaches the
function only as an object bound to such a name in the namespace it is compiled with, never as
text in its source (tests/test_engine_projection.py compiles hostile names and values).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from kvrules.engine.durable import PLAIN_FLOATS
from kvrules.engine.generated import GeneratedFunction
from kvrules.fields import FieldType, Projection, _date, _Node
from kvrules.model import EventKind
from kvrules.rulebook.regex import matcher

View = dict[str, Any]


class _Source(GeneratedFunction):
    """One projection function as it is generated, for plain events or model instances;
    ``checks_numbers``: it also answers ``odd_numbers`` of the view it builds."""

    def __init__(self, plain: bool, checks_numbers: bool = False) -> None:
        super().__init__(
            {
                "_date": _date,
                "_Decimal": Decimal,
                "_kinds": {kind: kind.value for kind in EventKind},
                "_SMALL": PLAIN_FLOATS[0],
                "_LARGE": PLAIN_FLOATS[1],
            }
        )
        self.plain = plain
        self.checks_numbers = checks_numbers


def _read(src: _Source, name: str, node: _Node, obj: str) -> str:
    """The expression that reads field ``name`` of the object in variable ``obj``."""
    if node.spec.getter is not None:
        return f"{src.bind(node.spec.getter, 'g')}({obj})"
    if name == "kind":
        if src.plain:
            return f"_kinds[{obj}[{src.bind(name, 'k')}]]"
        return f"_kinds[{src.bind(attrgetter(name), 'g')}({obj})]"
    if src.plain:
        return f"{obj}.get({src.bind(name, 'k')})"
    return f"{src.bind(attrgetter(name), 'g')}({obj})"


def _object(src: _Source, nodes: dict[str, _Node], obj: str, out: str, depth: int) -> None:
    """Statements that fill dict ``out`` from the object ``obj`` (``Projection._compile``)."""
    value = f"v{depth}"
    for name, node in nodes.items():
        key = src.bind(name, "k")
        src.emit(depth, f"{value} = {_read(src, name, node, obj)}")
        src.emit(depth, f"if {value} is not None:")
        inner = depth + 1
        kind, fold = node.spec.type, node.spec.casefold
        if kind is FieldType.OBJECT:
            sub = f"o{inner}"
            src.emit(inner, f"{sub} = {{}}")
            _object(src, node.children, value, sub, inner)
            src.emit(inner, f"if {sub}:")
            src.emit(inner + 1, f"{out}[{key}] = {sub}")
            continue  # an object has no patterns
        if kind is FieldType.OBJECT_LIST:
            items, item, element = f"l{inner}", f"i{inner}", f"o{inner}"
            src.emit(inner, f"{items} = []")
            src.emit(inner, f"for {item} in {value}:")
            src.emit(inner + 1, f"{element} = {{}}")
            _object(src, node.children, item, element, inner + 1)
            _flags(src, element, node.flags, inner + 1)
            src.emit(inner + 1, f"{items}.append({element})")
            src.emit(inner, f"if {items}:")
            src.emit(inner + 1, f"{out}[{key}] = {items}")
            continue
        if kind is FieldType.TEXT_LIST:
            if fold:
                src.emit(inner, f"{value} = [x.casefold() for x in {value}]")
            else:
                src.emit(inner, f"{value} = list({value})")
            src.emit(inner, f"if {value}:")
            _store(src, node, value, out, key, inner + 1)
            continue
        if kind is FieldType.TEXT_MAP:
            wanted = src.bind(tuple(sorted(node.keys)), "m")
            src.emit(inner, f"{value} = {{k: {value}[k] for k in {wanted} if k in {value}}}")
            src.emit(inner, f"if {value}:")
            _store(src, node, value, out, key, inner + 1)
            continue
        if kind is FieldType.DATE:
            src.emit(inner, f"{value} = _date({value})")
        elif kind is FieldType.NUMBER:
            src.emit(inner, f"if isinstance({value}, _Decimal):")
            src.emit(inner + 1, f"{value} = float({value})")
            if src.checks_numbers:  # ``odd_numbers``' test of the number as it is stored
                src.emit(inner, f"if type({value}) is float and {value} and not (")
                src.emit(inner + 1, f"_SMALL <= abs({value}) < _LARGE")
                src.emit(inner, "):")
                src.emit(inner + 1, "odd = True")
        elif kind is FieldType.TEXT and fold:
            src.emit(inner, f"{value} = {value}.casefold()")
        _store(src, node, value, out, key, inner)


def _flags(
    src: _Source, element: str, flags: list[tuple[str, Callable[[dict], bool]]], depth: int
) -> None:
    """Set each flag of a projected element to its test of the element: the booleans the
    engine reads instead of list tests. A test of one field of the element (``p.lists contains
    "x"``) is made inline, without a call of the test, the field read once for all its tests;
    a membership test as the ``in`` operator it is (0.2 of 3.4 µs per bench event)."""
    by_field: dict[str, list[tuple[str, str]]] = {}  # field -> (flag, test of w) as bound names
    read: dict[str, str] = {}  # field -> the local it is read into for the expressions below
    for flag, test in flags:
        field_test = getattr(test, "field_test", None)
        if field_test is None:
            expression = getattr(test, "expression", None)
            if expression is None:
                tested = f"{src.bind(test, 't')}({element})"
            else:
                tested = _expression(src, expression, element, read, depth)
            src.emit(depth, f"{element}[{src.bind(flag, 'k')}] = {tested}")
            continue
        name, predicate, membership = field_test
        by_field.setdefault(name, []).append(
            (src.bind(flag, "k"), _tested(src, predicate, membership, "w"))
        )
    for name, tests in by_field.items():
        # A view holds no None: a field it leaves out is one the element does not have.
        src.emit(depth, f"w = {element}.get({src.bind(name, 'k')})")
        src.emit(depth, "if w is None:")
        for key, _ in tests:
            src.emit(depth + 1, f"{element}[{key}] = False")
        src.emit(depth, "else:")
        for key, tested in tests:
            src.emit(depth + 1, f"{element}[{key}] = {tested}")


def _tested(src: _Source, predicate: Callable[[Any], bool], membership: Any, value: str) -> str:
    """The test of a field's value (in local ``value``, never None), as ``field_test`` gives it:
    a membership as the ``in`` operator, any other test a call of its predicate."""
    if membership is None:
        return f"{src.bind(predicate, 'p')}({value})"
    if membership[0] == "contains":
        return f"{src.bind(membership[1], 'c')} in {value}"
    return f"{value} in {src.bind(membership[1], 'c')}"


def _expression(
    src: _Source, tree: tuple[str, Any], element: str, read: dict[str, str], depth: int
) -> str:
    """An element test's ``expression`` (``kvrules.engine.oracle._expression``) as one
    Python expression of bound names: the oracle's answer without its calls. Each field it
    tests is read into a local once per element (``read``), before the line that uses it.
    A test of a missing field is false (a view holds no None), `not` of it true, as the
    oracle's."""
    op, operand = tree
    if op in ("and", "or"):
        parts = [_expression(src, part, element, read, depth) for part in operand]
        return "(" + f" {op} ".join(parts) + ")"
    if op == "not":
        return f"(not {_expression(src, operand, element, read, depth)})"
    name = operand if op == "exists" else operand[0]
    local = read.get(name)
    if local is None:
        local = read[name] = f"f{len(read)}"
        src.emit(depth, f"{local} = {element}.get({src.bind(name, 'k')})")
    if op == "exists":
        return f"({local} is not None)"
    return f"({local} is not None and {_tested(src, operand[1], operand[2], local)})"


def _store(src: _Source, node: _Node, value: str, out: str, key: str, depth: int) -> None:
    """Store the converted value, then each of its patterns' flags beside it."""
    src.emit(depth, f"{out}[{key}] = {value}")
    for flag, pattern in node.patterns:
        matches = src.bind(matcher(pattern), "r")
        src.emit(depth, f"{out}[{src.bind(flag, 'k')}] = {matches}({value})")


def _holds_numbers(node: _Node) -> bool:
    return node.spec.type is FieldType.NUMBER or any(map(_holds_numbers, node.children.values()))


def _numbers(src: _Source, nodes: dict[str, _Node], obj: str, depth: int) -> None:
    """Statements that return True if a number field below the view object ``obj`` holds a
    float that durable_rules cannot read as ``json.dumps`` writes it."""
    for name, node in nodes.items():
        if not _holds_numbers(node):
            continue
        key, inner = src.bind(name, "k"), f"o{depth}"
        if node.spec.type is FieldType.NUMBER:
            src.emit(depth, f"x = {obj}.get({key})")
            src.emit(depth, "if type(x) is float and x and not (_SMALL <= abs(x) < _LARGE):")
            src.emit(depth + 1, "return True")
        elif node.spec.type is FieldType.OBJECT_LIST:
            src.emit(depth, f"for {inner} in {obj}.get({key}, ()):")
            _numbers(src, node.children, inner, depth + 1)
        else:  # an object
            src.emit(depth, f"{inner} = {obj}.get({key})")
            src.emit(depth, f"if {inner} is not None:")
            _numbers(src, node.children, inner, depth + 1)


def _odd_numbers_function(root: dict[str, _Node]) -> Callable[[View], bool]:
    src = _Source(plain=True)
    src.emit(0, "def odd_numbers(view):")
    _numbers(src, root, "view", 1)
    src.emit(1, "return False")
    return src.compile("odd_numbers", "number check")


def _function(root: dict[str, _Node], plain: bool) -> Callable[[Any], View]:
    src = _Source(plain)
    src.emit(0, "def project(event):")
    src.emit(1, "o1 = {}")
    _object(src, root, "event", "o1", 1)
    src.emit(1, "return o1")
    return src.compile("project", "projection")


def _checked_function(root: dict[str, _Node], plain: bool) -> Callable[[Any], tuple[View, bool]]:
    """``(project(event), odd_numbers(view))`` in one pass: each number tested as it is
    stored, instead of a second function walking the view for them (0.4 µs per bench event)."""
    src = _Source(plain, checks_numbers=True)
    src.emit(0, "def project_checked(event):")
    src.emit(1, "o1 = {}")
    src.emit(1, "odd = False")
    _object(src, root, "event", "o1", 1)
    src.emit(1, "return o1, odd")
    return src.compile("project_checked", "projection")


class CompiledProjection(Projection):
    """``Projection`` with its two forms (plain events, model instances) compiled to one
    function each; the same views (tests/test_engine_projection.py compares them).
    ``odd_numbers(view)``: whether the view holds a float that ``DurableEngine.fire`` must
    write with care (its ``odd`` argument); ``checked(event)`` answers both at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._project = _function(self.root, plain=False)
        self._project_plain = _function(self.root, plain=True)
        # Only a number field can hold a float that JSON writes with a bare exponent or as
        # Infinity: checking those few fields of a view is cheaper than searching its JSON text.
        self.odd_numbers = _odd_numbers_function(self.root)
        self._checked = _checked_function(self.root, plain=False)
        self._checked_plain = _checked_function(self.root, plain=True)
        # ``checked`` of a plain event, for a caller that has told the forms apart already
        self.checked_plain = self._checked_plain

    def __call__(self, event: Any) -> View:
        return (self._project_plain if type(event) is dict else self._project)(event)

    def checked(self, event: Any) -> tuple[View, bool]:
        """``(view, self.odd_numbers(view))`` for ``view = self(event)``, in one pass."""
        return (self._checked_plain if type(event) is dict else self._checked)(event)
