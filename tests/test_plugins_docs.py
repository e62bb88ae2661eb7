"""docs/plugins.md is the reference of kvrules/hookspecs.py: every hook, its signature and its
docstring word for word. When this fails, copy the hook's docstring into the doc."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from kvrules import hookspecs

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
