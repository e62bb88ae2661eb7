"""``kvrules --version``, ``--help`` and small commands start without importing what other
commands need: the engine, the web app, the reference store. Counted in ``sys.modules`` of a
fresh interpreter, not timed (``--version`` took about 0.8 s of CPU when ``import kvrules``
loaded them all)."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import kvrules as kvrules_init
from kvrules import _WHERE
from kvrules.cli import COMMANDS, cli

# What only some commands need: the rule engine (and durable_rules' C core), the web app, the
# reference store and its matcher.
HEAVY = ("kvrules.engine", "kvrules.web", "kvrules.refdata", "durable")


def _run_fresh(*argv: str, columns: int = 80) -> tuple[str, set[str]]:
    """What ``kvrules ARGV`` prints in a fresh interpreter (a terminal ``columns`` wide), and
    the modules it holds afterwards."""
    script = (
        "import json, sys\n"
        "from kvrules.cli import run\n"
        f"status = run({list(argv)!r})\n"
        "print(json.dumps({'status': status, 'modules': sorted(sys.modules)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": str(columns)},
    )
    *printed, last = done.stdout.strip().splitlines()
    result = json.loads(last)
    assert result["status"] == 0, done.stderr
    return "\n".join(printed), set(result["modules"])


def _loaded_by(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``kvrules ARGV``."""
    return _run_fresh(*argv)[1]


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["plugins", "--help"], ["tokens", "--help"], ["fetch", "--help"]],
)
def test_a_small_command_imports_no_engine_web_or_reference_store(argv: list[str]) -> None:
    loaded = _loaded_by(*argv)
    heavy = sorted(m for m in loaded if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY)))
    assert heavy == []


def test_listing_the_commands_imports_none_of_them() -> None:
    loaded = _loaded_by("--help")
    commands = {f"kvrules.cli.{lazy.module}" for lazy in COMMANDS.values()}
    assert sorted(commands & loaded) == []


@pytest.mark.parametrize("columns", [60, 200])
def test_help_lists_every_command_with_its_own_short_help(columns: int) -> None:
    """``kvrules --help`` lists each command as click would with every command loaded: the
    summaries in ``COMMANDS`` are the commands' own short help, at any terminal width."""
    printed, _ = _run_fresh("--help", columns=columns)
    listed = printed[printed.index("Commands:") :].rstrip()
    ctx = click.Context(cli, info_name="kvrules")
    formatter = click.HelpFormatter(width=max(min(columns, 80) - 2, 50))
    click.Group.format_commands(cli, ctx, formatter)  # click's own, loading every command
    assert listed == formatter.getvalue().rstrip()
    for name in COMMANDS:
        assert f"\n  {name} " in listed


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
