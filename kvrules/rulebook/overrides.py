"""The configuration's ``rulebook_vars`` with where each entry is written, so that a mistake
in them (a rulebook id misspelt, a variable the rulebook does not define, a value a rule
cannot take, a list id nothing has) is said at the configuration file's own line:col —
where it is fixed — not at a shipped rulebook's line nobody should edit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kvrules.rulebook.yamlsource import Located

__all__ = ["PlacedOverrides", "place_of", "place_of_value"]

KEY = "rulebook_vars"


class PlacedOverrides(dict[str, dict[str, Any]]):
    """``rulebook_vars`` as a plain dict (everything that reads it is unchanged), and the
    configuration file it was read from with the positions of its keys and values."""

    def __init__(self, values: Mapping[str, dict[str, Any]], path: str, src: Located) -> None:
        super().__init__(values)
        self.path, self.src = path, src


def place_of(overrides: Mapping[str, Any], *keys: str) -> tuple[str, int, int]:
    """File, line and column of ``rulebook_vars.KEY…`` (a key, as written); ``config:1:1`` when
    the values come from no file (a caller passing its own dict)."""
    if isinstance(overrides, PlacedOverrides):
        return (overrides.path, *overrides.src.at((KEY, *keys), key=True))
    return ("config", 1, 1)


def place_of_value(
    overrides: Mapping[str, Any], rulebook: str, value: Any
) -> tuple[str, str, int, int] | None:
    """Which variable of ``rulebook_vars.RULEBOOK`` holds ``value`` in a list (``[…]`` or
    ``{add: […]}``), and where the value is written; None when none does."""
    for name, given in (overrides.get(rulebook) or {}).items():
        items, under = given, ()
        if isinstance(given, dict) and set(given) == {"add"}:
            items, under = given["add"], ("add",)
        items = items if isinstance(items, list) else [items]
        if value in items:
            at = (KEY, rulebook, name, *under, items.index(value))
            if isinstance(overrides, PlacedOverrides):
                return (name, overrides.path, *overrides.src.at(at))
            return (name, "config", 1, 1)
    return None
