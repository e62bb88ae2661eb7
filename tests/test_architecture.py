"""The rules of docs/architecture.md, checked on the source: no import cycles, the rulebook
language independent of the engine, adapters and plugins on the public API only, and a
library that never imports the command line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a third-party adapter or plugin may import from kvrules (docs/plugins.md).
PUBLIC = {"kvrules", "kvrules.errors", "kvrules.http", "kvrules.testing"}


def modules(package: Path) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        if "_scaffold" in path.parts or "tests" in path.parts:
            continue
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every kvrules module ``path`` imports, at any depth of the file (lazy imports too).
    ``from package import submodule`` depends on the submodule, not on the package's
    ``__init__`` (which Python runs first for any submodule anyway)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{a.name}" for a in node.names]
            if all(s in known for s in subs):
                yield from subs
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def graph() -> dict[str, set[str]]:
    known = modules(ROOT / "kvrules")
    return {
        name: {t for t in imports(path, known) if t in known and t != name}
        for name, path in known.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_rulebook_language_does_not_import_the_engine() -> None:
    offenders = {
        (name, target)
        for name, targets in graph().items()
        if name.startswith("kvrules.rulebook")
        for target in targets
        if target.startswith("kvrules.engine")
    }
    assert offenders == set()


def test_the_library_does_not_import_the_command_line() -> None:
    offenders = {
        (name, target)
        for name, targets in graph().items()
        if not name.startswith("kvrules.cli") and name != "kvrules.__main__"
        for target in targets
        if target.startswith("kvrules.cli")
    }
    assert offenders == set()


def test_adapters_and_plugins_import_only_the_public_api() -> None:
    known = modules(ROOT / "kvrules")
    offenders = []
    for folder in ("adapters", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.parts:
                continue  # tests may reach into kvrules to check it
            for target in imports(path, known):
                if target.startswith("kvrules.") or target == "kvrules":
                    public = target in PUBLIC or target.startswith("kvrules.testing")
                    if not public:
                        offenders.append(f"{path.relative_to(ROOT)}: {target}")
    assert offenders == []


def test_every_error_kvrules_raises_on_purpose_has_one_root() -> None:
    """One ``except KvrulesError`` catches them all (kvrules/errors.py draws the tree)."""
    import importlib
    import inspect

    import click

    from kvrules.errors import KvrulesError

    loose = []
    for folder in ("kvrules", "adapters", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder if folder != "kvrules" else ROOT).parts
            if {"tests", "simulator", "_scaffold"} & set(parts) or path.name == "__main__.py":
                continue
            name = ".".join(parts).removesuffix(".py").removesuffix(".__init__")
            module = importlib.import_module(name)
            for cls_name, cls in inspect.getmembers(module, inspect.isclass):
                mine = cls.__module__ == module.__name__ and not cls_name.startswith("_")
                if (
                    mine
                    and issubclass(cls, Exception)
                    and not issubclass(cls, KvrulesError | click.ClickException)
                ):
                    loose.append(f"{name}.{cls_name}")
    assert loose == []


def test_the_library_does_not_import_the_web_app() -> None:
    """Code review (2026-12-07): ``kvrules.unscreened`` (core) imported ``kvrules.web.casedata``
    for ``organisations_of``. The web app and the command line are front ends on the library;
    what both need lives in the library (``kvrules.records``)."""
    front_ends = ("kvrules.web", "kvrules.cli")
    offenders = {
        (name, target)
        for name, targets in graph().items()
        if not name.startswith(front_ends) and name != "kvrules.__main__"
        for target in targets
        if target.startswith("kvrules.web")
    }
    assert offenders == set()
