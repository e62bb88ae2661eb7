"""Condition text → typed IR. Parsed with lark; every error carries a position in the text.

Grammar, loosest binding first::

    any p in project.partners: <condition>      quantifier; the body runs to the end,
    all f in project.funders: <condition>       so wrap it in ( ) to combine it
    a or b      a and b      not a              (and binds tighter than or)
    path == != < <= > >= value                  value: "text", 'text', 12, 1.5, 2024-01-31, true
    path in ["CN", "RU"]      path not in [...]
    path contains "x"         path not contains "x"      (lists of text)
    path contains any ["x", "y"]    path contains all ["x", "y"]    (and not …)
    path matches "quantum.*"  (whole value, RE2; see kvrules.rulebook.regex)
    path exists               path missing
    vars.NAME                 a value (or list) from the rulebook's `vars:`, in place of a literal
    today, today - 5y         a date relative to when the rulebook is loaded (d, w, m, y)
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from kvrules import fields
from kvrules.errors import KvrulesError
from kvrules.fields import FieldSpec, FieldType
from kvrules.rulebook import ir
from kvrules.rulebook.countries import country_problem
from kvrules.rulebook.nationality_words import nationality_words_in
from kvrules.rulebook.regex import RegexError, translate

MIN_FRACTION, MAX_NUMBER = 0.0001, 2**53  # literal numbers durable_rules compares exactly

GRAMMAR = r"""
?start: expr
?expr: or_expr | quant
quant: QUANT NAME "in" path ":" expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: NOT not_expr -> negation
         | atom
?atom: test | "(" expr ")"
test: path COMPARE value            -> compare
    | path NOT? "in" list           -> in_list
    | path NOT? CONTAINS value      -> contains
    | path NOT? CONTAINS QUANT list -> contains_many
    | path MATCHES STRING           -> matches
    | path EXISTS                   -> exists
    | path MISSING                  -> missing
list: "[" [value ("," value)*] "]"
    | VAR                           -> var_list
?value: STRING | NUMBER | DATE | TODAY | TRUE | FALSE | VAR
path: NAME ("." NAME)*

QUANT.2: /(any|all)(?![A-Za-z0-9_])/
_OR.2: /or(?![A-Za-z0-9_])/
_AND.2: /and(?![A-Za-z0-9_])/
NOT.2: /not(?![A-Za-z0-9_])/
CONTAINS.2: /contains(?![A-Za-z0-9_])/
MATCHES.2: /matches(?![A-Za-z0-9_])/
EXISTS.2: /exists(?![A-Za-z0-9_])/
MISSING.2: /missing(?![A-Za-z0-9_])/
TRUE.2: /true(?![A-Za-z0-9_])/
FALSE.2: /false(?![A-Za-z0-9_])/
VAR.3: /vars\.[A-Za-z_][A-Za-z0-9_]*/
TODAY.3: /today(\s*-\s*\d{1,4}\s*[dwmy](?![A-Za-z0-9_]))?/
COMPARE: "==" | "!=" | "<=" | ">=" | "<" | ">"
DATE.3: /\d{4}-\d{2}-\d{2}/
NUMBER: /-?\d+(\.\d+)?/
STRING: /"(?:[^"\\\n]|\\.)*"/ | /'(?:[^'\\\n]|\\.)*'/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
%ignore /[ \t\r\n]+/
"""

_PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)

# What an author can write where the parser stopped, in a rulebook's words: every terminal
# of GRAMMAR has one (tests/test_validate.py), so no grammar-internal name reaches a message.
_EXPECT = {
    "COMPARE": "a comparison (== != < <= > >=)",
    "NAME": "a field name",
    "QUANT": "'any' or 'all'",
    "LSQB": "'['",
    "RSQB": "']'",
    "RPAR": "')'",
    "LPAR": "'('",
    "COLON": "':'",
    "DOT": "'.'",
    "COMMA": "','",
    "$END": "the end of the condition",
    "_AND": "'and'",
    "_OR": "'or'",
    "NOT": "'not'",
    "IN": "'in'",
    "CONTAINS": "'contains'",
    "MATCHES": "'matches'",
    "EXISTS": "'exists'",
    "MISSING": "'missing'",
    "STRING": "a quoted text",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "TODAY": "today",
    "TRUE": "true",
    "FALSE": "false",
    "VAR": "vars.NAME",
}
# Where any value may stand, say once what a value can be, rather than each token's name.
_VALUE_TOKENS = frozenset({"STRING", "NUMBER", "DATE", "TODAY", "TRUE", "FALSE", "VAR"})
_A_VALUE = 'a value ("text", 12, 2024-01-31, today, today - 5y, true, false or vars.NAME)'
# After `contains` the quantifier word starts `contains any [...]` / `contains all [...]`.
_AFTER_CONTAINS = "'any [...]' / 'all [...]'"


class ConditionError(KvrulesError):
    """A problem in a condition, at 1-based ``line``/``col`` of the condition text."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _describe_expected(expected: set[str]) -> str:
    """``expected`` (the parser's terminal names) as what the author may write there."""
    names: list[str] = []
    if len(expected & _VALUE_TOKENS) > 1:
        names.append(_A_VALUE)
        if "QUANT" in expected:
            names.append(_AFTER_CONTAINS)
        expected = expected - _VALUE_TOKENS - {"QUANT"}
    names += sorted({_EXPECT.get(e, e.lower()) for e in expected})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


MAX_NESTING = 40  # of not / and / or / ( ) / quantifiers in one condition text


def _check_depth(tree: Tree) -> None:
    """Reject conditions nested deeper than MAX_NESTING (they would exhaust Python's stack)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise ConditionError(
                f"condition nested more than {MAX_NESTING} levels deep",
                getattr(node.meta, "line", 1),
                getattr(node.meta, "column", 1),
            )
        stack += [(c, depth + 1) for c in node.children if isinstance(c, Tree)]


def parse(text: str) -> Tree:
    try:
        tree = _PARSER.parse(text)
        _check_depth(tree)
        return tree
    except UnexpectedToken as e:
        got = "end of condition" if e.token.type == "$END" else repr(str(e.token))
        word = str(e.token)
        case = (
            f": write it in lower case, '{word.lower()}'"
            if e.token.type != "$END" and word != word.lower() and word.lower() in _KEYWORDS
            else ""
        )
        raise ConditionError(
            f"unexpected {got}; expected {_describe_expected(e.expected)}{case}",
            e.line,
            e.column,
        ) from None
    except UnexpectedCharacters as e:
        raise ConditionError(
            f"unexpected character {text[e.pos_in_stream]!r}"
            + _character_hint(text, e.pos_in_stream),
            e.line,
            e.column,
        ) from None
    except UnexpectedInput as e:  # pragma: no cover - other lark errors
        raise ConditionError(str(e), getattr(e, "line", 1), getattr(e, "column", 1)) from None


_KEYWORDS = frozenset({"and", "or", "not", "in", "contains", "any", "all", "matches", "true"})
# quotes a word processor writes; conditions take the straight ones
_TYPOGRAPHIC_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a"
_RELATIVE_DATE_IN_WORDS = re.compile(r"-\s*\d+\s*[A-Za-z]+")


def _character_hint(text: str, at: int) -> str:
    """What a person most likely meant by the character a condition cannot take."""
    ch, after = text[at], text[at + 1 : at + 2]
    if ch == "=" and after != "=":
        return ": to compare, write == (two equals signs)"
    if ch == "!" and after != "=":
        return ": write not (or != for 'is not equal to')"
    if ch in _TYPOGRAPHIC_QUOTES:
        return ': a typographic quote (as a word processor writes it): use straight quotes "…"'
    if ch in "&|":
        return f": write {'and' if ch == '&' else 'or'}"
    if (
        ch == "-"
        and text[:at].rstrip().endswith("today")
        and _RELATIVE_DATE_IN_WORDS.match(text[at:])
    ):
        return ": a date before today is written today - 2y (d days, w weeks, m months, y years)"
    return ""


def _pos(node: Tree | Token) -> ir.Pos:
    if isinstance(node, Token):
        return ir.Pos(node.line or 1, node.column or 1)
    return ir.Pos(node.meta.line, node.meta.column)


def suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class Access:
    """What a rule may read beyond the catalogue's fixed fields.

    ``allowed``: attribute paths (``visit.visitor.attributes.KEY``) and free text that may
    say who a person is (``visit.purpose``: ``FieldSpec.allow_listed``) an administrator
    allowed in the configuration (``readable_attributes``); ``legal_basis``: the rule cites
    one, which reading anything about a person requires; ``read``: the allowed paths the rule
    does read.
    """

    allowed: frozenset[str] = frozenset()
    legal_basis: bool = False
    read: set[str] = field(default_factory=set)


class Scope:
    """Names visible in a condition: the event root, plus the innermost quantifier variable
    (``prefix`` is the path of the list it runs over, from the event root)."""

    def __init__(
        self,
        var: str | None = None,
        spec: Mapping[str, FieldSpec] | None = None,
        prefix: tuple[str, ...] = (),
        access: Access | None = None,
    ):
        self.var, self.spec, self.prefix = var, spec, prefix
        self.access = access or Access()

    def full_path(self, ref: ir.Ref) -> tuple[str, ...]:
        """``ref`` from the event root (a quantifier variable replaced by its list's path)."""
        return (self.prefix if ref.var else ()) + ref.path

    def _check_access(self, ref: ir.Ref, spec: FieldSpec, pos: ir.Pos) -> None:
        path = self.full_path(ref)
        shown = ".".join(path)
        if fields.free_form(fields.ROOT, path) is not None:
            if shown not in self.access.allowed:
                raise ConditionError(
                    f"'{ref}' reads a free-form attribute, which rules cannot read: use a "
                    "catalogue field (docs/rulebook-language.md). Only if a law requires it, an "
                    f"administrator may allow '{shown}' under readable_attributes in kvrules.yaml",
                    pos.line,
                    pos.col,
                )
            self.access.read.add(shown)
        if spec.allow_listed:
            if shown not in self.access.allowed:
                raise ConditionError(
                    f"'{ref}' is free text that may say who a person is (a nationality: "
                    '"hosting an Iranian PhD student"), which rules cannot read: what a visit '
                    "is about is in visit.sensitive_areas (classified from its purpose and "
                    "keywords). Only if a law requires it, an administrator may allow "
                    f"'{shown}' under readable_attributes in kvrules.yaml",
                    pos.line,
                    pos.col,
                )
            self.access.read.add(shown)
        if spec.personal and not self.access.legal_basis:
            raise ConditionError(
                f"'{ref}' is about a person: a rule may read it only with legal_basis: naming "
                "a source under sources: that cites the law that requires it (e.g. a sanctions "
                "regime); nationality is not a screening criterion",
                pos.line,
                pos.col,
            )

    def ref(self, parts: list[str], pos: ir.Pos) -> tuple[ir.Ref, FieldSpec]:
        if self.var is not None and parts[0] == self.var:
            ref, scope, rest = ir.Ref(self.var, tuple(parts[1:])), self.spec or {}, parts[1:]
            if not rest:
                raise ConditionError(
                    f"'{self.var}' is a whole element; name one of its fields ({', '.join(scope)})",
                    pos.line,
                    pos.col,
                )
        elif self.var is not None and parts[0] in fields.ROOT:
            raise ConditionError(
                f"inside 'any/all {self.var} in …' only fields of '{self.var}' can be used; "
                f"move the test on '{'.'.join(parts)}' outside the quantifier",
                pos.line,
                pos.col,
            )
        else:
            ref, scope, rest = ir.Ref(None, tuple(parts)), fields.ROOT, parts
        spec = fields.resolve(scope, rest)
        if spec is None:
            for i in range(len(rest)):
                if fields.resolve(scope, rest[: i + 1]) is None:
                    here = fields.names_at(scope, rest[:i])
                    known = ".".join(([self.var] if ref.var else []) + rest[:i]) or "the event"
                    raise ConditionError(
                        f"unknown field '{'.'.join(parts)}': {known} has no '{rest[i]}'"
                        + suggest(rest[i], here),
                        pos.line,
                        pos.col,
                    )
        self._check_access(ref, spec, pos)  # type: ignore[arg-type]
        return ref, spec  # type: ignore[return-value]


def _variable(tok: Token, variables: Mapping[str, Any]) -> Any:
    name = str(tok).split(".", 1)[1]
    if name not in variables:
        raise ConditionError(
            f"unknown variable 'vars.{name}'"
            + suggest(name, list(variables))
            + ": a variable belongs to the rulebook file that defines it; define it under "
            "vars: in this file",
            tok.line or 1,
            tok.column or 1,
        )
    return variables[name]


# The escapes a quoted text may use (Python's); any other backslash stays as written, so a
# pattern's own \w, \d and \. reach the pattern (decoding them all with `unicode_escape`
# warns today and will fail on a future Python).
_ESCAPE = re.compile(
    r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^{}]*\}|[0-7]{1,3}|[xuUN]|.)", re.S
)
_SIMPLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\n": "",
}


def _unescape(body: str) -> str:
    """Decode a quoted text's escapes; ValueError on a truncated or unknown one."""

    def decode(match: re.Match[str]) -> str:
        code = match.group()[1:]
        if code[0] == "N":
            try:
                return unicodedata.lookup(code[2:-1])
            except KeyError:
                raise ValueError(f"no character is named {code[1:]!r}") from None
        if code[0] in "xuU":
            if len(code) == 1:
                raise ValueError(f"truncated \\{code} escape")
            if int(code[1:], 16) > sys.maxunicode:
                raise ValueError(f"\\{code} is beyond the last character, \\U0010FFFF")
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _SIMPLE_ESCAPES.get(code, match.group())

    return _ESCAPE.sub(decode, body)


def _literal(tok: Token, variables: Mapping[str, Any]) -> Any:
    if tok.type == "VAR":
        value = _variable(tok, variables)
        if isinstance(value, dict):
            raise ConditionError(
                f"{tok} holds amounts by currency: compare a funder's amount with it "
                f"(funder.amount >= {tok})",
                tok.line or 1,
                tok.column or 1,
            )
        if isinstance(value, list):
            raise ConditionError(
                f"{tok} is a list; use it with `in` or `contains any`",
                tok.line or 1,
                tok.column or 1,
            )
        return value
    if tok.type == "STRING":
        body = str(tok)[1:-1]
        if "\\" in body:
            try:
                body = _unescape(body)
            except ValueError as e:
                raise ConditionError(
                    f"bad escape in text: {e}", tok.line or 1, tok.column or 1
                ) from None
        if any("\ud800" <= ch <= "\udfff" for ch in body):
            raise ConditionError(
                "text holds a lone surrogate (\\ud800-\\udfff): not a character",
                tok.line or 1,
                tok.column or 1,
            )
        return body
    if tok.type == "NUMBER":
        try:
            number = float(tok) if "." in tok else int(tok)
        except ValueError:  # more digits than int() converts
            raise ConditionError("number too long", tok.line or 1, tok.column or 1) from None
        # durable_rules compares integers beyond 2^53 wrongly, and cannot read back a fraction
        # below 0.0001 or from 1e16 as Python writes it ("1e-05"): keep literals where both hold
        if number and not (MIN_FRACTION <= abs(number) <= MAX_NUMBER):
            raise ConditionError(
                f"number out of range: use 0 or a size from {MIN_FRACTION} to {MAX_NUMBER:,} "
                "(change the unit, e.g. thousands or percent)",
                tok.line or 1,
                tok.column or 1,
            )
        return number
    if tok.type == "TODAY":
        return _relative_date(str(tok))
    if tok.type == "DATE":
        try:
            return date.fromisoformat(str(tok))
        except ValueError:
            raise ConditionError(f"not a date: {tok}", tok.line or 1, tok.column or 1) from None
    return tok.type == "TRUE"


def _relative_date(text: str, today: date | None = None) -> date:
    """'today' or 'today - N<unit>' (d, w, m, y), fixed when the rulebook is loaded."""
    base = today or date.today()
    _, _, amount = text.partition("-")
    if not amount.strip():
        return base
    n, unit = int(amount.strip()[:-1]), amount.strip()[-1]
    if unit in "dw":
        return base - timedelta(days=n * (7 if unit == "w" else 1))
    months = base.year * 12 + base.month - 1 - (n * 12 if unit == "y" else n)
    year, month = divmod(months, 12)
    last_day = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(base.day, last_day))


_TYPE_OF = {
    str: FieldType.TEXT,
    int: FieldType.NUMBER,
    float: FieldType.NUMBER,
    bool: FieldType.BOOL,
    date: FieldType.DATE,
}


def _typed(spec: FieldSpec, tok: Token, variables: Mapping[str, Any]) -> ir.Scalar:
    """Check a literal (or variable) against the field's type; convert it to the engine's."""
    return _check(spec, _literal(tok, variables), tok)


def _check(spec: FieldSpec, value: Any, tok: Token) -> ir.Scalar:
    want = FieldType.TEXT if spec.type is FieldType.TEXT_LIST else spec.type
    got = _TYPE_OF.get(type(value))
    if got is not want:
        shown = f"{tok} ({value!r})" if tok.type == "VAR" else str(tok)
        raise ConditionError(
            f"type mismatch: the field holds {want.value} values; {shown} is "
            f"{got.value if got else type(value).__name__}",
            tok.line or 1,
            tok.column or 1,
        )
    if spec.vocabulary is not None and value.casefold() not in spec.vocabulary:
        raise ConditionError(
            f"{value!r} is not a known role: a person's role is free text in the RIS and could "
            "hold a nationality, so a rule compares it only with known roles "
            f"({', '.join(sorted(spec.vocabulary))}; docs/rulebook-language.md)",
            tok.line or 1,
            tok.column or 1,
        )
    if spec.country and (problem := country_problem(value, str(tok) if tok.type == "VAR" else "")):
        raise ConditionError(problem, tok.line or 1, tok.column or 1)
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    if isinstance(value, str) and spec.literal_form is not None:
        return spec.literal_form(value)
    if isinstance(value, str) and spec.casefold:
        return value.casefold()
    return value


def element_scope(ref: ir.Ref, spec: FieldSpec, var: str, pos: ir.Pos, outer: Scope) -> Scope:
    """The scope inside 'any/all VAR in REF': checks REF is a list of objects."""
    if spec.type is FieldType.TEXT_LIST:
        raise ConditionError(
            f"'{ref}' is a list of text: use '{ref} contains \"…\"' instead of a quantifier",
            pos.line,
            pos.col,
        )
    if spec.type is not FieldType.OBJECT_LIST:
        raise ConditionError(f"'{ref}' is {spec.type.value}, not a list", pos.line, pos.col)
    if var in fields.ROOT:
        raise ConditionError(
            f"'{var}' is an event field; pick another variable name", pos.line, pos.col
        )
    return Scope(var, spec.children, outer.full_path(ref), outer.access)


def list_scope(var: str, path_text: str, scope: Scope) -> tuple[ir.Ref, Scope]:
    """Resolve the header of a structured quantifier ('any VAR in PATH:')."""
    pos = ir.Pos(1, 1)
    ref, spec = scope.ref(path_text.split("."), pos)
    return ref, element_scope(ref, spec, var, pos, scope)


class _Builder:
    def __init__(self, variables: Mapping[str, Any] | None = None) -> None:
        self.scope = Scope()
        self.vars = variables or {}

    def _values(self, spec: FieldSpec, lst: Tree) -> tuple[ir.Scalar, ...]:
        """The typed, de-duplicated values of a list literal or a list variable."""
        if lst.data == "var_list":
            tok = lst.children[0]
            items = _variable(tok, self.vars)
            if not isinstance(items, list):
                raise ConditionError(f"{tok} is not a list", tok.line or 1, tok.column or 1)
            values = tuple(dict.fromkeys(_check(spec, v, tok) for v in items))
        else:
            values = tuple(dict.fromkeys(_typed(spec, t, self.vars) for t in lst.children))
        if not values:
            pos = _pos(lst)
            raise ConditionError("empty list", pos.line, pos.col)
        return values

    def build(self, node: Tree) -> ir.Cond:
        return getattr(self, node.data)(node)

    # -- combinators
    def or_expr(self, node: Tree) -> ir.Cond:
        return ir.Or(tuple(self.build(c) for c in node.children))

    def and_expr(self, node: Tree) -> ir.Cond:
        return ir.And(tuple(self.build(c) for c in node.children))

    def negation(self, node: Tree) -> ir.Cond:
        return ir.Not(self.build(node.children[1]), _pos(node))

    def quant(self, node: Tree) -> ir.Cond:
        kind, var, path, body = node.children
        ref, spec = self.path(path)
        outer = self.scope
        self.scope = element_scope(ref, spec, str(var), _pos(node), outer)
        try:
            inner = self.build(body)
        finally:
            self.scope = outer
        return ir.Quant(str(kind), str(var), ref, inner, _pos(node))

    # -- tests
    def path(self, node: Tree) -> tuple[ir.Ref, FieldSpec]:
        return self.scope.ref([str(t) for t in node.children], _pos(node))

    def _scalar_field(self, node: Tree, what: str) -> tuple[ir.Ref, FieldSpec]:
        ref, spec = self.path(node)
        if spec.type not in fields.SCALARS:
            hint = f"; use '{ref} contains …'" if spec.type is FieldType.TEXT_LIST else ""
            pos = _pos(node)
            raise ConditionError(
                f"'{ref}' is {spec.type.value}: cannot {what} it{hint}", pos.line, pos.col
            )
        return ref, spec

    def compare(self, node: Tree) -> ir.Cond:
        path, op, tok = node.children
        ref, spec = self._scalar_field(path, "compare")
        op = ir.Op(str(op))
        if spec.type in (FieldType.TEXT, FieldType.BOOL) and op not in (ir.Op.EQ, ir.Op.NE):
            pos = _pos(op) if isinstance(op, Token) else _pos(node)
            raise ConditionError(
                f"'{op}' needs a number or a date; '{ref}' is {spec.type.value}", pos.line, pos.col
            )
        if tok.type == "VAR" and isinstance(amounts := _variable(tok, self.vars), dict):
            return self._per_currency(ref, spec, op, tok, amounts, node)
        value = _typed(spec, tok, self.vars)
        self._no_nationality(ref, [value], _pos(node))
        return ir.Compare(ref, op, value, _pos(node))

    def _no_nationality(self, ref: ir.Ref, literals: list[Any], pos: ir.Pos) -> None:
        """A project's or output's free text (title, keywords) compared with a nationality or
        an ethnic group ("Iranian", "chinese students") screens people by who they are: as
        ``visit.purpose`` is, refused unless the rule cites a legal_basis."""
        if self.scope.full_path(ref)[-1:] not in (("title",), ("keywords",)):
            return
        words = [w for v in literals if isinstance(v, str) for w in nationality_words_in(v)]
        if words and not self.scope.access.legal_basis:
            raise ConditionError(
                f"'{ref}' is free text, and this rule compares it with "
                f"{', '.join(repr(w) for w in dict.fromkeys(words))}, a nationality or an "
                "ethnic group: that screens people by who they are. Screen the organisation, "
                "funder or research area instead (docs/rulebook-language.md); only where a law "
                "requires it, with legal_basis: naming a source that cites that law",
                pos.line,
                pos.col,
            )

    def _per_currency(
        self,
        ref: ir.Ref,
        spec: FieldSpec,
        op: ir.Op,
        tok: Token,
        amounts: Mapping[str, Any],
        node: Tree,
    ) -> ir.Cond:
        """``f.amount >= vars.large_award`` with amounts by currency: each threshold applies
        to an amount in its own currency, ``(f.currency == "EUR" and f.amount >= 1000000) or
        …``; an amount in another currency is compared with none (``kvrules.thresholds`` says
        so beside the findings)."""
        pos = _pos(node)
        owner = ([ref.var] if ref.var else []) + list(ref.path[:-1])
        if ref.path[-1] != "amount" or spec.type is not FieldType.NUMBER:
            raise ConditionError(
                f"{tok} holds amounts by currency: compare a funder's amount with it "
                f"(funder.amount >= {tok}), not '{ref}'",
                tok.line or 1,
                tok.column or 1,
            )
        currency, currency_spec = self.scope.ref([*owner, "currency"], pos)
        return ir.Or(
            tuple(
                ir.And(
                    (
                        ir.Compare(currency, ir.Op.EQ, _check(currency_spec, code, tok), pos),
                        ir.Compare(ref, op, _check(spec, amount, tok), pos),
                    )
                )
                for code, amount in amounts.items()
            )
        )

    def in_list(self, node: Tree) -> ir.Cond:
        negated = len(node.children) == 3
        path, lst = node.children[0], node.children[-1]
        ref, spec = self._scalar_field(path, "test membership of")
        values = self._values(spec, lst)
        self._no_nationality(ref, list(values), _pos(node))
        cond = ir.InList(ref, values, _pos(node))
        return ir.Not(cond, _pos(node)) if negated else cond

    def contains_many(self, node: Tree) -> ir.Cond:
        """`contains any [...]` / `contains all [...]`: an or / and of single contains."""
        negated = str(node.children[1]) == "not"
        path, quant, lst = node.children[0], node.children[-2], node.children[-1]
        ref, spec = self._list_field(path, node)
        values = self._values(spec, lst)
        self._no_nationality(ref, list(values), _pos(node))
        tests = tuple(ir.Contains(ref, v, _pos(node)) for v in values)
        cond = ir.Or(tests) if str(quant) == "any" else ir.And(tests)
        return ir.Not(cond, _pos(node)) if negated else cond

    def contains(self, node: Tree) -> ir.Cond:
        negated = len(node.children) == 4
        path, tok = node.children[0], node.children[-1]
        ref, spec = self._list_field(path, node)
        value = _typed(spec, tok, self.vars)
        self._no_nationality(ref, [value], _pos(node))
        cond = ir.Contains(ref, value, _pos(node))
        return ir.Not(cond, _pos(node)) if negated else cond

    def _list_field(self, path: Tree, node: Tree) -> tuple[ir.Ref, FieldSpec]:
        ref, spec = self.path(path)
        if spec.type is not FieldType.TEXT_LIST:
            pos = _pos(node)
            raise ConditionError(
                f"'contains' needs a list of text; '{ref}' is "
                f"{spec.type.value}"
                + (" (use == or matches)" if spec.type is FieldType.TEXT else ""),
                pos.line,
                pos.col,
            )
        return ref, spec

    def matches(self, node: Tree) -> ir.Cond:
        path, _, tok = node.children
        ref, spec = self.path(path)
        if spec.type is not FieldType.TEXT:
            pos = _pos(node)
            raise ConditionError(
                f"'matches' needs text; '{ref}' is {spec.type.value}", pos.line, pos.col
            )
        if spec.vocabulary is not None:
            pos = _pos(node)
            raise ConditionError(
                f"'{ref}' is a person's free text in the RIS and could hold a nationality: a "
                f"rule cannot match a pattern in it; compare it with known roles ('{ref} in "
                '["phd candidate", "postdoc"]\', docs/rulebook-language.md)',
                pos.line,
                pos.col,
            )
        pattern = _literal(tok, self.vars)
        assert isinstance(pattern, str)
        self._no_nationality(ref, [pattern], _pos(node))
        try:
            re2_pattern = translate(pattern)
        except RegexError as e:
            raise ConditionError(
                f"bad pattern: {e}", tok.line or 1, (tok.column or 1) + 1 + e.offset
            ) from None
        return ir.Matches(ref, re2_pattern, _pos(node), pattern)

    def exists(self, node: Tree) -> ir.Cond:
        ref, _ = self.path(node.children[0])
        return ir.Exists(ref, _pos(node))

    def missing(self, node: Tree) -> ir.Cond:
        return ir.Not(self.exists(node), _pos(node))


def compile_condition(
    text: str, scope: Scope | None = None, variables: Mapping[str, Any] | None = None
) -> ir.Cond:
    """Parse and type-check one condition string; raise ConditionError."""
    builder = _Builder(variables)
    builder.scope = scope or Scope()
    return builder.build(parse(text))


def quantifier_header(text: str) -> tuple[str, str, str] | None:
    """Split a structured-YAML key like 'any p in project.partners' into its three parts."""
    parts = text.split()
    if len(parts) == 4 and parts[0] in ("any", "all") and parts[2] == "in":
        return parts[0], parts[1], parts[3]
    return None
