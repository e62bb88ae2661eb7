"""Which rulebook files a command reads: the shipped ones, or the files and folders it is given."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from kvrules.errors import KvrulesError
from kvrules.rulebook import ir
from kvrules.rulebook.condition import suggest
from kvrules.rulebook.disabling import apply_disables
from kvrules.rulebook.loader import Diagnostic, RulebookError, load_rulebook
from kvrules.rulebook.overrides import place_of
from kvrules.rulebook.yamlsource import load

__all__ = ["RULEBOOK_SUFFIXES", "load_all", "rulebook_files", "shipped_rulebooks"]

RULEBOOK_SUFFIXES = (".yaml", ".yml")


def shipped_rulebooks() -> Path:
    """The rulebooks that come with kvrules (packaged copy, or the source checkout's)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_rulebooks"
    return packaged if packaged.is_dir() else package.parent / "rulebooks"


def rulebook_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every rulebook file under ``paths`` (folders searched recursively); [] → the shipped."""
    files: list[Path] = []
    for p in map(Path, list(paths) or [shipped_rulebooks()]):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix in RULEBOOK_SUFFIXES)
        else:
            files.append(p)
    return files


_UNKNOWN_VARIABLE = re.compile(r"unknown variable 'vars\.([A-Za-z_][A-Za-z0-9_]*)'")


def _defined_elsewhere(
    problems: list[Diagnostic], here: Path, files: list[Path]
) -> list[Diagnostic]:
    """An unknown variable that another of the rulebook files defines: said where it is (an
    author sharing thresholds between files expects them to be seen from each)."""
    wanted = {m.group(1) for p in problems if (m := _UNKNOWN_VARIABLE.search(p.message))}
    if not wanted:
        return problems
    where: dict[str, list[str]] = {}
    for other in files:
        if other == here:
            continue
        try:
            data = load(other.read_text(encoding="utf-8")).data
        except (OSError, UnicodeDecodeError, KvrulesError):
            continue  # its own problems are said on its own
        defined = data.get("vars") if isinstance(data, dict) else None
        for name in wanted & set(defined if isinstance(defined, dict) else ()):
            where.setdefault(name, []).append(str(other))
    out = []
    for p in problems:
        m = _UNKNOWN_VARIABLE.search(p.message)
        if m and m.group(1) in where:
            elsewhere = " and ".join(where[m.group(1)])
            p = replace(p, message=f"{p.message} (vars.{m.group(1)} is defined in {elsewhere})")
        out.append(p)
    return out


def load_all(
    paths: Iterable[str | Path],
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    readable_attributes: tuple[str, ...] = (),
    check_rule: ir.RuleCheck | None = None,
    *,
    warn: bool = True,
) -> tuple[list[ir.Rulebook], list[Diagnostic]]:
    """Load rulebook files and folders; ``overrides`` sets vars per rulebook id and
    ``readable_attributes`` the free-form attribute paths rules may read (both config);
    ``check_rule`` is a backend's check of each rule (``kvrules.engine.load_rulebooks`` passes
    the engine's).

    Returns the rulebooks that loaded and a diagnostic for every problem (a bad file, an id
    used twice, an override naming a rulebook that is not loaded)."""
    books, problems = [], []
    seen: dict[str, str] = {}
    overrides = overrides or {}
    files = rulebook_files(paths)
    for f in files:
        try:
            book = load_rulebook(f, None, readable_attributes, check_rule, warn=warn)
        except RulebookError as e:
            problems += _defined_elsewhere(e.diagnostics, f, files)
            continue
        if book.id in overrides:
            try:
                book = load_rulebook(
                    f, overrides[book.id], readable_attributes, check_rule, warn=False
                )
            except RulebookError as e:
                # the rulebook itself is sound: the configuration's values are what is wrong
                problems += _override_problems(
                    f, book.id, overrides, e.diagnostics, readable_attributes, check_rule
                )
                seen.setdefault(book.id, str(f))
                continue
        if book.id in seen:
            problems.append(
                Diagnostic(
                    str(f),
                    1,
                    1,
                    f"rulebook id '{book.id}' is also used by {seen[book.id]}: give your own "
                    f"rulebook an id of its own (rulebook: my-{book.id}); to turn off a rule of "
                    f"'{book.id}' instead, name it under disable: (docs/rulebook-language.md)",
                )
            )
            continue
        seen[book.id] = str(f)
        books.append(book)
    books = apply_disables(books, problems)
    for unknown in sorted(set(overrides) - set(seen)):
        problems.append(
            Diagnostic(
                *place_of(overrides, unknown),
                f"rulebook_vars names rulebook '{unknown}', which is not loaded"
                + suggest(unknown, sorted(seen)),
            )
        )
    return books, problems


def _override_problems(
    path: Path,
    book_id: str,
    overrides: Mapping[str, Mapping[str, Any]],
    problems: list[Diagnostic],
    readable_attributes: tuple[str, ...],
    check_rule: ir.RuleCheck | None,
) -> list[Diagnostic]:
    """A rulebook's problems with the configuration's vars, one line per variable at the
    configuration's own line:col: each variable is tried alone to find the ones at fault."""
    out = []
    for name, value in overrides[book_id].items():
        try:
            load_rulebook(path, {name: value}, readable_attributes, check_rule, warn=False)
            continue
        except RulebookError as e:
            first, more = e.diagnostics[0], len(e.diagnostics) - 1
        said = first.message
        if not said.startswith("the configuration sets"):
            named = "" if f"vars.{name}" in said else f"vars.{name}: "
            said = f"{named}{said} (where {first.path}:{first.line}:{first.col} uses it)"
        if more:
            said += f" (and {more} more place{'s' if more > 1 else ''})"
        out.append(Diagnostic(*place_of(overrides, book_id, name), f"{book_id}: {said}"))
    if not out:  # only the values together are wrong: said where they are set
        where = place_of(overrides, book_id)
        out = [Diagnostic(*where, f"{book_id}: {p.message}") for p in problems[:1]]
    return out
