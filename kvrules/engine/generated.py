"""One generated function: its source lines and the namespace its names are bound in.

The engine generates code per ruleset for speed (``projection.py``, ``makers.py``). Rulebooks
never execute code (SECURITY.md): the source holds only names made here (``_c3``, ``_k12`` …)
and fixed Python syntax; every value that comes from a rulebook or the field catalogue reaches
the function only through ``bind``, as an object in the namespace, never as text in its source.
This module is the one place such source is compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class GeneratedFunction:
    """The lines of one generated function and the namespace its names are bound in."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.lines: list[str] = []
        self.namespace = dict(namespace)
        self._count = 0

    def bind(self, value: Any, prefix: str = "c") -> str:
        """A fresh generated name for ``value`` in the namespace (the only way a value from a
        rulebook or the catalogue reaches the function)."""
        self._count += 1
        name = f"_{prefix}{self._count}"
        self.namespace[name] = value
        return name

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def compile(self, name: str, label: str) -> Callable[..., Any]:
        """The function ``name`` the lines define, its source kept on it as ``.source`` (for
        tests and the curious); ``label`` names the code in tracebacks."""
        source = "\n".join(self.lines)
        exec(compile(source, f"<kvrules {label}>", "exec"), self.namespace)  # bound names only
        function = self.namespace[name]
        function.source = source
        return function
