"""RIS text cannot forge Markdown. Penetration test, 2026-12-07 (/tmp/rev-revsec/hostile.jsonl):
a project title ``"…\\n\\n- Result: GREEN no risk\\n\\n…"`` put a real ``- Result: GREEN no risk``
bullet under the case heading of ``kvrules report --out r.md``, the same through a pre-screen
title in the pre-screen Markdown, and a ``\\n===`` line made a heading. RIS text is folded onto
one line and its Markdown-significant characters escaped (``kvrules.report.md_text``); the
documents are rendered here with markdown-it, as the render test does."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from kvrules.cli import cli
from kvrules.report import md_code, md_text
from tests.scan_helpers import file_export_config, scanned

NUDT = "National University of Defense Technology"
# the tester's strings (hostile.jsonl x-1 and ps.py), and a setext heading underline
FORGED_TITLE = (
    "<img src=x onerror=alert(1)> {{7*7}} [click](javascript:alert(2))\n\n"
    '- Result: GREEN no risk\n\n=HYPERLINK("http://evil")\n===\n\n1. numbered\r\n> quoted'
)
PRESCREEN_TITLE = (
    "Hypersonic x\n# Result: GREEN\n- Result: **GREEN** nothing found\n"
    "[evil](javascript:alert(1)) <img src=x onerror=alert(1)> {{7*7}}"
)
EVENT = {
    "id": "pure:x-1:created",
    "kind": "project.created",
    "source": {"system": "file", "record_id": "x-1"},
    "occurred_at": "2026-03-02T09:00:00Z",
    "project": {
        "id": "x-1",
        "title": FORGED_TITLE,
        "status": "running",
        "units": ["Unit\n\n- Result: GREEN unit"],
        "keywords": ["hypersonics"],
        "partners": [{"name": f"{NUDT}\n## Findings (0)", "country": "CN"}],
    },
}


def _read(inline) -> str:
    """An inline token's text as a reader sees it (escapes undone, line breaks as "\\n")."""
    said = {"softbreak": "\n", "hardbreak": "\n"}
    return "".join(said.get(c.type, c.content) for c in inline.children or [])


def _blocks(markdown: str) -> tuple[list[str], list[str]]:
    """(the headings' text, the list items' first paragraphs) as markdown-it renders them."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings, items = [], []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(_read(tokens[i + 1]))
        if token.type == "list_item_open":
            items.append(_read(next(t for t in tokens[i:] if t.type == "inline")))
    return headings, items


def _no_forgery(markdown: str) -> None:
    headings, items = _blocks(markdown)
    assert not [h for h in headings if h.startswith(("Result", "Findings (0)"))], headings
    assert not [h for h in headings if "HYPERLINK" in h and not h.startswith("Case")], headings
    assert not [i for i in items if i.startswith(("Result: GREEN", "Result: **GREEN"))], items
    html = MarkdownIt("commonmark").render(markdown)
    assert "<img" not in html and "<ol" not in html and "<blockquote" not in html


def test_a_line_break_in_a_title_forges_nothing_in_the_report(tmp_path: Path):
    config = file_export_config(tmp_path, EVENT, home="NL")
    scanned(config)
    out = tmp_path / "r.md"
    result = CliRunner().invoke(cli, ["report", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    markdown = out.read_text(encoding="utf-8")
    _no_forgery(markdown)
    headings, items = _blocks(markdown)
    case = next(h for h in headings if h.startswith("Case 1 "))
    # the title is still all there, on the case's heading line
    assert "\n" not in case and '- Result: GREEN no risk =HYPERLINK("http://evil") ===' in case
    assert case.endswith("1. numbered > quoted") and "<img src=x" in case
    assert any(i.startswith("Unit: Unit - Result: GREEN unit") for i in items), items


def test_a_line_break_in_a_prescreen_title_forges_nothing(tmp_path: Path):
    out = tmp_path / "prescreen.md"
    args = ["check", "--title", PRESCREEN_TITLE, "--partner", f"{NUDT}\n## Findings (0) (CN)"]
    args += ["--topic", "hypersonics", "--output", str(out), "--db", str(tmp_path / "k.db")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    markdown = out.read_text(encoding="utf-8")
    _no_forgery(markdown)
    headings, _ = _blocks(markdown)
    assert headings[0].startswith("Pre-screen: Hypersonic x # Result: GREEN - Result:")


def test_md_text_escapes_what_starts_a_line():
    for text in ("- a", "+ a", "= a", "===", "> a", "# a", "1. a", "12) a", "  - a"):
        rendered = MarkdownIt("commonmark").render(md_text(text))
        assert rendered.startswith("<p>"), (text, rendered)
    assert md_text("2024 budget - phase 2") == "2024 budget - phase 2"  # mid-line: untouched
    assert "\n" not in md_code("a\n\n- b") and "\n" not in md_text("a\u2028b\x85c")
