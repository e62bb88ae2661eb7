"""The typed intermediate form of rulebooks: what the compiler, linter and oracle work on.

Semantics (shared by the durable_rules backend and the pure-Python oracle):
- a comparison, ``in``, ``contains`` or ``matches`` on a missing field is false (``!=`` too);
- ``not`` is classical negation of that;
- ``any x in L: C`` is true when some element satisfies C; ``all x in L: C`` when L is present,
  non-empty, and every element satisfies C (a missing or empty list satisfies no ``all``);
- ``matches`` tests the whole value (an anchored regular expression).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Union

from kvrules.errors import KvrulesError
from kvrules.rulebook.regex import flag_key

Scalar = Union[str, int, float, bool]  # noqa: UP007 - used at runtime in isinstance checks


@dataclass(frozen=True)
class Pos:
    """1-based line and column in the rulebook file."""

    line: int
    col: int


@dataclass(frozen=True)
class Ref:
    """A field path: from the event root (``var`` None) or from a quantifier variable."""

    var: str | None
    path: tuple[str, ...]

    def __str__(self) -> str:
        return ".".join(((self.var,) if self.var else ()) + self.path)


class Op(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


@dataclass(frozen=True)
class Compare:
    ref: Ref
    op: Op
    value: Scalar
    pos: Pos = field(compare=False)


@dataclass(frozen=True)
class InList:
    ref: Ref
    values: tuple[Scalar, ...]
    pos: Pos = field(compare=False)


@dataclass(frozen=True)
class Contains:
    ref: Ref
    value: Scalar
    pos: Pos = field(compare=False)


@dataclass(frozen=True)
class Matches:
    ref: Ref
    pattern: str  # RE2 syntax (see kvrules.rulebook.regex)
    pos: Pos = field(compare=False)
    text: str = field(default="", compare=False)  # as the rule author wrote it

    @property
    def flag(self) -> str:
        """The view key, beside the field, holding whether the field matches this pattern."""
        return flag_key(self.ref.path[-1], self.pattern)


@dataclass(frozen=True)
class Exists:
    ref: Ref
    pos: Pos = field(compare=False)


@dataclass(frozen=True)
class And:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond
    pos: Pos = field(compare=False)


@dataclass(frozen=True)
class Quant:
    kind: str  # "any" | "all"
    var: str
    ref: Ref
    body: Cond
    pos: Pos = field(compare=False)


Leaf = Union[Compare, InList, Contains, Matches, Exists]  # noqa: UP007
Cond = Union[Leaf, And, Or, Not, Quant]  # noqa: UP007


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True)
class Citation:
    id: str
    cite: str
    url: str | None = None
    whose: str | None = None  # said before ``cite`` outside the rulebook's jurisdiction


# The fields whose values name something outside the rulebook, and what they name: a list id
# (the reference store's) or a research area (a taxonomy's "scheme:area").
REFERENCE_FIELDS = {"lists": "list", "candidate_lists": "list", "sensitive_areas": "area"}


@dataclass(frozen=True)
class Reference:
    """A list or research area a rule's condition tests for, where the file says it (``pos``:
    the test's line and column in the rulebook file). Only a configuration knows whether it
    exists (``kvrules config check``)."""

    kind: str  # "list" | "area"
    value: str
    pos: Pos


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kinds: tuple[str, ...]
    condition: Cond
    severity: Severity
    tags: tuple[str, ...]
    alert: str | None
    rationale: str
    citation: Citation
    legal_basis: str | None
    pos: Pos
    risks: tuple[str, ...] = ()  # research-security risk types (kvrules.rulebook.risks)
    references: tuple[Reference, ...] = field(default=(), compare=False)
    # the free-form attribute paths it reads, allowed by the configuration (under legal_basis)
    attributes: tuple[str, ...] = field(default=(), compare=False)
    # alert targets besides ``alert`` (a rulebook's ``alert: [committee, export-control]``)
    also_alert: tuple[str, ...] = ()
    # where its legal basis binds, when narrower than its rulebook's reach (EU sanctions law
    # in a rulebook that runs everywhere): ``kvrules.jurisdiction.for_home`` leaves it out
    jurisdiction: str | None = None
    rationale_abroad: str | None = None  # read outside the rulebook's jurisdiction
    # the condition outside the rulebook's jurisdiction (``when_abroad``), checked as ``when``
    condition_abroad: Cond | None = field(default=None, compare=False)
    title_abroad: str | None = None  # the title read there (``title_abroad``)
    # ``title``/``title_abroad`` as written, before their ``{vars.NAME}`` are said: a stored
    # finding's title said other values, which ``kvrules.ruletitles`` keeps
    title_written: str | None = field(default=None, compare=False)
    title_abroad_written: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TestProblem:
    """Why a test case cannot pass whatever the rules do (it expects a rule that is not
    there): that test fails, the rulebook's other tests and its rules are unaffected."""

    pos: Pos
    message: str


@dataclass(frozen=True)
class TestCase:
    name: str
    given: dict
    expect: tuple[str, ...]
    pos: Pos
    problems: tuple[TestProblem, ...] = ()


@dataclass(frozen=True)
class Disable:
    """One rule of another rulebook this one turns off (``disable:``), and why."""

    rulebook: str
    rule: str
    reason: str
    pos: Pos


@dataclass(frozen=True)
class Disabled:
    """A rule of this rulebook turned off by another (``by``: its file:line:col), and why."""

    rule: str
    reason: str
    by: str


@dataclass(frozen=True)
class Rulebook:
    id: str
    version: str
    title: str
    jurisdiction: str
    path: str
    sha256: str
    rules: tuple[Rule, ...]
    tests: tuple[TestCase, ...] = ()
    attributes: tuple[str, ...] = ()  # free-form attribute paths read, allowed by the config
    # "jurisdiction": runs where the jurisdiction covers home_country; "everywhere": anywhere
    applies_to: str = "jurisdiction"
    disables: tuple[Disable, ...] = ()  # rules of other rulebooks this one turns off
    disabled: tuple[Disabled, ...] = ()  # rules of this one another turned off

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


def walk(cond: Cond):
    """Every node of a condition, depth first."""
    yield cond
    if isinstance(cond, And | Or):
        for item in cond.items:
            yield from walk(item)
    elif isinstance(cond, Not):
        yield from walk(cond.item)
    elif isinstance(cond, Quant):
        yield from walk(cond.body)


class RuleRejected(KvrulesError):
    """A backend cannot run this rule; ``pos`` points at the offending part of its condition
    (positions inside the condition text), if known. Raised by a ``RuleCheck``."""

    def __init__(self, message: str, pos: Pos | None = None) -> None:
        super().__init__(message)
        self.message, self.pos = message, pos


# A backend's own check of one rule (the rulebook it belongs to, the rule), raising
# RuleRejected: the loader reports it at file:line:col without knowing the backend.
RuleCheck = Callable[["Rulebook", Rule], None]
