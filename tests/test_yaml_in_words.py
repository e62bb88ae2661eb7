"""YAML's common mistakes said in plain words with what to do, never PyYAML's jargon
("mapping values are not allowed here", "expected <block end>, but found '<block mapping
start>'"); the docs' condition forms load as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvrules.rulebook.loader import RulebookError, load_text
from tests.conftest import HEADER, rule_yaml

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rulebook-language.md"


def _problem(text: str) -> str:
    with pytest.raises(RulebookError) as e:
        load_text(text, "own.yaml")
    [problem] = e.value.diagnostics
    return str(problem)


def test_an_unquoted_colon_in_a_title_says_to_quote_it():
    rule = rule_yaml("r", 'partner.country == "CN"').replace("title: r", "title: Partner: one")
    assert _problem(HEADER + rule).startswith(
        "own.yaml:10:19: a colon followed by a space inside a value: put the whole value in "
        'quotes, e.g. title: "Partner: a foreign one"'
    )


def test_an_inline_quantifier_unquoted_says_to_quote_it():
    rule = rule_yaml("r", "any p in project.partners: p.country == 'CN'", on="project.created")
    assert "a colon followed by a space inside a value" in _problem(HEADER + rule)


def test_a_key_indented_too_far_says_so():
    rule = rule_yaml("r", 'partner.country == "CN"', on="[partner.added]")
    rule = rule.replace("    when:", "     when:")
    assert _problem(HEADER + rule) == (
        "own.yaml:12:6: this line is indented differently from the one before it: the keys of "
        "one entry start in the same column (indent with spaces)"
    )


def test_a_tab_says_indent_with_spaces():
    rule = rule_yaml("r", 'partner.country == "CN"').replace("    when:", "\twhen:")
    assert _problem(HEADER + rule) == (
        "own.yaml:12:1: a tab character: indent with spaces only, never tabs"
    )


def test_a_quote_never_closed_says_so():
    rule = rule_yaml("r", '"partner.country == CN')
    assert "a quotation mark is opened and never closed" in _problem(HEADER + rule)


def _docs_conditions() -> list[str]:
    """The `when:` examples of the docs' Conditions section, each as written."""
    section = DOCS.read_text().split("## Conditions", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block
    return [chunk for chunk in block.group(1).split("\n\n") if chunk.strip()]


@pytest.mark.parametrize("condition", _docs_conditions())
def test_the_docs_condition_forms_load_as_written(condition):
    when = "".join(f"    {line}\n" for line in condition.splitlines())
    rule = (
        "  - id: r\n    title: r\n    on: project.created\n"
        + when
        + "    severity: low\n    rationale: r\n    cite: s1\n"
    )
    book = load_text(HEADER + rule, "own.yaml")
    assert [r.id for r in book.rules] == ["r"]
