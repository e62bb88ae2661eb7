"""Rulebook file → IR, or a list of ``path:line:col: message`` diagnostics."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from kvrules.errors import KvrulesError
from kvrules.model import EventKind
from kvrules.rulebook import ir
from kvrules.rulebook.condition import (
    Access,
    ConditionError,
    Scope,
    compile_condition,
    list_scope,
    quantifier_header,
    suggest,
)
from kvrules.rulebook.countries import jurisdiction_problem
from kvrules.rulebook.plainschema import AT_LEAST_ONE, schema_problem
from kvrules.rulebook.risks import risk_types
from kvrules.rulebook.schema import (
    DisableSpec,
    RulebookSpec,
    RuleSpec,
    SourceSpec,
    TestSpec,
    amounts_problem,
    number_problem,
)
from kvrules.rulebook.unfilled import message as unfilled_message
from kvrules.rulebook.unfilled import never_fires_on
from kvrules.rulebook.yamlsource import Located, YamlError, load

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class RulebookError(KvrulesError):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(map(str, diagnostics)))
        self.diagnostics = diagnostics


_SCHEMAS: dict[str, type[BaseModel]] = {
    "rules": RuleSpec,
    "sources": SourceSpec,
    "tests": TestSpec,
    "disable": DisableSpec,
}


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The spec model that owns the field at a pydantic error location."""
    model: type[BaseModel] | None = RulebookSpec
    for part in loc[:-1]:
        if isinstance(part, str):
            model = _SCHEMAS.get(part) if model is RulebookSpec else None
    return model


class _Checker:
    def __init__(self, path: str, src: Located, warn: bool = True) -> None:
        self.path, self.src, self.warn = path, src, warn
        self.vars: dict[str, Any] = {}
        self.problems: list[Diagnostic] = []
        self.references: list[ir.Reference] = []  # of the rule being checked

    def error(self, where: tuple, message: str, key: bool = False) -> None:
        line, col = self.src.at(where, key=key)
        self.problems.append(Diagnostic(self.path, line, col, message))

    def error_at(self, line: int, col: int, message: str) -> None:
        self.problems.append(Diagnostic(self.path, line, col, message))

    def in_line_order(self) -> list[Diagnostic]:
        return sorted(self.problems, key=lambda p: (p.line, p.col))

    # -- schema
    def schema(self, exc: ValidationError) -> None:
        for err in exc.errors():
            loc = tuple(err["loc"])
            name = str(loc[-1]) if loc else ""
            if err["type"] == "extra_forbidden":
                model = _model_at(loc)
                hint = suggest(name, list(model.model_fields)) if model else ""
                self.error(loc, f"unknown field '{name}'{hint}", key=True)
            elif err["type"] == "missing":
                self.error(loc[:-1], f"missing field '{name}'")
            else:
                said = schema_problem(err)
                self.error(loc, f"{name}: {said}" if name and not name.isdigit() else said)

    # -- conditions
    def condition(self, value: Any, where: tuple, scope: Scope) -> ir.Cond:
        if isinstance(value, str):
            try:
                cond = compile_condition(value, scope, self.vars)
            except ConditionError as e:
                scalar = self.src.scalar(where)
                line, col = self.src.inside(scalar, e.line, e.col) if scalar else (1, 1)
                self.error_at(line, col, e.message)
                raise _Failed from None
            self._note_references(cond, where)
            return cond
        if isinstance(value, list):
            if not value:
                self.error(where, "empty condition list")
                raise _Failed
            items = [self.condition(v, (*where, i), scope) for i, v in enumerate(value)]
            return items[0] if len(items) == 1 else ir.And(tuple(items))
        if isinstance(value, dict) and len(value) == 1:
            ((key, body),) = value.items()
            line, col = self.src.at((*where, key), key=True)
            pos = ir.Pos(line, col)
            if key in ("all", "any"):
                if not isinstance(body, list):
                    self.error((*where, key), f"'{key}' takes a list of conditions")
                    raise _Failed
                items = [self.condition(v, (*where, key, i), scope) for i, v in enumerate(body)]
                return ir.And(tuple(items)) if key == "all" else ir.Or(tuple(items))
            if key == "not":
                return ir.Not(self.condition(body, (*where, key), scope), pos)
            header = quantifier_header(key)
            if header:
                return self.quantifier(header, body, (*where, key), scope, pos)
            self.error(
                (*where, key),
                f"unknown condition '{key}' (use all, any, not, or 'any NAME in PATH')",
                key=True,
            )
            raise _Failed
        self.error(where, "a condition is text, a list, or a single all/any/not key")
        raise _Failed

    def _note_references(self, cond: ir.Cond, where: tuple) -> None:
        """The lists and research areas a condition text tests for, at their file positions."""
        scalar = self.src.scalar(where)
        for node in ir.walk(cond):
            if isinstance(node, ir.Contains) and node.ref.path[-1] in ir.REFERENCE_FIELDS:
                line, col = (
                    self.src.inside(scalar, node.pos.line, node.pos.col)
                    if scalar
                    else self.src.at(where)
                )
                kind = ir.REFERENCE_FIELDS[node.ref.path[-1]]
                self.references.append(ir.Reference(kind, str(node.value), ir.Pos(line, col)))

    def quantifier(self, header, body, where, scope, pos) -> ir.Cond:
        kind, var, path = header
        try:
            ref, inner_scope = list_scope(var, path, scope)
        except ConditionError as e:
            self.error(where, e.message, key=True)
            raise _Failed from None
        return ir.Quant(kind, var, ref, self.condition(body, where, inner_scope), pos)


class _Failed(Exception):
    """A condition problem already reported."""


def load_rulebook(
    path: str | Path,
    vars_override: Mapping[str, Any] | None = None,
    readable_attributes: Iterable[str] = (),
    check_rule: ir.RuleCheck | None = None,
    *,
    warn: bool = True,
) -> ir.Rulebook:
    """Load and check one rulebook file; raise RulebookError with every problem found.

    ``check_rule`` is a backend's own check of each rule (``kvrules.engine.check_rule``:
    can durable_rules run it?), reported at file:line:col like the language's checks; the
    language itself does not know the engine.

    ``vars_override`` replaces values of the rulebook's ``vars:`` (an institution's own
    thresholds, from its config); the version then reads ``<version>+local.<digest>``.
    ``readable_attributes``: the free-form attribute paths the administrator allows rules to
    read (config ``readable_attributes``); a rulebook that reads some has the version
    ``<version>+attributes.<digest>`` and lists them in ``Rulebook.attributes``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise RulebookError([Diagnostic(str(path), 1, 1, f"cannot read: {e.strerror}")]) from None
    return load_text(raw, str(path), vars_override, readable_attributes, check_rule, warn=warn)


def _override(spec: RulebookSpec, values: Mapping[str, Any], check: _Checker) -> None:
    values = {name: _extended(spec, name, value) for name, value in values.items()}
    for name, value in values.items():
        if name not in spec.vars:
            check.error(
                ("vars",),
                f"the configuration sets vars.{name}, which this rulebook does "
                f"not define{suggest(name, list(spec.vars))}",
                key=True,
            )
        elif _kind(value) != _kind(spec.vars[name]):
            check.error(
                ("vars", name),
                f"the configuration sets vars.{name} to {value!r}, but "
                f"the rulebook's value {spec.vars[name]!r} is of another type",
            )
        elif problem := (
            amounts_problem(value) if isinstance(value, dict) else number_problem(value)
        ):
            check.error(("vars", name), f"the configuration sets vars.{name}: {problem}")
    if not check.problems:
        spec.vars = {**spec.vars, **values}
        digest = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:8]
        spec.version = f"{spec.version}+local.{digest}"


def _extended(spec: RulebookSpec, name: str, value: Any) -> Any:
    """``{add: [...]}`` for a list variable: the rulebook's list and these values after it
    (an institution's own list ids beside the shipped ones, which a later version of the
    rulebook may add to); any other value replaces the rulebook's."""
    shipped = spec.vars.get(name)
    if isinstance(shipped, list) and isinstance(value, dict) and set(value) == {"add"}:
        added = value["add"] if isinstance(value["add"], list) else [value["add"]]
        return [*shipped, *(v for v in added if v not in shipped)]
    # amounts by currency: {add: {GBP: 860000}} adds a currency's threshold (or sets one anew)
    if isinstance(shipped, dict) and isinstance(value, dict) and set(value) == {"add"}:
        return {**shipped, **value["add"]} if isinstance(value["add"], dict) else value
    return value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "amounts by currency"
    if isinstance(value, list):
        return "list of " + ",".join(sorted({_kind(v) for v in value}))
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else type(value).__name__


_TITLE_VAR = re.compile(r"\{vars\.([A-Za-z_][A-Za-z0-9_]*)\}")


def _title_said(title: str, check: _Checker, where: tuple[Any, ...]) -> str:
    """``title`` with the ``{vars.NAME}`` it names said (``_title_with_vars``); an unknown name
    is an error at ``where``."""
    if not _TITLE_VAR.search(title):
        return title
    said, unknown = _title_with_vars(title, check.vars)
    for name in unknown:
        check.error(where, f"the title names vars.{name}, which is not defined")
    return said


def _title_with_vars(title: str, values: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A title naming ``{vars.NAME}`` with the value in effect: a threshold by currency as
    "EUR 250,000 or USD 275,000" (with an institution's ``add: {CAD: 375000}``, "EUR 250,000,
    USD 275,000 or CAD 375,000"), so that it says what the rule compares (reviewer: a Canadian
    site's title named EUR and USD while the rule compared CAD). Also the unknown names."""
    unknown: list[str] = []

    def said(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            unknown.append(name)
            return m.group(0)
        value = values[name]
        if isinstance(value, Mapping):
            amounts = [f"{cur} {_amount(v)}" for cur, v in value.items()]
            return " or ".join(
                [", ".join(amounts[:-1]), amounts[-1]] if len(amounts) > 1 else amounts
            )
        return _amount(value)

    return _TITLE_VAR.sub(said, title), unknown


def _amount(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return (
        f"{value:,}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"
    )


def load_text(
    raw: bytes | str,
    path: str = "<rulebook>",
    vars_override: Mapping[str, Any] | None = None,
    readable_attributes: Iterable[str] = (),
    check_rule: ir.RuleCheck | None = None,
    *,
    warn: bool = True,
) -> ir.Rulebook:
    """``load_rulebook`` of a file's bytes or text; ``warn`` False: its warnings are not
    logged (the same file loaded again, with the configuration's vars, says them once)."""
    # surrogatepass: a str with a lone surrogate is reported as invalid UTF-8 below
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RulebookError([Diagnostic(path, line, 1, "file is not valid UTF-8")]) from None
    try:
        src = load(text)
    except YamlError as e:
        raise RulebookError([Diagnostic(path, e.line, e.col, e.message)]) from None
    check = _Checker(path, src, warn)
    if not isinstance(src.data, dict):
        check.error((), "a rulebook is a mapping with rulebook, version, title, … and rules")
        raise RulebookError(check.problems)
    try:
        spec = RulebookSpec.model_validate(src.data)
    except ValidationError as exc:
        # Report the schema's problems with the later checks' on every part that is valid
        # on its own: an author fixes a rulebook in one pass, not one stage at a time.
        check.schema(exc)
        _build(_Parts.lenient(src.data), sha, check, frozenset(readable_attributes), check_rule)
        raise RulebookError(check.in_line_order()) from None
    if vars_override:
        _override(spec, vars_override, check)
        if check.problems:
            raise RulebookError(check.in_line_order())
    rulebook = _build(_Parts.whole(spec), sha, check, frozenset(readable_attributes), check_rule)
    if check.problems:
        raise RulebookError(check.in_line_order())
    return rulebook


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class _Valid(Generic[M]):
    """One part of a rulebook (the whole, a source, a rule, a test) and which of its fields
    failed the schema: only the others are checked further, so nothing false is said of a
    field that is already reported."""

    spec: M
    bad: frozenset[str] = frozenset()

    def ok(self, *fields: str) -> bool:
        return self.bad.isdisjoint(fields)

    @classmethod
    def of(cls, model: type[M], raw: Any) -> _Valid[M] | None:
        """``raw`` validated, else its valid fields alone (None: not even a mapping)."""
        if not isinstance(raw, dict):
            return None
        try:
            return cls(model.model_validate(raw))
        except ValidationError as exc:
            bad = frozenset(str(e["loc"][0]) for e in exc.errors() if e["loc"])
            good = {k: v for k, v in raw.items() if k in model.model_fields and k not in bad}
            return cls(model.model_construct(**good), bad)


@dataclass(frozen=True)
class _Parts:
    """What the checks after the schema look at: the rulebook and each source, rule and test,
    each with the fields that failed the schema (none when the whole file is valid)."""

    top: _Valid[RulebookSpec]
    sources: list[_Valid[SourceSpec] | None]
    rules: list[_Valid[RuleSpec] | None]
    tests: list[_Valid[TestSpec] | None]

    @classmethod
    def whole(cls, spec: RulebookSpec) -> _Parts:
        return cls(
            _Valid(spec),
            [_Valid(s) for s in spec.sources],
            [_Valid(r) for r in spec.rules],
            [_Valid(t) for t in spec.tests],
        )

    @classmethod
    def lenient(cls, data: dict[str, Any]) -> _Parts:
        top = _Valid.of(RulebookSpec, data)
        assert top is not None  # data is a mapping

        def each(key: str, model: type[M]) -> list[_Valid[M] | None]:
            raw = data.get(key)
            return [_Valid.of(model, item) for item in raw] if isinstance(raw, list) else []

        return cls(
            top, each("sources", SourceSpec), each("rules", RuleSpec), each("tests", TestSpec)
        )


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _legal_basis_source(
    basis: str, sources: Mapping[str, ir.Citation], check: _Checker, where: tuple
) -> str:
    """The source a ``legal_basis`` that is no source id stands for. Until this release
    legal_basis was the law's text, so a text equal to a source's ``cite:`` still counts, with
    a deprecation warning naming the id to write (refusing it stopped every scan). Any other
    text is refused, saying which ids exist and how to declare the law as a source: the first
    sign-off must be checkable, a law a committee member can look up."""
    for source in sources.values():
        if _same_text(basis, source.cite):
            line, col = check.src.at(where)
            if not check.warn:
                return source.id
            _log.warning(
                "%s:%d:%d: deprecated: legal_basis is the id of a source, not the law's text: "
                "write `legal_basis: %s` (the source whose cite: this is); the text is accepted "
                "for now",
                check.path,
                line,
                col,
                source.id,
            )
            return source.id
    declared = ", ".join(sources) or "none"
    check.error(
        where,
        f"legal basis '{basis}' is not a source of this rulebook (its sources: {declared}): "
        "legal_basis names the id of an entry under sources: whose cite: is the law that "
        "requires reading a person's attribute; declare it, e.g. `sources: [{id: eu-267-2012, "
        'cite: "EU Council Regulation 267/2012, Art. 23"}]`, and write `legal_basis: '
        "eu-267-2012`" + suggest(basis, list(sources)),
    )
    return basis


_ORDER_OPS = frozenset({ir.Op.GT, ir.Op.GE, ir.Op.LT, ir.Op.LE})


def _amounts_without_currency(cond: ir.Cond) -> list[ir.Compare]:
    """A rule's comparisons of an award's amount with a plain number (``funder.amount >
    500000``) where the rule tests no currency of that award: an amount in any currency is
    then compared with the same number (600,000 JPY is 'more than 500,000')."""
    nodes = list(ir.walk(cond))
    owners_with_currency = {
        (n.ref.var, n.ref.path[:-1])
        for n in nodes
        if isinstance(n, ir.Compare | ir.InList) and n.ref.path[-1:] == ("currency",)
    }
    return [
        n
        for n in nodes
        if isinstance(n, ir.Compare)
        and n.ref.path[-1:] == ("amount",)
        and n.op in _ORDER_OPS
        and (n.ref.var, n.ref.path[:-1]) not in owners_with_currency
    ]


def _warn_amount_without_currency(
    check: _Checker, where: tuple, compare: ir.Compare, rule_id: str
) -> None:
    scalar = check.src.scalar(where)
    line, col = (
        check.src.inside(scalar, compare.pos.line, compare.pos.col)
        if scalar
        else check.src.at(where)
    )
    _log.warning(
        "%s:%d:%d: warning: rule '%s' compares %s with %s, which names no currency: an award "
        "in any currency (yen, euros, dollars) is compared with the same number; give the "
        "threshold per currency, e.g. vars.large_award: {EUR: %s, USD: …} and `%s >= "
        "vars.large_award` (docs/rulebook-language.md, 'Amounts by currency')",
        check.path,
        line,
        col,
        rule_id,
        compare.ref,
        f"{compare.value:,}" if isinstance(compare.value, int | float) else compare.value,
        compare.value,
        compare.ref,
    )


def _build(
    parts: _Parts,
    sha: str,
    check: _Checker,
    readable: frozenset[str],
    check_rule: ir.RuleCheck | None,
) -> ir.Rulebook:
    spec = parts.top.spec
    vars_known = parts.top.ok("vars")
    check.vars = spec.vars if vars_known else {}
    sources = {s.spec.id: ir.Citation(s.spec.id, s.spec.cite, s.spec.url, s.spec.whose)
               for s in parts.sources if s and s.ok("id", "cite", "url")}  # fmt: skip
    # A cite is called unknown only when every source's id could be read.
    source_ids = {s.spec.id for s in parts.sources if s and s.ok("id")}
    sources_known = bool(parts.sources) and all(s and s.ok("id") for s in parts.sources)
    kinds = [k.value for k in EventKind]
    seen: set[str] = set()
    # A test's expected rule is called unknown only when every rule's id could be read.
    ids_known = bool(parts.rules) and all(r and r.ok("id") for r in parts.rules)
    rules: list[ir.Rule] = []
    attributes_read: set[str] = set()
    shell = ir.Rulebook(
        getattr(spec, "rulebook", ""),
        getattr(spec, "version", ""),
        getattr(spec, "title", ""),
        getattr(spec, "jurisdiction", ""),
        check.path,
        sha,
        (),
    )
    known_risks = list(risk_types())
    # A site rulebook may only turn shipped rules off (disable:, with reasons); any other
    # needs a rule, and rules need the sources they cite.
    if parts.top.ok("rules", "disable") and not parts.rules and not getattr(spec, "disable", []):
        check.error(("rules",), f"rules: {AT_LEAST_ONE['rules']}")
    if parts.top.ok("rules", "sources") and parts.rules and not parts.sources:
        check.error(("sources",), f"sources: {AT_LEAST_ONE['sources']}")
    # a jurisdiction written as a name ("Netherlands") would cover no home_country: the
    # rulebook would silently never run
    if parts.top.ok("jurisdiction") and (
        problem := jurisdiction_problem(getattr(spec, "jurisdiction", "EU"))
    ):
        check.error(("jurisdiction",), problem)
    for i, valid in enumerate(parts.rules):
        if valid is None:
            continue  # not a mapping: the schema said so
        r, where = valid.spec, ("rules", i)
        if (
            valid.ok("jurisdiction")
            and getattr(r, "jurisdiction", None)
            and (problem := jurisdiction_problem(r.jurisdiction))
        ):
            check.error((*where, "jurisdiction"), problem)
        if valid.ok("id"):
            if r.id in seen:
                check.error((*where, "id"), f"duplicate rule id '{r.id}'")
            seen.add(r.id)
        on = ([r.on] if isinstance(r.on, str) else r.on) if valid.ok("on") else []
        if valid.ok("on") and not on:
            check.error((*where, "on"), "on: name the event kinds the rule applies to")
        for j, kind in enumerate(on):
            if kind not in kinds:
                at = (*where, "on") if isinstance(r.on, str) else (*where, "on", j)
                check.error(at, f"unknown event kind '{kind}'{suggest(kind, kinds)}")
        if valid.ok("cite") and sources_known and r.cite not in source_ids:
            check.error(
                (*where, "cite"),
                f"unknown citation '{r.cite}'"
                f"{suggest(r.cite, list(sources))}; add it under sources:",
            )
        for j, risk in enumerate(r.risks if valid.ok("risks") else []):
            if risk not in known_risks:
                check.error(
                    (*where, "risks", j),
                    f"unknown risk type '{risk}'{suggest(risk, known_risks)}; "
                    f"choose from {', '.join(known_risks)}",
                )
        basis = r.legal_basis if valid.ok("legal_basis") else None
        if basis is not None and sources_known and basis not in source_ids:
            basis = _legal_basis_source(basis, sources, check, (*where, "legal_basis"))
        if not (vars_known and valid.ok("when", "legal_basis")):
            continue  # a condition that reads vars.X cannot be checked against broken vars
        access = Access(readable, legal_basis=basis is not None)
        check.references = []
        try:
            cond = check.condition(r.when, (*where, "when"), Scope(access=access))
            abroad = (
                None
                if r.when_abroad is None
                else check.condition(r.when_abroad, (*where, "when_abroad"), Scope(access=access))
            )
        except _Failed:
            continue
        if valid.bad:
            continue  # the schema failed: no rule is built, only checked
        line, col = check.src.at((*where, "id"))
        title, title_abroad = r.title, r.title_abroad
        if vars_known:
            title = _title_said(title, check, (*where, "title"))
            if title_abroad is not None:
                title_abroad = _title_said(title_abroad, check, (*where, "title_abroad"))
        rule = ir.Rule(
            r.id,
            title,
            tuple(on),
            cond,
            r.severity,
            tuple(r.tags),
            r.targets()[0],
            r.rationale,
            sources.get(r.cite, ir.Citation(r.cite, "")),
            sources[basis].cite if basis in sources else basis,  # the law, as findings cite it
            ir.Pos(line, col),
            tuple(dict.fromkeys(r.risks)),
            tuple(dict.fromkeys(check.references)),
            tuple(sorted(access.read)),
            r.targets()[1],
            r.jurisdiction,
            r.rationale_abroad,
            abroad,
            title_abroad,
            title_written=r.title,
            title_abroad_written=r.title_abroad,
        )
        try:
            if check_rule is not None:
                check_rule(shell, rule)
                if abroad is not None:  # the engine must take it as it takes `when`
                    check_rule(shell, replace(rule, condition=abroad))
        except ir.RuleRejected as e:
            if e.pos and e.pos is not rule.pos:
                scalar = check.src.scalar((*where, "when"))
                line, col = (
                    check.src.inside(scalar, e.pos.line, e.pos.col)
                    if scalar
                    else check.src.at((*where, "when"))
                )
            else:
                line, col = check.src.at((*where, "when"))
            check.error_at(line, col, e.message)
            continue
        for compare in _amounts_without_currency(cond) if check.warn else ():
            _warn_amount_without_currency(check, (*where, "when"), compare, rule.id)
        for dead, field in never_fires_on(rule) if check.warn else ():
            # at the first kind it never fires on
            at = (*where, "on") if isinstance(r.on, str) else (*where, "on", on.index(dead[0]))
            line, col = check.src.at(at)
            message = unfilled_message(rule.id, dead, field)
            _log.warning("%s:%d:%d: %s", check.path, line, col, message)
        if r.enabled:
            rules.append(rule)
            attributes_read |= access.read
    tests = []
    for i, valid_test in enumerate(parts.tests):
        if valid_test is None or not valid_test.ok("name", "given", "expect"):
            continue
        t = valid_test.spec
        unknown = []
        for j, rule_id in enumerate(t.expect if ids_known else []):
            if rule_id not in seen:
                line, col = check.src.at(("tests", i, "expect", j))
                message = f"unknown rule '{rule_id}'{suggest(rule_id, sorted(seen))}"
                unknown.append(ir.TestProblem(ir.Pos(line, col), message))
        pos = ir.Pos(*check.src.at(("tests", i, "name")))
        tests.append(ir.TestCase(t.name, t.given, tuple(t.expect), pos, tuple(unknown)))
    if parts.top.bad:  # the schema failed: checked only, load_text raises every problem
        for case in tests:
            for problem in case.problems:
                check.error_at(problem.pos.line, problem.pos.col, problem.message)
        return shell
    version = spec.version
    if attributes_read:  # the administrator's sign-off is part of the policy findings cite
        digest = hashlib.sha256(repr(sorted(attributes_read)).encode()).hexdigest()[:8]
        version = f"{version}+attributes.{digest}"
    disables = tuple(
        ir.Disable(*d.rule.split("/", 1), d.reason, ir.Pos(*check.src.at(("disable", i, "rule"))))
        for i, d in enumerate(spec.disable)
    )
    return ir.Rulebook(
        spec.rulebook,
        version,
        spec.title,
        spec.jurisdiction,
        check.path,
        sha,
        tuple(rules),
        tuple(tests),
        tuple(sorted(attributes_read)),
        spec.applies_to,
        disables,
    )
