"""The regex subset rules may use, matched with RE2 (linear time: no regex-DoS).

Not durable_rules' own ``$mt``: its DFA gives wrong answers — the differential test found
``.*i?ng.*`` failing on "Tsinghua University" (see tests/test_durable_canaries.py). kvrules
evaluates patterns with RE2 while projecting an event and hands the engine a boolean per
(field, pattern); the oracle runs RE2 on the value itself.

A pattern matches the whole value. Supported: literal characters (any script), ``.``,
``* + ?``, ``{m}``, ``{m,n}`` (counts up to 1,000, nested counts multiplied), ``|``, ``( )``,
classes ``[abc]``, ``[a-z]``, ``[^…]``, ``\\d`` ``\\w`` ``\\s`` (ASCII), and ``\\`` before
punctuation for the literal character.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache

import re2

from kvrules.errors import KvrulesError

MAX_PATTERN = 200
# RE2's own bound on a repetition count, nested ones multiplied; it keeps the compiled program
# (and so the linear matching time per character) small.
MAX_REPEAT = 1000
_ADVICE = f"{MAX_REPEAT:,} times, the most RE2 matches: use smaller counts, or + or *"
_TOO_MANY = "{count} repeats more than " + _ADVICE
_NESTED = "{count} multiplies the counts inside it to more than " + _ADVICE
_CLASS_ESCAPES = set("dws")


class RegexError(KvrulesError, ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _class(pattern: str, i: int) -> tuple[str, int]:
    """Check a ``[...]`` class starting at ``pattern[i] == '['``; return it and the next index."""
    start, i = i, i + 1
    out = "["
    if i < len(pattern) and pattern[i] == "^":
        out, i = "[^", i + 1
    members = 0
    while i < len(pattern) and pattern[i] != "]":
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in _CLASS_ESCAPES:
            out, i = out + pattern[i : i + 2], i + 2
        elif ch == "-" and members and i + 1 < len(pattern) and pattern[i + 1] != "]":
            out, i = out + "-", i + 1
        elif ch.isalnum() or ch == " " or ord(ch) > 127:
            out, i = out + ch, i + 1
        else:
            raise RegexError(
                f"'{ch}' is not allowed inside [...] (letters, digits, spaces, "
                "ranges, \\d \\w \\s only)",
                i,
            )
        members += 1
    if i >= len(pattern):
        raise RegexError("unclosed '['", start)
    if not members:
        raise RegexError("empty class '[]'", start)
    return out + "]", i + 1


def translate(pattern: str) -> str:
    """Validate a rule's pattern and return it in RE2 syntax; raise RegexError."""
    if not pattern:
        raise RegexError("empty pattern", 0)
    if len(pattern) > MAX_PATTERN:
        raise RegexError(f"pattern longer than {MAX_PATTERN} characters", MAX_PATTERN)
    out: list[str] = []
    depth, i, quantifiable = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        token, step, quantifiable_after = ch, 1, True
        if ch == "\\":
            nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
            if nxt in _CLASS_ESCAPES:
                token = "\\" + nxt
            elif nxt and not nxt.isalnum() and nxt.isascii() and nxt != " ":
                token = re.escape(nxt)
            else:
                raise RegexError(
                    f"unsupported escape '\\{nxt}' (\\d, \\w, \\s or \\ before punctuation)", i
                )
            step = 2
        elif ch == "[":
            token, end = _class(pattern, i)
            step = end - i
        elif ch in "*+?":
            if not quantifiable:
                raise RegexError(f"'{ch}' has nothing to repeat", i)
            if i + 1 < len(pattern) and pattern[i + 1] in "*+?":
                raise RegexError("lazy or stacked repetition is not supported", i + 1)
            quantifiable_after = False
        elif ch == "{":
            m = re.match(r"\{(\d+)(,(\d+))?\}", pattern[i:])
            if not m or not quantifiable:
                raise RegexError("use {m} or {m,n} after something to repeat", i)
            if max(int(n) for n in m.group(1, 3) if n is not None) > MAX_REPEAT:
                raise RegexError(_TOO_MANY.format(count=m.group(0)), i)
            if m.group(3) is not None and int(m.group(3)) < int(m.group(1)):
                raise RegexError("in {m,n}, n must be at least m", i)
            token, step, quantifiable_after = m.group(0), len(m.group(0)), False
        elif ch == "(":
            if pattern.startswith("(?", i):
                raise RegexError("'(?…)' groups are not supported", i)
            depth += 1
            quantifiable_after = False
        elif ch == ")":
            if depth == 0:
                raise RegexError("unbalanced ')'", i)
            if pattern[i - 1] in "(|":
                raise RegexError("empty group or alternative", i)
            depth -= 1
        elif ch == "|":
            if i == 0 or pattern[i - 1] in "(|" or i + 1 == len(pattern) or pattern[i + 1] == ")":
                raise RegexError("empty alternative around '|'", i)
            quantifiable_after = False
        elif ch in "^$":
            raise RegexError(
                f"'{ch}': patterns always match the whole value; anchors are "
                "implicit (use .* for 'contains')",
                i,
            )
        elif ch in "]}":
            raise RegexError(f"unbalanced '{ch}'", i)
        elif ch != ".":
            token = re.escape(ch)
        out.append(token)
        i, quantifiable = i + step, quantifiable_after
    if depth:
        raise RegexError("unclosed '('", len(pattern))
    translated = "".join(out)
    try:  # RE2 bounds nested repetition ((a{99}){99}): fail at load time, not mid-scan
        compiled(translated)
    except re2.error as e:
        reason = e.args[0] if e.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode(errors="replace")
        nested = re.match(r"invalid repetition size: (\{[\d,]+\})", reason)
        if nested:  # counts inside counts multiply: (a{100}){100} repeats a 10,000 times
            count = nested.group(1)
            raise RegexError(_NESTED.format(count=count), pattern.rfind(count)) from None
        raise RegexError(f"RE2 rejects the pattern: {reason}", 0) from None
    return translated


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.dot_nl = True


@lru_cache(maxsize=4096)
def compiled(pattern: str):
    """The RE2 program for a translated pattern (cached: patterns repeat across events)."""
    return re2.compile(pattern, options=_OPTIONS)


# Matching only answers "does the whole value match": no group is ever read, so the program
# that matches is compiled without captures (the same language; RE2 then needs no submatch
# engine: 1.4 against 2.1 µs per name on bench/engine.py's `partner.name matches` rule).
_MATCH_OPTIONS = re2.Options()
_MATCH_OPTIONS.log_errors = False
_MATCH_OPTIONS.dot_nl = True
_MATCH_OPTIONS.never_capture = True
# google-re2's `fullmatch` is a Python generator that decodes match offsets into a match object
# (1.4 µs of which RE2 itself is about half, per name): a matcher asks RE2 the same question
# (`_Regexp._match`'s own call, anchored at both ends, on the UTF-8 text) directly. The binding's
# call is not public API; without it, or for a value that is no str, `fullmatch` answers
# (tests/test_regex_matcher.py pins that both give the same answers).
_ANCHOR_BOTH = getattr(getattr(getattr(re2, "_re2", None), "RE2", None), "Anchor", None)
_ANCHOR_BOTH = getattr(_ANCHOR_BOTH, "ANCHOR_BOTH", None)
_NO_MATCH = (-1, -1)


@lru_cache(maxsize=4096)
def matcher(pattern: str) -> Callable[[str], bool]:
    """``matches(value)``: whether a translated pattern matches the whole of ``value``, the
    function made once per pattern (the projection binds it for every event it projects)."""
    regexp = re2.compile(pattern, options=_MATCH_OPTIONS)
    low = getattr(regexp, "_regexp", None)
    match = getattr(low, "Match", None)
    if match is None or _ANCHOR_BOTH is None:  # another google-re2

        def fullmatch_only(value: str) -> bool:
            return regexp.fullmatch(value) is not None

        return fullmatch_only

    def matches(value: str) -> bool:
        if type(value) is not str:  # as google-re2 answers (or refuses) it
            return regexp.fullmatch(value) is not None
        text = value.encode()
        return match(_ANCHOR_BOTH, text, 0, len(text))[0] != _NO_MATCH

    return matches


def fullmatch(pattern: str, value: str) -> bool:
    """Whether the translated ``pattern`` matches the whole of ``value``."""
    return matcher(pattern)(value)


def flag_key(field: str, pattern: str) -> str:
    """The view key, beside ``field``, that says whether the field matches ``pattern``."""
    digest = hashlib.sha1(pattern.encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{field}__m{digest}"
