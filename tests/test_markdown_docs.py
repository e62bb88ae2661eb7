"""Every Markdown file kvrules ships renders as written: code fences open and close on lines
of their own, and no heading or prose ends up inside a code block.

A closing fence with text after it (```` ``` Keywords, roles … ````) is no closing fence in
CommonMark: the block ran on, and "## Conditions" of docs/rulebook-language.md rendered as
code. The rendering is markdown-it's (markdown-it-py, which rich already brings), the parser
the docs are checked with; the headings it finds are compared with those a plain line scan
finds, so that a swallowed heading is named by its line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")


def markdown_files() -> list[Path]:
    """The Markdown files in the repository (git's list, so nothing a run left behind)."""
    listed = subprocess.run(
        ["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:  # not a git checkout (an sdist): the documented files
        return sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    return [ROOT / name for name in listed.stdout.split()]


def fence_problems(text: str) -> list[str]:
    """Lines where a fence does not open or close on a line of its own, by a line scan."""
    problems, opened = [], None  # opened: (line, marker) of the open fence
    for number, line in enumerate(text.splitlines(), start=1):
        found = _FENCE.match(line)
        if not found:
            continue
        marker, rest = found.groups()
        if opened is None:
            if marker[0] == "`" and "`" in rest:
                problems.append(f"line {number}: an opening fence with text holding '`'")
            opened = (number, marker)
        elif marker[0] == opened[1][0] and len(marker) >= len(opened[1]):
            if rest.strip():
                problems.append(
                    f"line {number}: text after a closing fence: {line.strip()[:40]!r} "
                    f"(the block opened at line {opened[0]} does not close here)"
                )
            opened = None
    if opened is not None:
        problems.append(f"line {opened[0]}: a code block that never closes")
    return problems


def scanned_headings(text: str) -> set[int]:
    """0-based lines of ATX headings outside fences, by the line scan."""
    headings, marker = set(), None
    for number, line in enumerate(text.splitlines()):
        if found := _FENCE.match(line):
            if marker is None:
                marker = found.group(1)
            elif found.group(1)[0] == marker[0] and len(found.group(1)) >= len(marker):
                marker = None
        elif marker is None and _ATX_HEADING.match(line):
            headings.add(number)
    return headings


def rendered(text: str) -> tuple[set[int], list[str]]:
    """markdown-it's view: 0-based lines of ATX headings, and fence lines it swallowed."""
    tokens = MarkdownIt("commonmark").parse(text)
    headings = {
        t.map[0] for t in tokens if t.type == "heading_open" and t.markup[0] == "#" and t.map
    }
    swallowed = []
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        start, _ = token.map
        for offset, line in enumerate(token.content.splitlines(), start=start + 2):
            if line.lstrip().startswith(token.markup):
                swallowed.append(
                    f"line {offset}: a fence inside the code block of line {start + 1}"
                )
    return headings, swallowed


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_code_fences_balance_and_no_heading_is_swallowed(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert fence_problems(text) == []
    headings, swallowed = rendered(text)
    assert swallowed == []
    lost = sorted(scanned_headings(text) - headings)
    assert [text.splitlines()[n] for n in lost] == [], "headings markdown-it renders as code"


def test_the_checks_find_the_defect_they_were_written_for() -> None:
    """The shape of the rulebook-language.md defect, caught by each check."""
    broken = (
        "```\nwarning: x\n``` Keywords are compared\n\n## Conditions\n\n```yaml\nwhen: a\n```\n"
    )
    assert fence_problems(broken) == [
        "line 3: text after a closing fence: '``` Keywords are compared' "
        "(the block opened at line 1 does not close here)"
    ]
    headings, swallowed = rendered(broken)
    assert 4 not in headings and swallowed
    fixed = broken.replace("``` Keywords", "```\nKeywords")
    assert fence_problems(fixed) == [] and rendered(fixed) == ({5}, [])
