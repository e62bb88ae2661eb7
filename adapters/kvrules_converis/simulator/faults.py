"""Fault injection, by seeded rate or by script, like the Pure simulator's.

Kinds:
  429       Too Many Requests with Retry-After (DefaultResponse body)
  500, 503  DefaultResponse body
  502       an HTML page, as a reverse proxy would send it
  slow      answered normally after `slow_seconds`
  reset     the connection is closed with a TCP RST, no response
  truncate  the request is handled (a PUT is applied!) and the JSON body is cut in half,
            with a matching Content-Length

Faults are decided before the request is handled, so a failed write changes nothing
(except `truncate`, on purpose).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from random import Random

KINDS = ("429", "500", "502", "503", "slow", "reset", "truncate")


@dataclass
class ScriptRule:
    method: str  # "GET", "PUT", ... or "*"
    nth: int  # 1-based: the nth matching request fails
    kind: str
    times: int = 1
    path: re.Pattern[str] | None = None
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        return self.path is None or bool(self.path.search(path))


@dataclass
class InjectedFault:
    method: str
    path: str
    kind: str


@dataclass
class Faults:
    """Thread-safe fault switchboard shared by all request threads."""

    rate: float = 0.0
    kinds: tuple[str, ...] = ("429", "500", "502", "503", "reset", "truncate")
    seed: int = 0
    retry_after: int = 1
    slow_seconds: float = 0.5
    injected: list[InjectedFault] = field(default_factory=list)
    _rules: list[ScriptRule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: Random | None = None

    def script(
        self,
        method: str = "*",
        nth: int = 1,
        kind: str = "503",
        *,
        times: int = 1,
        path: str | None = None,
    ) -> ScriptRule:
        """The nth matching request (counted from now) fails with `kind`; `path` is a regex."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        if nth < 1 or times < 1:
            raise ValueError("nth and times must be >= 1")
        rule = ScriptRule(method.upper(), nth, kind, times, re.compile(path) if path else None)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self.rate = 0.0
            self.injected.clear()

    def decide(self, method: str, path: str) -> str | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.seen += 1
                    if rule.nth <= rule.seen < rule.nth + rule.times:
                        return self._note(method, path, rule.kind)
            if self.rate > 0:
                if self._rng is None:
                    self._rng = Random(self.seed)
                if self._rng.random() < self.rate:
                    return self._note(method, path, self._rng.choice(self.kinds))
        return None

    def _note(self, method: str, path: str, kind: str) -> str:
        self.injected.append(InjectedFault(method, path, kind))
        return kind


def parse_script(spec: str) -> tuple[str, int, str, int]:
    """CLI form METHOD:NTH:KIND[:TIMES], e.g. "PUT:1:503"."""
    parts = spec.split(":")
    if len(parts) not in (3, 4):
        raise ValueError(f"fault script {spec!r}: expected METHOD:NTH:KIND[:TIMES]")
    return parts[0], int(parts[1]), parts[2], int(parts[3]) if len(parts) == 4 else 1
