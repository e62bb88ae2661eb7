"""The first-party alert plugins stay separable: they import kvrules' public API only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kvrules

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
PUBLIC_MODULES = {"kvrules.http"}  # documented plumbing plugins may share (TLS, deadlines)


@pytest.mark.parametrize("package", ["kvrules_email", "kvrules_webhook"])
def test_plugin_imports_only_the_public_api(package: str) -> None:
    for source in sorted((PLUGINS / package).rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kvrules"):
                if node.module == "kvrules":
                    assert {a.name for a in node.names} <= set(kvrules.__all__), source
                elif node.module not in PUBLIC_MODULES:
                    assert node.module.startswith(package), f"{source}: from {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("kvrules.") for a in node.names), source
