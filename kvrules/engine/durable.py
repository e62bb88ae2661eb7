"""The only module that talks to durable_rules: one private Host, facts asserted and retracted.

Why facts: a posted event is consumed by the first matching rule; an asserted fact fires every
matching rule. Each view is asserted under an engine-owned unique ``id`` (user data can never
collide with it, nor with ``sid``), actions only record which rule fired, and the fact is
retracted at once, so engine state never grows. Errors raised in actions, which durable_rules
would swallow into its state, are re-raised to the caller.
"""

from __future__ import annotations

import copy
import itertools
import threading

import durable.engine
import durable_rules_engine

from kvrules.engine.compiler import Program

MAX_KEYS = 240  # durable_rules fails at 253 flattened keys per message (error 302)


class EngineError(RuntimeError):
    """durable_rules failed or misbehaved; the message says what and for which ruleset."""


class _Host(durable.engine.Host):
    """One per process: every Host runs two polling threads forever, so we share one."""

    registering: DurableEngine | None = None

    def get_action(self, action_name: str):
        sink = self.registering
        assert sink is not None

        def action(c) -> None:  # a plain one-argument closure: durable checks co_argcount
            try:
                sink.on_fire(action_name, c.m["id"])
            except BaseException as exc:  # durable would swallow it; hand it to the caller
                sink.errors.append(exc)

        return action


_HOST: _Host | None = None
_REGISTER = threading.Lock()
_FIRE = threading.Lock()
_INSTANCES = itertools.count(1)


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
        self.errors: list[BaseException] = []
        self._fired: list[str] = []
        self._current: str | None = None
        self._ids = itertools.count(1)
        self._host = _shared_host()
        instance = next(_INSTANCES)
        self._names = [f"{name}#{instance}" for name in program.ruleset_names()]
        with _REGISTER:
            self._host.registering = self
            try:
                for name, shard in zip(self._names, program.shards, strict=True):
                    # set_rulesets pops "run" from the dict it is given: hand it a copy.
                    self._host.set_rulesets({name: copy.deepcopy(shard)})
            finally:
                self._host.registering = None
        self._routes: dict[str, list[str]] = {}

    def close(self) -> None:
        """Free this engine's rulesets (durable_rules has no public API for it)."""
        with _REGISTER:
            for name in self._names:
                ruleset = self._host._ruleset_directory.pop(name, None)
                if ruleset is not None:
                    self._host._ruleset_list.remove(ruleset)
                    durable_rules_engine.delete_ruleset(ruleset._handle)
            self._names = []
            self._routes = {}

    def __enter__(self) -> DurableEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def on_fire(self, rule_key: str, fact_id: str) -> None:
        if fact_id != self._current:
            raise EngineError(f"action for fact {fact_id} ran while {self._current} was current")
        self._fired.append(rule_key)

    def _rulesets_for(self, kind: str) -> list[str]:
        names = self._routes.get(kind)
        if names is None:
            names = self._routes[kind] = [
                n
                for n, kinds in zip(self._names, self.program.shard_kinds, strict=True)
                if kind in kinds
            ]
        return names

    def fire(self, view: dict) -> list[str]:
        """Assert ``view`` as a fact in every relevant ruleset, collect what fired, retract."""
        if "id" in view or "sid" in view:
            raise EngineError("views must not carry the engine's reserved keys id/sid")
        names = self._rulesets_for(view.get("kind", ""))
        if not names:
            return []
        with _FIRE:  # actions must run inside our assert, for our fact
            fact = {**view, "id": f"kvr{next(self._ids)}", "sid": "0"}
            self._current, self._fired = fact["id"], []
            try:
                for name in names:
                    self._assert_retract(name, fact)
            finally:
                self._current = None
            if self.errors:
                errors, self.errors = self.errors, []
                raise EngineError(f"rule action failed: {errors[0]!r}") from errors[0]
            # A rule whose `or` holds on several branches fires once per branch: keep one.
            return list(dict.fromkeys(self._fired))

    def _assert_retract(self, name: str, fact: dict) -> None:
        try:
            self._host.assert_fact(name, fact)
        except durable.engine.MessageNotHandledException:
            return  # no rule matched: nothing stored, nothing to retract
        except durable.engine.MessageObservedException:
            raise EngineError(f"{name}: fact {fact['id']} reported as already seen") from None
        except Exception as exc:
            raise EngineError(f"{name}: durable_rules error: {exc}") from exc
        self._host.retract_fact(name, fact)
