"""durable_rules' fixed-size tables that a ruleset can fill, and a model of its alpha network
that tells whether a set of rules stays inside them.

Sizes from durable_rules 2.0.28's C sources; tests/test_durable_canaries.py pins each one:

- ``MAX_STACK_SIZE`` 64 (``src/rules/events.c``): the stack of alpha nodes still to visit
  while a fact is matched. Every node whose test holds is pushed, and so is every ``$nex`` test
  and every ``or`` join below a visited node. Overflowing it fails *every* assert with error
  303, at run time: the ruleset is created without complaint.
- ``NEXT_BUCKET_LENGTH`` 512 (``rules.h``): tests below one node (an open-addressing table);
  a full table makes ruleset creation loop forever.
- ``NEXT_LIST_LENGTH`` 128 (``rules.h``): ``$nex`` tests and ``or`` joins below one node;
  error 107.
- ``BETA_LIST_LENGTH`` 256 (``rules.h``): rules whose condition ends on the same node;
  error 108.
- ``MAX_ACTIONS`` 4096 (``rete.c``): rules in a ruleset; error 106.
- ``MAX_SEQUENCE_EXPRESSIONS`` 32 (``rete.h``): expressions of one rule that refer to other
  facts; error 113. kvrules writes none (a canary shows 80 tests in one rule are fine), and
  whatever concerns one rule alone ``compiler.probe`` finds when the rulebook is loaded.

The other fixed sizes cannot be reached by kvrules' rulesets: ``MAX_RESULT_NODES``,
``MAX_NODE_RESULTS``, ``MAX_COMMAND_COUNT``, ``MAX_ADD_COUNT``, ``MAX_EVAL_COUNT``
(``events.c``) are defined but never used; the state tables (``state.h``) bound sids (kvrules
uses one), frames per rule (one fact per rule) and per-state indexes, which hold the one fact
kvrules asserts at a time; the message key limit (error 302) is ``durable.MAX_KEYS``.

How rules share nodes (``rete.c``: ``createAlpha``, ``findAlpha``, ``linkAlpha``): a test
below a node is reused when a rule makes the same test at the same place; ``$and`` chains its
items; ``$or`` makes a new join node (a ``$nex`` on no property, so it is always pushed) below
the last node of each item; ``$iany``/``$iall`` always make a new node.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_STACK_SIZE = 64
NEXT_BUCKET_LENGTH = 512
NEXT_LIST_LENGTH = 128
BETA_LIST_LENGTH = 256
MAX_ACTIONS = 4096

# Tests kept below one node: under NEXT_BUCKET_LENGTH, where a full table hangs the engine.
MAX_TESTS_PER_NODE = 500
_ARRAY_OPS = ("$iany", "$iall")
_EQ = "$eq"


@dataclass(eq=False)
class _Alpha:
    tests: dict[tuple[str, str, str], _Alpha] = field(default_factory=dict)
    nex: dict[tuple[str, str, str] | int, _Alpha] = field(default_factory=dict)
    rules_ending_here: int = 0

    def children(self) -> list[_Alpha]:
        return [*self.tests.values(), *self.nex.values()]

    def pushes(self) -> int:
        """Most children one visit can push: equality tests of one property on different
        texts exclude each other (a fact holds one value), every other test may hold."""
        exclusive = {prop for prop, op, value in self.tests if op == _EQ and value[:1] == '"'}
        others = sum(1 for _, op, value in self.tests if not (op == _EQ and value[:1] == '"'))
        return len(exclusive) + others + len(self.nex)


class AlphaNetwork:
    """The alpha network durable_rules builds for a set of rules, reduced to what its fixed
    tables count. ``problem()`` says which limit the rules added so far would exceed."""

    def __init__(self) -> None:
        self.root = _Alpha()
        self.rules = 0
        self._unique = 0

    def add(self, condition: dict) -> None:
        """Add a rule whose ``m`` expression is ``condition`` (kvrules' compiled form)."""
        self._chain(self.root, condition).rules_ending_here += 1
        self.rules += 1

    def _new_key(self) -> int:
        self._unique += 1
        return self._unique

    def _chain(self, parent: _Alpha, expr: dict) -> _Alpha:
        """Build ``expr`` below ``parent`` like ``createAlpha``; the node the rule goes on from."""
        ((op, body),) = expr.items()
        if op == "$and":
            node = parent
            for item in body:
                node = self._chain(node, item)
            return node
        if op == "$or":
            join = _Alpha()  # a fresh join node, below the end of every alternative
            key = self._new_key()
            for item in body:
                self._chain(parent, item).nex[key] = join
            return join
        if op in _ARRAY_OPS:  # never shared; its inner test is matched inside the array
            node = parent.tests[(next(iter(body)), op, f"#{self._new_key()}")] = _Alpha()
            return node
        if op.startswith("$"):
            ((prop, value),) = body.items()
        else:
            op, prop, value = _EQ, op, body
        key = (prop, op, json.dumps(value))
        table = parent.nex if op == "$nex" else parent.tests
        return table.setdefault(key, _Alpha())

    def problem(self) -> str | None:
        """The first durable_rules limit these rules exceed, in words; None when none is."""
        if self.rules > MAX_ACTIONS:
            return f"more than {MAX_ACTIONS} rules in one ruleset"
        for node in self._nodes():
            if len(node.tests) > MAX_TESTS_PER_NODE:
                return (
                    f"{len(node.tests)} tests branch from one point (at most {MAX_TESTS_PER_NODE})"
                )
            if len(node.nex) > NEXT_LIST_LENGTH:
                return (
                    f"{len(node.nex)} 'missing' tests or 'or' joins below one point "
                    f"(at most {NEXT_LIST_LENGTH})"
                )
            if node.rules_ending_here > BETA_LIST_LENGTH:
                return (
                    f"{node.rules_ending_here} rules with the same condition "
                    f"(at most {BETA_LIST_LENGTH})"
                )
        stack = self.stack_peak()
        if stack > MAX_STACK_SIZE:
            return f"matching may need {stack} entries of the engine's {MAX_STACK_SIZE}-entry stack"
        return None

    def stack_peak(self, memo: dict[int, int] | None = None) -> int:
        """The most entries the match stack can hold for any fact (every test assumed to hold,
        except equalities that exclude each other): visiting a node pushes its children, and
        each child is then visited above the siblings still waiting."""
        memo = {} if memo is None else memo
        todo: list[tuple[_Alpha, bool]] = [(self.root, False)]
        while todo:  # children before parents, without recursion (conditions nest deeply)
            node, children_done = todo.pop()
            if id(node) in memo:
                continue
            if not children_done:
                todo.append((node, True))
                todo.extend((c, False) for c in node.children() if id(c) not in memo)
                continue
            pushes = node.pushes()
            deepest = max((memo[id(c)] for c in node.children()), default=0)
            memo[id(node)] = max(pushes, pushes - 1 + deepest) if pushes else 0
        return memo[id(self.root)]

    def _nodes(self):
        seen, todo = set(), [self.root]
        while todo:
            node = todo.pop()
            if id(node) not in seen:
                seen.add(id(node))
                yield node
                todo.extend(node.children())


def fits(conditions: list[dict[str, Any]]) -> str | None:
    """Whether rules with these ``m`` expressions fit one ruleset: None, or the reason not."""
    network = AlphaNetwork()
    for condition in conditions:
        network.add(condition)
    return network.problem()
