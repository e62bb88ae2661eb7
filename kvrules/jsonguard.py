"""JSON from outside kvrules, parsed with a nesting limit: ``json.loads`` recurses once per
level, so ``[[[[…`` 100,000 deep raised RecursionError -- a 500 and a traceback in the web
app, "internal error" on the command line. Every place that parses JSON it did not write
calls ``loads`` here, and a document nested deeper than ``MAX_DEPTH`` is a ``JSONTooDeep``:
a ``json.JSONDecodeError`` (so the callers' "not JSON" handling says it in one line) with the
place it went too deep, as ``kvrules check`` says it for a proposal file.
"""

from __future__ import annotations

import json
from typing import Any

from kvrules.errors import KvrulesError

# As kvrules.rulebook.yamlsource and RecordLimits.max_depth: deeper than any real record.
MAX_DEPTH = 64
_OPENERS = "[{"


class JSONTooDeep(json.JSONDecodeError, KvrulesError):
    """A JSON document nested more than ``MAX_DEPTH`` levels deep."""


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether parsed ``value`` nests containers more than ``limit`` deep (iterative)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return False


def _where(text: str, limit: int) -> int:
    """The index of the bracket that opens level ``limit + 1`` (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for i, c in enumerate(text):
        if in_string:
            escaped, in_string = (False, True) if escaped else (c == "\\", c != '"')
        elif c == '"':
            in_string = True
        elif c in _OPENERS:
            depth += 1
            if depth > limit:
                return i
        elif c in "]}":
            depth -= 1
    return 0


def loads(doc: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """``json.loads(doc, **kwargs)``, refusing a document nested more than ``max_depth``
    levels deep (``JSONTooDeep``) rather than raising RecursionError."""
    text = doc if isinstance(doc, str) else None
    # Few brackets cannot nest deep: most documents skip the walk (str.count runs in C).
    if text is not None and sum(text.count(c) for c in _OPENERS) <= max_depth:
        return json.loads(doc, **kwargs)
    try:
        value = json.loads(doc, **kwargs)
    except RecursionError:
        too_deep = True
    else:
        too_deep = _deeper_than(value, max_depth)
    if not too_deep:
        return value
    if text is None:
        text = bytes(doc).decode("utf-8", "replace")
    raise JSONTooDeep(f"nested more than {max_depth} levels deep", text, _where(text, max_depth))


parse_untrusted_json = loads  # its name in kvrules' public API (adapters, plugins)
