"""``kvrules --version``, ``--help`` and small commands start without importing what other
commands need: the engine, the web app, the reference store. Counted in ``sys.modules`` of a
fresh interpreter, not timed (``--version`` took about 0.8 s of CPU when ``import kvrules``
loaded them all)."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kvrules as kvrules_init
from kvrules import _WHERE

# What only some commands need: the rule engine (and durable_rules' C core), the web app, the
# reference store and its matcher.
HEAVY = ("kvrules.engine", "kvrules.web", "kvrules.refdata", "durable")


def _loaded_by(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``kvrules ARGV``."""
    script = (
        "import json, sys\n"
        "from kvrules.cli import run\n"
        f"status = run({list(argv)!r})\n"
        "print(json.dumps({'status': status, 'modules': sorted(sys.modules)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 0, done.stderr
    return set(result["modules"])


@pytest.mark.parametrize(
    "argv", [["--version"], ["plugins", "--help"], ["tokens", "--help"], ["fetch", "--help"]]
)
def test_a_small_command_imports_no_engine_web_or_reference_store(argv: list[str]) -> None:
    loaded = _loaded_by(*argv)
    heavy = sorted(m for m in loaded if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY)))
    assert heavy == []


def test_the_public_api_still_gives_every_name_it_lists() -> None:
    import kvrules

    for name in kvrules.__all__:
        assert getattr(kvrules, name) is getattr(importlib.import_module(_WHERE[name]), name)
    with pytest.raises(AttributeError):
        kvrules.no_such_name  # noqa: B018  # the attribute access is the test


def test_what_type_checkers_see_is_what_the_public_api_gives() -> None:
    """The ``TYPE_CHECKING`` imports of ``kvrules/__init__.py`` name the same modules as the
    table ``__getattr__`` imports from."""
    tree = ast.parse(Path(kvrules_init.__file__).read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If))
    seen = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert seen == _WHERE
    assert sorted(kvrules_init.__all__) == sorted(_WHERE)
