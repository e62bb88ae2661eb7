"""docs/plugins.md is the reference of kvrules/hookspecs.py: every hook, its signature and its
docstring word for word. When this fails, copy the hook's docstring into the doc."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from kvrules import hookspecs
from tests.test_plugins_cli import install

__all__ = ["install"]  # the fixture, shared with test_plugins_cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
HOOKS = {
    name: fn
    for name, fn in vars(hookspecs).items()
    if callable(fn) and hasattr(fn, "kvrules_spec")  # set by the @hookspec marker
}


def sections() -> dict[str, str]:
    """Hook reference sections of the doc: heading text -> body."""
    parts = re.split(r"^### `([^`]+)`\n", DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_hookspecs_has_hooks() -> None:
    assert {"register_adapters", "register_alert_channels", "register_commands"} <= set(HOOKS)


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_is_documented_with_signature_and_docstring(name: str) -> None:
    fn = HOOKS[name]
    doc = inspect.getdoc(fn)
    assert doc and "Called:" in doc and "Arguments:" in doc and "Errors:" in doc, (
        f"{name}: the docstring must say when it is called, its arguments and errors"
    )
    heading = f"{name}{inspect.signature(fn)}"
    body = sections().get(heading)
    assert body is not None, f"docs/plugins.md has no section '### `{heading}`'"
    assert doc in body, f"docs/plugins.md: the {name} section differs from its docstring"


def test_doc_documents_no_hook_that_does_not_exist() -> None:
    documented = {heading.split("(")[0] for heading in sections()}
    assert documented == set(HOOKS)


# ---- the docs' code, as written -----------------------------------------------------------
PUBLIC = {"kvrules", "kvrules.errors", "kvrules.http", "kvrules.testing"}  # kvrules/__init__.py


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)


def test_every_example_compiles_and_imports_only_the_public_api() -> None:
    """The importer example imported Parsed and RowError from kvrules.refdata.importers.base,
    which is not public: a plugin written from the docs broke with kvrules' internals."""
    import ast

    assert len(python_blocks()) >= 4
    for block in python_blocks():
        tree = ast.parse(block)
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            internal = [n for n in names if n.split(".")[0] == "kvrules" and n not in PUBLIC]
            assert not internal, f"docs/plugins.md imports {internal} (not public):\n{block}"


def test_the_importer_example_imports_a_list_as_written(install, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kvrules.cli import cli

    [example] = [b for b in python_blocks() if "def register_reference_importers" in b]
    install("kvrules-inhouse", example, {"inhouse": "kvrules_tp_docs_inhouse"})
    data, db = tmp_path / "list.txt", tmp_path / "kv.db"
    data.write_text("Example Institute of Technology|CN\nSecond Academy|Russia\n")
    runner = CliRunner()
    args = ["refdata", "import", "inhouse", str(data), "--refdata", str(db)]
    done = runner.invoke(cli, [*args, "--edition", "2026-11"])
    assert done.exit_code == 0 and "imported 2 entries into inhouse edition 2026-11" in (
        done.output
    ), done.output
    data.write_text("No country here\n")
    bad = runner.invoke(cli, [*args, "--edition", "2026-12"])
    assert bad.exit_code == 1 and "line 1: expected NAME|COUNTRY" in bad.output, bad.output
