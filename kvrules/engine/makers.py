"""Per rule, one function compiled when the evaluator is built that explains the rule on a
view and makes its finding: the fields read inline, the evidence and the finding made in place.

The commonest rule shapes (``oracle._direct_explainer``: tests of root fields, each possibly
negated, joined by ``and``; ``any`` over a list with one test of the element) are otherwise
explained through a loop over closures per test, then handed to a generic finding maker. Here
each such rule gets straight-line code with the same evidence, subjects and finding (tests in
tests/test_engine_makers.py compare them with the general path).

Rulebooks never execute code (SECURITY.md): the generated source holds only names made here
(``_k3``, ``_p4`` …); every field name, test text, literal, predicate and rule part is bound to
such a name in the namespace the function is compiled with, never written into its source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from kvrules.engine import oracle
from kvrules.engine.generated import GeneratedFunction
from kvrules.engine.subjects import added_namer, element_namer, identity
from kvrules.fields import ROOT, FieldType, resolve
from kvrules.findings import Evidence, EvidenceDraft, Finding
from kvrules.rulebook import ir

Maker = Callable[[dict, Any, tuple[str, str, str, str], dict], Finding]
_FINDING_PARTS = 9  # Finding's fields up to legal_basis
# Every field of a Finding, in order, as the makers assign them (the names of kvrules' own
# class, never a rulebook's text): the rule's parts, the event's four, evidence, risks and
# no further alert targets (a rule with some has no generated maker).
_FINDING_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))
if _FINDING_FIELDS[_FINDING_PARTS:] != (
    "event_id",
    "event_kind",
    "source_system",
    "source_record_id",
    "evidence",
    "risks",
    "also_alert",
):  # pragma: no cover - a new field needs its value here
    raise TypeError(f"kvrules.engine.makers does not make Finding's fields {_FINDING_FIELDS}")
_SHARED = 256  # evidence kept per test of a text field, one per value (shared_evidence)
_PATHS_MADE = 32  # evidence paths made in advance per `any` rule, for its first elements


class _Source(GeneratedFunction):
    """One rule's finding maker as it is generated."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        super().__init__(
            {
                "_MISSING": oracle._MISSING,
                "_new": object.__new__,
                "_Evidence": Evidence,
                "_Finding": Finding,
                "_identity": identity,
                "_EvidenceDraft": EvidenceDraft,
                **namespace,
            }
        )

    def read(self, depth: int, target: str, obj: str, cond: ir.Cond) -> None:
        """``target = `` the value ``cond`` reads below ``obj``, or _MISSING (as the oracle)."""
        walk, _ = oracle._read_and_test(cond)
        if isinstance(cond, ir.Matches):  # the flag beside the field decides: the oracle's read
            self.emit(depth, f"{target} = {self.bind(walk, 'w')}({obj})")
            return
        self.walk(depth, target, obj, cond.ref.path)

    def walk(self, depth: int, target: str, obj: str, path: tuple[str, ...]) -> None:
        """``target = `` the value at ``path`` below ``obj``, or _MISSING (``oracle._walker``)."""
        source = obj
        for part in path:
            read = f"{source}.get({self.bind(part, 'k')}, _MISSING)"
            if source == "view":  # a view is a dict (the projection's); what it holds may not be
                self.emit(depth, f"{target} = {read}")
            else:
                self.emit(depth, f"{target} = {read} if type({source}) is dict else _MISSING")
            source = target

    def evidence(self, depth: int, target: str, path: str, test: str, value: str, who: str) -> None:
        """``target = make_evidence(path, test, value, who)``, without the call."""
        self.emit(depth, f"{target} = _new(_EvidenceDraft)")  # filled in, then an Evidence
        self.emit(depth, f"{target}.path = {path}")
        self.emit(depth, f"{target}.test = {test}")
        self.emit(depth, f"{target}.actual = {value}")
        self.emit(depth, f"{target}.subject = {who}")
        self.emit(depth, f"{target}.__class__ = _Evidence")

    def shared_evidence(self, depth: int, target: str, path: str, test: str, value: str) -> None:
        """``evidence`` of a test of a text field: one Evidence per text value seen, made once
        and shared by the findings that read it (it is immutable, and text values repeat:
        countries, names). Up to ``_SHARED`` values per test, so memory stays bounded."""
        made = self.bind({}, "s")
        self.emit(depth, f"{target} = {made}.get({value})")
        self.emit(depth, f"if {target} is None:")
        self.evidence(depth + 1, target, path, test, value, "None")
        self.emit(depth + 1, f"if len({made}) < {_SHARED}:")
        self.emit(depth + 2, f"{made}[{value}] = {target}")


def finding_maker(
    cond: ir.Cond,
    parts: tuple[Any, ...],
    risks: list[str],
    disagree: Callable[[tuple[str, str, str, str]], None],
    subject: Callable[[str, Any], str | None],
) -> Maker | None:
    """``make(view, event, about, subjects)`` for a rule of a direct shape, else None.

    ``parts``: the finding's fields up to legal_basis (tags copied per finding); ``disagree``
    raises when the condition does not hold on the view; ``subject(path, event)`` names the
    list element(s) a path runs through (``subjects``: those named so far for this event)."""
    assert len(parts) == _FINDING_PARTS
    src = _Source({"_disagree": disagree, "_subject": subject})
    names = [src.bind(part, "f") for part in parts]
    # each finding owns its tags and risks (plugins may change them): a new list each
    names[4] = f"{names[4]}.copy()" if parts[4] else "[]"
    values = [*names, "about[0]", "about[1]", "about[2]", "about[3]", "evidence"]
    values += [f"{src.bind(risks, 'r')}.copy()" if risks else "[]", "[]"]
    src.emit(0, "def make(view, event, about, subjects):")
    items = cond.items if isinstance(cond, ir.And) else (cond,)
    if all(oracle._root_test(item) is not None for item in items):
        _tests(src, items)
        names_the_added = True
    elif _is_any_of_one_test(cond):
        _any(src, cond)
        # its paths run through the list's root: never below an added organisation's
        names_the_added = added_namer(cond.ref.path[0]) is None
    else:
        return None
    # The finding made in place, every field assigned here: Finding's __init__ is one more
    # Python frame per finding, taking 16 arguments (0.26 of 0.83 µs per finding, timed alone)
    src.emit(1, "finding = _new(_Finding)")
    for name, value in zip(_FINDING_FIELDS, values, strict=True):
        src.emit(1, f"finding.{name} = {value}")
    src.emit(1, "return finding")
    make = src.compile("make", "finding maker")
    # True: its findings need no ``subjects.name_the_added`` afterwards (Evaluator.explain)
    make.names_the_added = names_the_added
    return make


# ``oracle._predicate``'s comparison ``literal OP' value`` (the operator flipped), spelt out
_FLIPPED = {
    ir.Op.EQ: "==",
    ir.Op.NE: "!=",
    ir.Op.LT: ">",
    ir.Op.LE: ">=",
    ir.Op.GT: "<",
    ir.Op.GE: "<=",
}


def _tested(src: _Source, cond: ir.Cond, pred: Callable[[Any], bool], value: str) -> str:
    """The expression ``pred(value)`` is, written as the operator ``oracle._predicate`` calls
    (``literal == value``, ``literal in value``, ``value in values``; the projection's flags
    are tested so too): one call fewer per test and list element read (bench/engine.py: ~12
    per event). Any other test calls ``pred``; a test that holds for every value read (a
    matches test, whose read is its flag, and exists) is none."""
    if pred is oracle._true:
        return "True"
    if isinstance(cond, ir.Compare):
        return f"{src.bind(cond.value, 'c')} {_FLIPPED[cond.op]} {value}"
    membership = oracle._membership(cond)
    if membership is None:
        return f"{src.bind(pred, 'p')}({value})"
    kind, operand = membership
    if kind == "contains":
        return f"{src.bind(operand, 'c')} in {value}"
    return f"{value} in {src.bind(operand, 'c')}"


def _tests(src: _Source, items: tuple[ir.Cond, ...]) -> None:
    """Tests of root fields, each possibly negated: every one must hold; one evidence each.
    Evidence read below the organisation a ``partner.added`` (``funder.added``) event adds
    names it (``subjects.name_the_added``), made so here rather than made again afterwards."""
    made = []
    added: dict[str, str] = {}  # root -> the variable naming what the event adds there
    for n, item in enumerate(items):
        test = oracle._root_test(item)
        assert test is not None
        _, pred = oracle._read_and_test(test)
        root = test.ref.path[0]
        namer = added_namer(root)
        if namer is not None and root not in added:
            # Once per event (``subjects`` is the event's): a key no evidence path can be,
            # paths through a list element hold a '['.
            who, key = f"a{len(added)}", src.bind(f"{root}.added", "a")
            added[root] = who
            src.emit(1, f"{who} = subjects.get({key}, _MISSING)")
            src.emit(1, f"if {who} is _MISSING:")
            # ``namer``'s reading of a plain event written out (``subjects._added_name``: the
            # kind compared as text, the organisation named by ``identity``), three Python
            # frames fewer for the first such rule of each event
            src.emit(2, "if type(event) is dict:")
            src.emit(3, f"if event.get('kind') == {src.bind(f'{root}.added', 'a')}:")
            src.emit(4, f"{who} = event.get({src.bind(root, 'k')})")
            src.emit(4, f"if {who} is not None:")
            src.emit(5, f"{who} = _identity({who})")
            src.emit(3, "else:")
            src.emit(4, f"{who} = None")
            src.emit(2, "else:")
            src.emit(3, f"{who} = {src.bind(namer, 'n')}(event)")
            src.emit(2, f"subjects[{key}] = {who}")
        dotted, text = src.bind(".".join(test.ref.path), "d"), oracle.describe(test)
        value = f"v{n}"
        src.read(1, value, "view", test)
        held = f"({value} is not _MISSING and ({_tested(src, test, pred, value)}))"
        if isinstance(item, ir.Not):  # held when the test does not; evidence: the value read
            src.emit(1, f"if {held}:")
            src.emit(2, "_disagree(about)")
            if isinstance(test, ir.Matches):
                src.walk(1, value, "view", test.ref.path)
            src.emit(1, f"if {value} is _MISSING:")
            src.emit(2, f"{value} = None")
            text = f"not ({text})"
        else:
            src.emit(1, f"if not {held}:")
            src.emit(2, "_disagree(about)")
        spec = resolve(ROOT, test.ref.path)
        depth, test_text = 1, src.bind(text, "t")
        if root in added:  # the added organisation named, when the event adds one
            src.emit(1, f"if {added[root]} is not None:")
            src.evidence(2, f"e{n}", dotted, test_text, value, added[root])
            src.emit(1, "else:")
            depth = 2
        if spec is not None and spec.type is FieldType.TEXT:  # text or None: hashable, immutable
            src.shared_evidence(depth, f"e{n}", dotted, test_text, value)
        else:
            src.evidence(depth, f"e{n}", dotted, test_text, value, "None")
        made.append(f"e{n}")
    src.emit(1, f"evidence = [{', '.join(made)}]")


def _is_any_of_one_test(cond: ir.Cond) -> bool:
    return (
        isinstance(cond, ir.Quant)
        and cond.kind == "any"
        and cond.ref.var is None
        and isinstance(cond.body, oracle._LEAVES)
        and cond.body.ref.var == cond.var
    )


def _any(src: _Source, cond: ir.Quant) -> None:
    """``any`` over a list, its body one test of the element: every element that satisfies it
    explains it, named in its evidence (the subject of the element)."""
    body = cond.body
    _, pred = oracle._read_and_test(body)
    where, dotted = ".".join(cond.ref.path), ".".join(body.ref.path)
    src.emit(1, "evidence = []")
    src.walk(1, "items", "view", cond.ref.path)
    src.emit(1, "if items is not _MISSING and items:")
    src.emit(2, "for i, element in enumerate(items):")
    src.read(3, "value", "element", body)
    src.emit(3, f"if value is not _MISSING and ({_tested(src, body, pred, 'value')}):")
    # The path names the element by position; `subjects` keeps the names found for this event.
    # The paths of the first positions are written once, here, not for every finding.
    paths = src.bind(tuple(f"{where}[{i}].{dotted}" for i in range(_PATHS_MADE)), "d")
    src.emit(4, f"if i < {_PATHS_MADE}:")
    src.emit(5, f"path = {paths}[i]")
    src.emit(4, "else:")
    src.emit(5, f"path = f'{{{src.bind(where, 'd')}}}[{{i}}].{{{src.bind(dotted, 'd')}}}'")
    src.emit(4, "who = subjects.get(path, _MISSING)")
    src.emit(4, "if who is _MISSING:")
    name = element_namer(cond.ref.path, body.ref.path)  # the element named directly, if it can
    if name is None:
        src.emit(5, "who = subjects[path] = _subject(path, event)")
    else:  # ``name``'s reading of a plain event written out: one Python frame fewer
        items = "".join(f"[{src.bind(step, 'k')}]" for step in cond.ref.path)
        src.emit(5, "if type(event) is dict:")
        src.emit(6, f"who = subjects[path] = _identity(event{items}[i])")
        src.emit(5, "else:")
        src.emit(6, f"who = subjects[path] = {src.bind(name, 'n')}(event, i)")
    src.evidence(4, "made", "path", src.bind(oracle.describe(body), "t"), "value", "who")
    src.emit(4, "evidence.append(made)")
    src.emit(1, "if not evidence:")
    src.emit(2, "_disagree(about)")
