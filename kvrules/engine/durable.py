"""The only module that talks to durable_rules: facts asserted, actions collected, retracted.

- Facts, not events: a posted event is consumed by the first matching rule; an asserted fact
  fires every matching rule. Each view is asserted under an engine-owned unique ``id`` (user data
  never collides with it, nor with ``sid``) and retracted at once, so engine state never grows.
- kvrules drives the rule engine's C core directly (the calls durable's own ``Ruleset`` makes):
  assert, take the pending actions, note each rule's name, complete the action, retract. No
  Python action ever runs, so none can throw into durable_rules' state where it would be
  swallowed, and there is no per-action JSON round trip of the state.
- durable's ``Host`` starts two polling threads that may run pending actions on another thread;
  kvrules uses neither timers nor deferred actions, so its host starts none. Anything that still
  reaches a Python action (someone using the Host API on our rulesets) is recorded and raised
  by the next ``fire``.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import secrets
import sys
import threading
from collections.abc import Sequence

import durable.engine
import durable_rules_engine as core
from durable_rules_engine import assert_fact, assert_facts, retract_fact, retract_facts
from pydantic_core import PydanticSerializationError, to_json

from kvrules.engine.compiler import Program
from kvrules.errors import KvrulesError

MAX_KEYS = 240  # durable_rules fails at 253 flattened keys per message (error 302)
_OK, _NOT_HANDLED, _OBSERVED, _DEFERRED = 0, 1, 2, 3


class EngineError(KvrulesError, RuntimeError):
    """durable_rules failed or misbehaved; the message says what and for which ruleset."""


# durable's C JSON reader rejects an exponent without a fraction ("1e-07", "1e+16": error 204),
# which is how Python writes floats below 1e-4 or from 1e16. Such values are written "1.0e-07".
_SMALL, _LARGE = 1e-4, 1e16
PLAIN_FLOATS = (_SMALL, _LARGE)  # a float x with x == 0 or _SMALL <= abs(x) < _LARGE is safe
_MARK = f"kvrules-number-{secrets.token_hex(8)}-"  # unguessable: record text cannot forge it


# In a number, or in text (then the careful path is a no-op). JSON has no infinity or NaN:
# json.dumps writes them as Infinity/NaN, which durable's reader rejects too. Plain substring
# tests, spelt out: several times cheaper than a regular expression over every fact, and than
# any() over a generator of them.


def _dumps(fact: object) -> str:
    """JSON as durable_rules' own Host API writes it (``ensure_ascii=False``: the C core
    compares strings as written, and it is given the rulesets' literals unescaped, so a fact
    with "Ünïcode" escaped never matched a rule naming it), compact (fewer bytes to read)."""
    return json.dumps(fact, ensure_ascii=False, separators=(",", ":"))


def _plain_json(fact: dict) -> str:
    """``_dumps(fact)``, byte for byte, for a fact without a float outside ``PLAIN_FLOATS``,
    written by pydantic-core in Rust: 2.1 µs per bench fact against 6.5 for ``json.dumps``
    (bench/engine.py's facts, same process). Its text is ``json.dumps``' on every code point
    and every such number (tests/test_engine_facts.py); it refuses lone surrogates (which the
    model refuses too), which go to ``json.dumps``."""
    try:
        return to_json(fact).decode()
    except PydanticSerializationError:
        return _dumps(fact)


def fact_json(fact: dict, odd: bool | None = None) -> str:
    """``fact`` as compact JSON durable_rules reads back to the same numbers. ``odd``: whether
    the fact holds a float outside ``PLAIN_FLOATS``, if the caller knows (else its JSON is
    searched for one)."""
    if odd is False:
        return _plain_json(fact)
    text = _dumps(fact)
    if not odd and not ("e-" in text or "e+" in text or "Infinity" in text or "NaN" in text):
        return text  # the common case: one C-speed dump, no walk
    numbers: list[str] = []  # the rewritten numbers, in the order their marks were placed

    def mark(value: object) -> object:
        if type(value) is float and value and not _SMALL <= abs(value) < _LARGE:
            if math.isnan(value):  # the model refuses NaN; should one slip through, say so
                raise EngineError("a fact holds a number that is not a number (NaN)")
            if math.isinf(value):  # a decimal beyond float (an amount of 1E+400): the largest
                value = math.copysign(sys.float_info.max, value)  # float compares the same way
            mantissa, _, exponent = repr(value).partition("e")
            if exponent and "." not in mantissa:
                numbers.append(f"{mantissa}.0e{exponent}")
                return f"{_MARK}{len(numbers) - 1}"
        elif isinstance(value, list):
            return [mark(v) for v in value]
        elif isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        return value

    text = _dumps(mark(fact))
    for i, number in enumerate(numbers):
        text = text.replace(f'"{_MARK}{i}"', number, 1)
    return text


class _Host(durable.engine.Host):
    """The registry of rulesets, shared by the process, without durable's polling threads."""

    def _run(self) -> None:
        pass  # no dispatch/timer threads: actions are taken synchronously by DurableEngine

    def get_action(self, action_name: str):
        def action(c) -> None:  # a plain one-argument closure: durable checks co_argcount
            _STRAY.append(f"durable_rules ran action {action_name} outside kvrules' driver")

        return action


_HOST: _Host | None = None
_REGISTER = threading.Lock()
_FIRE = threading.Lock()  # the C core is not re-entrant per ruleset; keep calls serial
_INSTANCES = itertools.count(1)
_STRAY: list[str] = []


def _shared_host() -> _Host:
    global _HOST
    with _REGISTER:
        if _HOST is None:
            _HOST = _Host()
        return _HOST


class DurableEngine:
    """Evaluates projected views against a compiled program; returns the rule keys that fired."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._ids = itertools.count(1)
        self._host = _shared_host()
        instance = next(_INSTANCES)
        self._names = [f"{name}#{instance}" for name in program.ruleset_names()]
        with _REGISTER:
            for name, shard in zip(self._names, program.shards, strict=True):
                # set_rulesets pops "run" from the dict it is given: hand it a copy.
                self._host.set_rulesets({name: copy.deepcopy(shard)})
        self._handles = [self._host.get_ruleset(name)._handle for name in self._names]
        self._routes: dict[str, list[tuple[str, int]]] = {}

    def close(self) -> None:
        """Free this engine's rulesets (durable_rules has no public API for it)."""
        with _REGISTER:
            for name in self._names:
                ruleset = self._host._ruleset_directory.pop(name, None)
                if ruleset is not None:
                    self._host._ruleset_list.remove(ruleset)
                    core.delete_ruleset(ruleset._handle)
            self._names, self._handles, self._routes = [], [], {}

    def __enter__(self) -> DurableEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rulesets_for(self, kind: str) -> list[tuple[str, int]]:
        routes = self._routes.get(kind)
        if routes is None:
            routes = self._routes[kind] = [
                (name, handle)
                for name, handle, kinds in zip(
                    self._names, self._handles, self.program.shard_kinds, strict=True
                )
                if kind in kinds
            ]
        return routes

    def _fact(self, view: dict, odd: bool | None) -> str:
        """``view`` as the JSON text of a fact under a new engine-owned id (the caller has
        checked that the view holds neither reserved key: ``_check_view``)."""
        fact_id = f"kvr{next(self._ids)}"
        if odd is False and view:  # the common case: ``fact_json(fact, False)``, inline
            try:
                # The text ``to_json({**view, "id": …, "sid": "0"})`` writes (the reserved keys
                # after the view's own), without copying the view into a new dict first.
                return f'{to_json(view)[:-1].decode()},"id":"{fact_id}","sid":"0"}}'
            except PydanticSerializationError:
                pass
        fact = {**view, "id": fact_id, "sid": "0"}
        return _dumps(fact) if odd is False else fact_json(fact, odd)

    def fire_each(
        self, views: Sequence[dict], odd: Sequence[bool | None] | None = None
    ) -> list[list[str]]:
        """``[self.fire(view, o) for view, o in zip(views, odd)]``, as ``fire_each_repeating``
        does it."""
        fired = self.fire_each_repeating(views, odd)
        # A rule whose `or` holds on several branches fires once per branch: keep one.
        return [keys if len(keys) < 2 else list(dict.fromkeys(keys)) for keys in fired]

    def fire_each_repeating(
        self, views: Sequence[dict], odd: Sequence[bool | None] | None = None
    ) -> list[list[str]]:
        """``[self.fire_repeating(view, o) for view, o in zip(views, odd)]`` (a rule whose
        ``or`` holds on several branches named once per branch: for a caller that makes a set
        of the keys anyway, as ``Evaluator.evaluate_each`` does), with one call into the C core
        per ruleset for the views of each event kind that has several rulesets (``assert_facts``
        of them all, every action taken and credited to its fact by the fact's id, one
        ``retract_facts``): with many rules per kind, and so many rulesets, the calls saved
        pay (1,000 rules, batches of 10: 7.5% less time end to end)."""
        odd = odd if odd is not None else [None] * len(views)
        for view in views:
            _check_view(view)
        facts = [self._fact(view, o) for view, o in zip(views, odd, strict=True)]
        fired: list[list[str]] = [[] for _ in views]
        by_kind: dict[str, list[int]] = {}
        for i, view in enumerate(views):
            by_kind.setdefault(view.get("kind", ""), []).append(i)
        with _FIRE:
            self._raise_stray()
            for kind, members in by_kind.items():
                routes = self._routes.get(kind) or self._rulesets_for(kind)
                if not routes:
                    continue
                if len(members) == 1 or len(routes) == 1:
                    # One ruleset saves no call worth crediting actions by id (measured: at
                    # 60 rules, one ruleset per kind, a batch call was no faster).
                    for i in members:
                        self._fire_fact(routes, facts[i], fired[i])
                    continue
                # A fact's id names it in the actions: its place in the batch, read back.
                place = {_fact_id(facts[i]): fired[i] for i in members}
                array = f"[{','.join([facts[i] for i in members])}]"
                for name, handle in routes:
                    try:
                        code, state = assert_facts(handle, array)
                        if code:  # _check lets "no rule matched" pass
                            _check(name, code)
                        _take_actions_each(handle, state, place)
                        code, state = retract_facts(handle, array)
                        if code:  # _check lets "no rule matched" pass
                            _check(name, code)
                        _take_actions(handle, state, [])
                    except EngineError:
                        raise
                    except Exception as exc:  # the core raises its own error type with a code
                        raise EngineError(f"{name}: durable_rules error: {exc}") from exc
        return fired

    def fire(self, view: dict, odd: bool | None = None) -> list[str]:
        """Assert ``view`` as a fact in every relevant ruleset, collect what fired, retract.
        ``odd``: whether ``view`` holds a float outside ``PLAIN_FLOATS``, if the caller knows
        (``CompiledProjection.odd_numbers``); else the fact's JSON is searched for one."""
        fired = self.fire_repeating(view, odd)
        # A rule whose `or` holds on several branches fires once per branch: keep one.
        return fired if len(fired) < 2 else list(dict.fromkeys(fired))

    def fire_repeating(self, view: dict, odd: bool | None = None) -> list[str]:
        """``fire``, but a rule whose ``or`` holds on several branches is named once per
        branch, in the order the core took the actions: for a caller that makes a set of the
        keys anyway (``Evaluator.explain`` sorts them by rank: 0.2 µs per bench event saved).
        ``_check_view`` and ``_fire_fact``, written out: this runs once per event, and the
        bare C-core loop it is measured against (bench/engine.py) has neither frame."""
        if "id" in view or "sid" in view:
            _check_view(view)  # raises
        kind = view.get("kind", "")
        routes = self._routes.get(kind) or self._rulesets_for(kind)
        if not routes:
            return []
        fact = self._fact(view, odd)
        fired: list[str] = []
        with _FIRE:
            if _STRAY:
                self._raise_stray()
            for name, handle in routes:
                try:
                    code, state = assert_fact(handle, fact)
                    if code == _NOT_HANDLED:
                        continue  # no rule matched: nothing stored, nothing to retract
                    if code:
                        _check(name, code)
                    _take_actions(handle, state, fired)
                    code, state = retract_fact(handle, fact)
                    if code:
                        _check(name, code)
                    _take_actions(handle, state, [])
                except EngineError:
                    raise
                except Exception as exc:  # the core raises its own error type with a code
                    raise EngineError(f"{name}: durable_rules error: {exc}") from exc
        return fired

    @staticmethod
    def _raise_stray() -> None:
        """Raise if durable_rules ran a Python action on our rulesets since the last call."""
        if _STRAY:
            stray = _STRAY.pop()
            _STRAY.clear()
            raise EngineError(stray)

    @staticmethod
    def _fire_fact(routes: list[tuple[str, int]], fact: str, fired: list[str]) -> None:
        """Assert ``fact`` in each ruleset of ``routes``, note what fired, retract it."""
        for name, handle in routes:
            try:
                code, state = assert_fact(handle, fact)
                if code == _NOT_HANDLED:
                    continue  # no rule matched: nothing stored, nothing to retract
                if code:
                    _check(name, code)
                _take_actions(handle, state, fired)
                code, state = retract_fact(handle, fact)
                if code:
                    _check(name, code)
                _take_actions(handle, state, [])
            except EngineError:
                raise
            except Exception as exc:  # the core raises its own error type with a code
                raise EngineError(f"{name}: durable_rules error: {exc}") from exc


def _check_view(view: dict) -> None:
    """Raise if ``view`` holds a key the engine writes into every fact."""
    if "id" in view or "sid" in view:
        raise EngineError("views must not carry the engine's reserved keys id/sid")


def _check(name: str, code: int) -> None:
    """Raise for the result codes kvrules' protocol never expects."""
    if code == _OBSERVED:
        raise EngineError(f"{name}: fact reported as already seen (32-bit id collision?)")
    if code == _DEFERRED:
        raise EngineError(f"{name}: durable_rules deferred an action (state busy)")


# The tail of every fact's JSON text (compact): the engine-owned id, then the state id.
_ID_KEY = '"id":"'
# The same key spaced any way (the C core could echo the fact re-serialised, '"id":"kvr3"'):
# the engine's own ids only (``_fact``), so a view's nested "id" key is not taken for one.
_ID_ANY_SPACING = re.compile(r'"id"\s*:\s*"(kvr\d+)"')


def _fact_id(fact: str) -> str:
    """The engine-owned id of a fact's JSON text: the last "id" key, which ``_fact`` writes
    after the view's own keys (a quote inside a text value is escaped, so none is forged).
    ``fact_json``'s compact spacing, as the core echoes it today, is found without a regex: this
    runs once per action taken."""
    start = fact.rfind(_ID_KEY)
    if start >= 0:
        start += len(_ID_KEY)
        return fact[start : fact.index('"', start)]
    found = _ID_ANY_SPACING.findall(fact)
    if not found:
        raise EngineError(
            "durable_rules returned an action that does not name its fact's id: reinstall kvrules "
            "with the durable-rules version it pins"
        )
    return found[-1]


def _take_actions_each(handle: int, state: int, place: dict[str, list[str]]) -> None:
    """``_take_actions`` for a batch of facts: each rule noted for the fact it matched (the
    action's message holds the fact's JSON text as it was asserted, its id last but one)."""
    result = core.start_action_for_state(handle, state)
    while result:
        message = result[1]  # '{"<rule key>":{"m":<the fact's JSON text>}}'
        fact_id = _fact_id(message)
        fired = place.get(fact_id)
        if fired is None:  # an id this batch did not assert: crediting it would be a guess
            raise EngineError(f"durable_rules credited an action to {fact_id}, not in this batch")
        fired.append(message[2 : message.index('"', 2)])
        following = core.complete_and_start_action(handle, state)
        result = (None, following) if following else None


def _take_actions(handle: int, state: int, fired: list[str]) -> None:
    """Take every pending action of this state, note its rule, and complete it."""
    result = core.start_action_for_state(handle, state)
    while result:
        message = result[1]  # '{"<rule key>": <the matched fact>}'; rule keys are plain slugs
        fired.append(message[2 : message.index('"', 2)])
        following = core.complete_and_start_action(handle, state)
        result = (None, following) if following else None
