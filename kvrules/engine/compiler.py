"""IR → durable_rules JSON rulesets, designed around the engine's limits (see DESIGN.md).

- Facts, not events: every rule that matches fires (the caller asserts, collects, retracts).
- durable_rules has no expression-level ``not``: negation is pushed down to the leaves, with
  "or the field is missing" added so that it means exactly what the oracle means.
- ``matches`` is decided by RE2 during projection (durable_rules' own regex DFA gives wrong
  answers); the engine tests the resulting boolean.
- Inside ``$iany``/``$iall``, durable_rules evaluates ``or`` property by property in message
  order and keeps the last result, and a nested array test poisons an ``or`` (measured; see
  tests/test_durable_canaries.py). So a quantifier body never goes to the engine: the oracle
  evaluates it for each element during projection, and the engine iterates the list over that
  boolean (``any x in L: B`` → ``$iany`` over ``L[*].<flag of B> == true``).
- The C core has fixed-size tables (``kvrules.engine.limits``): a 64-entry match stack that
  fails every assert (error 303) once 65 tests can hold at once, 128 joins per node, 512 tests
  per node (beyond: creation hangs), 256 rules per node, 4,096 rules per ruleset. Rules are
  compiled once per event kind (an event has one kind, so a ruleset for it never visits other
  kinds' tests, and no ``or`` over kinds adds a join per rule) and packed into shards that a
  model of the engine's alpha network (``AlphaNetwork``) keeps inside every one of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import durable_rules_engine

from kvrules.engine.limits import AlphaNetwork
from kvrules.rulebook import ir

NEG = {
    ir.Op.EQ: "$neq",
    ir.Op.NE: None,
    ir.Op.LT: "$gte",
    ir.Op.LE: "$gt",
    ir.Op.GT: "$lte",
    ir.Op.GE: "$lt",
}
POS = {
    ir.Op.EQ: None,
    ir.Op.NE: "$neq",
    ir.Op.LT: "$lt",
    ir.Op.LE: "$lte",
    ir.Op.GT: "$gt",
    ir.Op.GE: "$gte",
}


class CompileError(ir.RuleRejected):
    """The rule cannot run on the engine; ``pos`` points at the offending part, if known."""


def _key(ref: ir.Ref) -> str:
    return ".".join(ref.path)


def _flag(cond: ir.Matches) -> str:
    return ".".join((*cond.ref.path[:-1], cond.flag))


def element_flag(body: ir.Cond) -> str:
    """The key, on each list element, holding whether the element satisfies ``body``."""
    digest = hashlib.sha1(repr(_canonical(body)).encode(), usedforsecurity=False).hexdigest()
    return f"__k{digest[:12]}"


def _canonical(node: Any) -> Any:
    """The node without source positions (two rules with the same body share one flag)."""
    if is_dataclass(node):
        return (
            type(node).__name__,
            *(_canonical(getattr(node, f.name)) for f in fields(node) if f.compare),
        )
    if isinstance(node, tuple):
        return tuple(_canonical(n) for n in node)
    return node


def _cmp(op: str | None, key: str, value: Any) -> dict:
    return {key: value} if op is None else {op: {key: value}}


def _missing(key: str) -> dict:
    return {"$nex": {key: 1}}


def _any(items: list[dict]) -> dict:
    return items[0] if len(items) == 1 else {"$or": items}


def _all(items: list[dict]) -> dict:
    return items[0] if len(items) == 1 else {"$and": items}


def _each(kind: str, cond: ir.Quant, holds: bool) -> dict:
    return {f"$i{kind}": {_key(cond.ref): {f"$i.{element_flag(cond.body)}": holds}}}


def expr(cond: ir.Cond) -> dict:
    """The durable_rules expression for ``cond``."""
    match cond:
        case ir.Compare(ref, op, value):
            return _cmp(POS[op], _key(ref), value)
        case ir.InList(ref, values):
            return _any([{_key(ref): v} for v in values])
        case ir.Contains(ref, value):
            return {"$iany": {_key(ref): {"$i": value}}}
        case ir.Matches():
            return {_flag(cond): True}
        case ir.Exists(ref):
            return {"$ex": {_key(ref): 1}}
        case ir.And(items):
            return _all([expr(i) for i in items])
        case ir.Or(items):
            return _any([expr(i) for i in items])
        case ir.Not(item):
            return negate(item)
        case ir.Quant(kind):
            return _each(kind, cond, True)
    raise TypeError(cond)  # pragma: no cover


def negate(cond: ir.Cond) -> dict:
    """The expression for ``not cond``: De Morgan down to the leaves, missing fields included."""
    match cond:
        case ir.Compare(ref, op, value):
            key = _key(ref)
            if op is ir.Op.NE:
                return _any([{key: value}, _missing(key)])
            return _any([_cmp(NEG[op], key, value), _missing(key)])
        case ir.InList(ref, values):
            key = _key(ref)
            return _any([_all([{"$neq": {key: v}} for v in values]), _missing(key)])
        case ir.Contains(ref, value):
            key = _key(ref)
            return _any([{"$iall": {key: {"$neq": {"$i": value}}}}, _missing(key)])
        case ir.Matches():
            key = _flag(cond)
            return _any([{key: False}, _missing(key)])
        case ir.Exists(ref):
            return _missing(_key(ref))
        case ir.And(items):
            return _any([negate(i) for i in items])
        case ir.Or(items):
            return _all([negate(i) for i in items])
        case ir.Not(item):
            return expr(item)
        case ir.Quant(kind, _, ref):
            # not any = all not (or no list); not all = any not (or no list)
            flipped = "all" if kind == "any" else "any"
            return _any([_missing(_key(ref)), _each(flipped, cond, False)])
    raise TypeError(cond)  # pragma: no cover


@dataclass
class CompiledRule:
    key: str  # "<rulebook>/<rule>", the action name in the engine
    rulebook: ir.Rulebook
    rule: ir.Rule
    condition: dict  # the engine expression of the rule's condition, without its event kinds

    def match(self, kind: str) -> dict:
        """The ``m`` expression of this rule in a ruleset for events of ``kind``."""
        return _all([{"kind": kind}, self.condition])

    def definition(self, kind: str) -> dict:
        return {"all": [{"m": self.match(kind)}], "run": self.key}

    @property
    def sample_kind(self) -> str:
        """A kind to check the rule's size with: every kind makes the same network."""
        return next(iter(self.rule.kinds), "none")


def compile_rule(rulebook: ir.Rulebook, rule: ir.Rule) -> CompiledRule:
    compiled = CompiledRule(f"{rulebook.id}/{rule.id}", rulebook, rule, expr(rule.condition))
    alone = AlphaNetwork()
    alone.add(compiled.match(compiled.sample_kind))
    if problem := alone.problem():
        raise CompileError(
            f"this condition is too big for durable_rules: {problem}; split it into several "
            "rules (e.g. a long list into a vars list per rule)",
            rule.pos,
        )
    return compiled


def probe(compiled: CompiledRule) -> None:
    """Create the rule alone in the real engine (and free it) to surface its own error codes."""
    body = {compiled.key: {"all": compiled.definition(compiled.sample_kind)["all"]}}
    try:
        handle = durable_rules_engine.create_ruleset("kvr-probe", json.dumps(body))
    except Exception as exc:
        raise CompileError(
            f"durable_rules rejects this condition ({exc}); simplify it "
            "(fewer nested any/or inside one all/and)",
            compiled.rule.pos,
        ) from None
    durable_rules_engine.delete_ruleset(handle)


@dataclass
class Program:
    """Compiled rulebooks: engine rulesets (shards) and the rules behind every action name."""

    rulebooks: list[ir.Rulebook]
    rules: dict[str, CompiledRule] = field(default_factory=dict)
    shards: list[dict[str, dict]] = field(default_factory=list)
    shard_kinds: list[frozenset[str]] = field(default_factory=list)
    paths: set[tuple[str, ...]] = field(default_factory=set)
    patterns: dict[tuple[str, ...], set[str]] = field(default_factory=dict)  # path -> RE2
    # list path -> {flag key: (variable, test)}: list tests inside quantifiers (see above)
    element_flags: dict[tuple[str, ...], dict[str, tuple[str, ir.Cond]]] = field(
        default_factory=dict
    )

    @property
    def digest(self) -> str:
        """What decides whether stored records must be evaluated again: each rulebook's file
        and its version, which carries what the configuration changes in it (``+local.<digest>``
        of the effective values of ``rulebook_vars``, ``+attributes.<digest>`` of the
        attributes allowed): the same file under other variables is another policy."""
        h = hashlib.sha256()
        for rb in self.rulebooks:
            h.update(f"{rb.sha256}|{rb.version}\n".encode())
        return h.hexdigest()[:12]

    def ruleset_names(self) -> list[str]:
        return [f"kvr{i}@{self.digest}" for i in range(len(self.shards))]


def references(cond: ir.Cond, scopes: dict[str, tuple[str, ...]] | None = None):
    """(root-level path, node) for every field a condition reads, quantifier bodies included."""
    scopes = scopes or {}
    for node in _children_first(cond):
        ref = getattr(node, "ref", None)
        if ref is None:
            continue
        path = (scopes[ref.var] if ref.var else ()) + ref.path
        yield path, node
        if isinstance(node, ir.Quant):
            yield from references(node.body, {**scopes, node.var: path})


def element_flags(cond: ir.Cond):
    """(list path, flag key, variable, body) for every quantifier the engine will iterate."""
    for node in _children_first(cond):
        if isinstance(node, ir.Quant):
            yield node.ref.path, element_flag(node.body), node.var, node.body


def _children_first(cond: ir.Cond):
    """Nodes of ``cond`` without descending into quantifier bodies."""
    yield cond
    if isinstance(cond, ir.And | ir.Or):
        for item in cond.items:
            yield from _children_first(item)
    elif isinstance(cond, ir.Not):
        yield from _children_first(cond.item)


@dataclass
class _Shard:
    kind: str
    network: AlphaNetwork = field(default_factory=AlphaNetwork)
    rules: dict[str, dict] = field(default_factory=dict)


def compile_program(rulebooks: list[ir.Rulebook]) -> Program:
    """Compile rulebooks into as few rulesets as the engine's limits allow."""
    program = Program(list(rulebooks))
    open_shards: dict[str, _Shard] = {}  # per event kind, the shard rules are added to
    done: list[_Shard] = []
    for rulebook in rulebooks:
        for rule in rulebook.rules:
            compiled = compile_rule(rulebook, rule)
            if compiled.key in program.rules:
                raise CompileError(f"rule '{compiled.key}' is loaded twice", rule.pos)
            program.rules[compiled.key] = compiled
            for path, node in references(rule.condition):
                program.paths.add(path)
                if isinstance(node, ir.Matches):
                    program.patterns.setdefault(path, set()).add(node.pattern)
            for path, key, var, test in element_flags(rule.condition):
                program.element_flags.setdefault(path, {})[key] = (var, test)
            for kind in dict.fromkeys(rule.kinds):
                shard = open_shards.setdefault(kind, _Shard(kind))
                shard.network.add(compiled.match(kind))
                if shard.rules and shard.network.problem():  # full: this rule starts the next
                    done.append(shard)
                    shard = open_shards[kind] = _Shard(kind)
                    shard.network.add(compiled.match(kind))
                shard.rules[compiled.key] = compiled.definition(kind)
    for shard in [*done, *open_shards.values()]:
        program.shards.append(shard.rules)
        program.shard_kinds.append(frozenset({shard.kind}))
    program.paths.add(("kind",))
    return program


def check_rule(rulebook: ir.Rulebook, rule: ir.Rule) -> None:
    """The engine's check of one rule while its rulebook loads (``ir.RuleCheck``): compile it
    and create it alone in durable_rules, raising CompileError with the offending part."""
    probe(compile_rule(rulebook, rule))
