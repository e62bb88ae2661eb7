"""The regex subset rules may use, translated to durable_rules' Lua-like dialect.

durable_rules matches with its own DFA (linear time, no backtracking, so no regex-DoS), whose
syntax differs from Python's: ``%`` escapes, ``%d``/``%w`` classes, and no anchors (a pattern
always matches the whole value). We accept a Python-looking subset with exactly the meaning both
evaluators give it, and return the pattern twice: for the engine and for the Python oracle.

Supported: literal characters (any script), ``.``, ``* + ?``, ``{m}``, ``{m,n}``, ``|``,
``( )``, classes ``[abc]``, ``[a-z]``, ``[^…]``, ``\\d`` (ASCII digit), ``\\w`` (ASCII letter or
digit — no underscore), and ``\\`` before punctuation for the literal character.
"""

from __future__ import annotations

import re

MAX_PATTERN = 200


class RegexError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_CLASSES = {"d": ("%d", "[0-9]", "0-9"), "w": ("%w", "[A-Za-z0-9]", "A-Za-z0-9")}


def _class(pattern: str, i: int) -> tuple[str, str, int]:
    """Translate a ``[...]`` class starting at ``pattern[i] == '['``."""
    start, i = i, i + 1
    engine, oracle = "[", "["
    if i < len(pattern) and pattern[i] == "^":
        engine, oracle, i = "[^", "[^", i + 1
    members = 0
    while i < len(pattern) and pattern[i] != "]":
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in _CLASSES:
            e, _, o = _CLASSES[pattern[i + 1]]
            engine, oracle, i = engine + e, oracle + o, i + 2
        elif ch == "-" and members and i + 1 < len(pattern) and pattern[i + 1] != "]":
            engine, oracle, i = engine + "-", oracle + "-", i + 1
        elif ch.isalnum() or ch == " " or ord(ch) > 127:
            engine, oracle, i = engine + ch, oracle + ch, i + 1
        else:
            raise RegexError(f"'{ch}' is not allowed inside [...] (letters, digits, spaces, "
                             "ranges, \\d and \\w only)", i)
        members += 1
    if i >= len(pattern):
        raise RegexError("unclosed '['", start)
    if not members:
        raise RegexError("empty class '[]'", start)
    return engine + "]", oracle + "]", i + 1


def to_engine(pattern: str) -> tuple[str, str]:
    """Validate ``pattern``; return (engine pattern, Python pattern). Raise RegexError."""
    if not pattern:
        raise RegexError("empty pattern", 0)
    if len(pattern) > MAX_PATTERN:
        raise RegexError(f"pattern longer than {MAX_PATTERN} characters", MAX_PATTERN)
    engine: list[str] = []
    oracle: list[str] = []
    depth, i, quantifiable = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
            if nxt in _CLASSES:
                e, o, _ = _CLASSES[nxt]
            elif nxt and not nxt.isalnum() and nxt.isascii() and nxt != " ":
                e, o = "%" + nxt, re.escape(nxt)
            else:
                raise RegexError(f"unsupported escape '\\{nxt}' (\\d, \\w or \\ before "
                                 "punctuation)", i)
            engine.append(e)
            oracle.append(o)
            i, quantifiable = i + 2, True
        elif ch == "[":
            e, o, i = _class(pattern, i)
            engine.append(e)
            oracle.append(o)
            quantifiable = True
        elif ch in "*+?":
            if not quantifiable:
                raise RegexError(f"'{ch}' has nothing to repeat", i)
            if i + 1 < len(pattern) and pattern[i + 1] in "*+?":
                raise RegexError("lazy or stacked repetition is not supported", i + 1)
            engine.append(ch)
            oracle.append(ch)
            i, quantifiable = i + 1, False
        elif ch == "{":
            m = re.match(r"\{(\d{1,2})(,(\d{1,2}))?\}", pattern[i:])
            if not m or not quantifiable:
                raise RegexError("use {m} or {m,n} after something to repeat", i)
            if m.group(3) is not None and int(m.group(3)) < int(m.group(1)):
                raise RegexError("in {m,n}, n must be at least m", i)
            engine.append(m.group(0))
            oracle.append(m.group(0))
            i, quantifiable = i + len(m.group(0)), False
        elif ch == "(":
            if pattern.startswith("(?", i):
                raise RegexError("'(?…)' groups are not supported", i)
            depth += 1
            engine.append(ch)
            oracle.append(ch)
            i, quantifiable = i + 1, False
        elif ch == ")":
            if depth == 0:
                raise RegexError("unbalanced ')'", i)
            if pattern[i - 1] in "(|":
                raise RegexError("empty group or alternative", i)
            depth -= 1
            engine.append(ch)
            oracle.append(ch)
            i, quantifiable = i + 1, True
        elif ch == "|":
            if i == 0 or pattern[i - 1] in "(|" or i + 1 == len(pattern) or pattern[i + 1] == ")":
                raise RegexError("empty alternative around '|'", i)
            engine.append(ch)
            oracle.append(ch)
            i, quantifiable = i + 1, False
        elif ch in "^$":
            raise RegexError(f"'{ch}': patterns always match the whole value; anchors are "
                             "implicit (use .* for 'contains')", i)
        elif ch == ".":
            engine.append(ch)
            oracle.append(ch)
            i, quantifiable = i + 1, True
        elif ch in "]}":
            raise RegexError(f"unbalanced '{ch}'", i)
        else:
            engine.append("%%" if ch == "%" else ch)
            oracle.append(re.escape(ch))
            i, quantifiable = i + 1, True
    if depth:
        raise RegexError("unclosed '('", len(pattern))
    return "".join(engine), "".join(oracle)
