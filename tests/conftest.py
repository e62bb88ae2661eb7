from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

HEADER = """\
rulebook: t
version: "1"
title: Test rulebook
jurisdiction: NL
sources:
  - id: s1
    cite: "A citation"
rules:
"""


def rule_yaml(rule_id: str, when: str, on: str = "partner.added", extra: str = "") -> str:
    return textwrap.indent(
        textwrap.dedent(f"""\
        - id: {rule_id}
          title: {rule_id}
          on: {on}
          when: {when}
          severity: medium
          rationale: r
          cite: s1
        """)
        + extra,
        "  ",
    )


@pytest.fixture
def write_rulebook(tmp_path: Path):
    """Write a rulebook from rule snippets; returns its path."""

    def write(*rules: str, header: str = HEADER, name: str = "rb.yaml") -> Path:
        path = tmp_path / name
        path.write_text(header + "".join(rules))
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
