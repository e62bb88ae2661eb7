"""The engine: rulebooks (IR) compiled to durable_rules rulesets, evaluated and explained.

Loading for use goes through here, so that every rule is also checked against what the engine
can run (reported at file:line:col like the language's own checks)::

    books, problems = load_rulebooks(["rulebooks/"], overrides, readable_attributes)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kvrules.engine.compiler import check_rule
from kvrules.rulebook import ir
from kvrules.rulebook.discovery import load_all
from kvrules.rulebook.loader import Diagnostic
from kvrules.rulebook.loader import load_rulebook as _load_rulebook

__all__ = ["check_rule", "load_rulebook", "load_rulebooks"]


def load_rulebook(
    path: str | Path,
    vars_override: Mapping[str, Any] | None = None,
    readable_attributes: Iterable[str] = (),
) -> ir.Rulebook:
    """One rulebook file, checked by the language and by the engine (RulebookError)."""
    return _load_rulebook(path, vars_override, readable_attributes, check_rule)


def load_rulebooks(
    paths: Iterable[str | Path],
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    readable_attributes: Iterable[str] = (),
) -> tuple[list[ir.Rulebook], list[Diagnostic]]:
    """Rulebook files and folders ([] → the shipped ones), checked by the language and by the
    engine; every problem comes back as a diagnostic."""
    return load_all(paths, overrides, tuple(readable_attributes), check_rule)
