"""Which rulebook files a command reads: the shipped ones, or the files and folders it is given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kvrules.rulebook import ir
from kvrules.rulebook.loader import Diagnostic, RulebookError, load_rulebook

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


def load_all(
    paths: Iterable[str | Path],
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    readable_attributes: tuple[str, ...] = (),
    check_rule: ir.RuleCheck | None = None,
) -> tuple[list[ir.Rulebook], list[Diagnostic]]:
    """Load rulebook files and folders; ``overrides`` sets vars per rulebook id and
    ``readable_attributes`` the free-form attribute paths rules may read (both config);
    ``check_rule`` is a backend's check of each rule (``kvrules.engine.load_rulebooks`` passes
    the engine's).

    Returns the rulebooks that loaded and a diagnostic for every problem (a bad file, an id
    used twice, an override naming a rulebook that is not loaded)."""
    books, problems = [], []
    seen: dict[str, str] = {}
    # rulebooks that loaded, whose rulebook_vars did not: their problem is said, not that
    # rulebook_vars names a rulebook that is not loaded
    refused_vars: set[str] = set()
    overrides = overrides or {}
    for f in rulebook_files(paths):
        try:
            book = load_rulebook(f, None, readable_attributes, check_rule)
        except RulebookError as e:
            problems += e.diagnostics
            continue
        if book.id in overrides:
            try:
                book = load_rulebook(f, overrides[book.id], readable_attributes, check_rule)
            except RulebookError as e:
                problems += e.diagnostics
                refused_vars.add(book.id)
                continue
        if book.id in seen:
            problems.append(
                Diagnostic(str(f), 1, 1, f"rulebook id '{book.id}' is also used by {seen[book.id]}")
            )
            continue
        seen[book.id] = str(f)
        books.append(book)
    for unknown in sorted(set(overrides) - set(seen) - refused_vars):
        problems.append(
            Diagnostic(
                "config", 1, 1, f"rulebook_vars names rulebook '{unknown}', which is not loaded"
            )
        )
    return books, problems
