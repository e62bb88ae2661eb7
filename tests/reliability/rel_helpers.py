"""Helpers of the reliability tests: bounded subprocesses, diagnostics checks, rulebook text."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

from kvrules.engine import check_rule
from kvrules.rulebook.loader import RulebookError, load_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "rulebooks").glob("*.yaml"))
DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$", re.S)

# A generous bound that proves "no hang" without asserting on timing.
HANG_TIMEOUT = 300
MEMORY_LIMIT = 2 * 1024**3  # address space of a bounded child: 2 GiB


HEADER = """\
rulebook: fuzz
version: "1"
title: Fuzz rulebook
jurisdiction: NL
sources:
  - id: s1
    cite: "A citation"
rules:
"""


def rule(when: str, rule_id: str = "r1", on: str = "partner.added") -> str:
    """One rule whose `when:` is the given YAML fragment (already quoted or block)."""
    return textwrap.indent(
        f"- id: {rule_id}\n  title: t\n  on: {on}\n  when: {when}\n  severity: high\n"
        "  rationale: r\n  cite: s1\n",
        "  ",
    )


def check_loader(raw: bytes | str, path: str = "fuzz.yaml") -> str:
    """Load a rulebook: accepted ("ok") or RulebookError with well-formed diagnostics ("error").

    Any other exception propagates and fails the calling test.
    """
    try:
        load_text(raw, path, check_rule=check_rule)  # as kvrules loads: the engine checks too
    except RulebookError as e:
        assert e.diagnostics, "RulebookError without diagnostics"
        for d in e.diagnostics:
            text = str(d)
            m = DIAGNOSTIC.match(text)
            assert m, f"diagnostic is not path:line:col: message: {text!r}"
            assert m["path"] == path
            assert d.line >= 1 and d.col >= 1, text
            assert d.message.strip(), text
        return "error"
    return "ok"


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`kvrules ARGS` in a child with a 2 GiB address-space limit and a generous timeout."""
    return subprocess.run(
        [sys.executable, "-c", "from kvrules.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=HANG_TIMEOUT,
        preexec_fn=_limit_memory,
        cwd=cwd,
        check=False,
    )


def run_python_bounded(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A Python snippet in a bounded child (for inputs too big for a command line)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=HANG_TIMEOUT,
        preexec_fn=_limit_memory,
        check=False,
    )
