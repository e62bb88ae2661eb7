"""The rulebook schema's problems in a rulebook author's words, not pydantic's: an author
writing the institution's own rulebook from the docs reads "use lower case", not
"String should match pattern '^[a-z0-9]…'"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kvrules.errors import problem_text
from kvrules.rulebook.countries import meant_country

__all__ = ["AT_LEAST_ONE", "schema_problem"]

# what SLUG (kvrules.rulebook.schema) allows, said
_ID_RULE = (
    "an id is lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, "
    "at most 80 characters"
)
# what a list field needs at least one of, and why
AT_LEAST_ONE = {
    "rules": "a rulebook needs at least one rule under rules:, or rules of other rulebooks to "
    "turn off under disable:",
    "sources": "a rulebook needs at least one source under sources: (what its rules cite)",
    "on": "name at least one event kind",
}
_TYPES = {
    "string_type": "text",
    "list_type": "a list, e.g. [a, b]",
    "dict_type": "a mapping of names to values",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
}


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:59] + "…"


def _choices(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def schema_problem(error: Mapping[str, Any]) -> str:
    """One pydantic error of a rulebook file, in plain words (the field's name is put
    before it by the caller)."""
    kind = error.get("type", "")
    value = error.get("input")
    loc = error.get("loc", ())
    field = str(loc[-1]) if loc else ""
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        slug = re.sub(r"[^a-z0-9._-]+", "-", str(value).strip().lower()).strip("-._")[:80]
        hint = f", e.g. '{slug}'" if slug and slug != value else ""
        return f"{_shown(value)} is not a valid id: {_ID_RULE}{hint}"
    if kind == "string_too_short":
        return "must not be empty: write some text"
    if kind == "too_short":
        return AT_LEAST_ONE.get(field, "give at least one")
    if kind in ("enum", "literal_error"):
        choices = _choices(str(ctx.get("expected", "")))
        said = f"{_shown(value)} is not one of {', '.join(choices)}"
        if field == "applies_to" and isinstance(value, str) and (code := meant_country(value)):
            return f"{said}: a country goes under jurisdiction: ({code})"
        if isinstance(value, str) and value.strip().lower() in choices:
            return f"{said}: write it in lower case, '{value.strip().lower()}'"
        return said
    if kind in _TYPES:
        return f"{_shown(value)} is not {_TYPES[kind]}"
    return problem_text(error)
