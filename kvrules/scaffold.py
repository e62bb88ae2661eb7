"""A working adapter package to start from (``kvrules new-adapter NAME``).

The package runs against an in-memory sample source and passes the conformance suite as
generated, so an integrator starts from green tests and replaces the sample piece by piece.
Templates live in ``kvrules/_scaffold/`` (``*.tmpl``, ``string.Template`` placeholders).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).parent / "_scaffold"
NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")


def placeholders(name: str) -> dict[str, str]:
    module = name.replace("-", "_")
    words = re.split(r"[-_]", name)
    camel = "".join(w.capitalize() for w in words)
    return {
        "name": name,  # adapter name: kvrules fetch --source NAME
        "module": module,
        "package": f"kvrules_{module}",
        "dist": f"kvrules-{name.replace('_', '-')}",
        "title": " ".join(w.capitalize() for w in words),
        "cls": f"{camel}Adapter",
        "config_cls": f"{camel}Config",
        "env_prefix": f"KVRULES_{module.upper()}_",
    }


def name_taken(name: str) -> str | None:
    """Why ``name`` would clash with what is installed (an adapter of that name, the
    distribution or the module the package would have), or None when it is free."""
    from kvrules.plugins import get_adapters

    values = placeholders(name)
    taken = []
    if name in get_adapters():
        taken.append(f"an installed adapter is called '{name}'")
    try:
        importlib.metadata.distribution(values["dist"])
        taken.append(f"distribution {values['dist']} is installed")
    except importlib.metadata.PackageNotFoundError:
        pass
    if importlib.util.find_spec(values["package"]) is not None:
        taken.append(f"module {values['package']} is installed")
    if not taken:
        return None
    return f"adapter name '{name}' is taken ({'; '.join(taken)}): choose another name"


def target_path(template: Path, values: dict[str, str]) -> Path:
    relative = template.relative_to(TEMPLATES).with_suffix("")  # drop .tmpl
    parts = [values["package"] if p == "package" else p for p in relative.parts]
    if parts[-1] == "test_conformance.py":
        # Unique basename: pytest imports test files without packages by basename.
        parts[-1] = f"test_{values['module']}_conformance.py"
    return Path(*parts)


def scaffold(name: str, parent: Path) -> Path:
    """Write the package for adapter ``name`` to ``parent/kvrules-NAME``; return that folder."""
    if not NAME.fullmatch(name):
        raise ValueError(f"adapter name {name!r}: lower-case letters, digits, '-' or '_'")
    if problem := name_taken(name):
        raise ValueError(problem)
    values = placeholders(name)
    root = parent / values["dist"]
    if root.exists():
        raise FileExistsError(f"{root} already exists; not overwriting it")
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        target = root / target_path(template, values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(Template(template.read_text("utf-8")).substitute(values), "utf-8")
    return root
