"""A rulebook's schema problems in an author's words: the value written, what is allowed, a
hint; never pydantic's patterns or "List should have at least 1 item after validation"."""

from __future__ import annotations

import pytest

from kvrules.rulebook.loader import RulebookError, load_text

BOOK = """\
rulebook: {book_id}
version: "1"
title: {title}
jurisdiction: NL
sources:
  - id: s1
    cite: "A citation"
rules:
  - id: {rule_id}
    title: t
    on: partner.added
    when: partner.country == "CN"
    severity: {severity}
    rationale: r
    cite: s1
"""


def _problems(**changes: str) -> list[str]:
    values = {"book_id": "uni2", "title": "T", "rule_id": "r1", "severity": "high", **changes}
    with pytest.raises(RulebookError) as e:
        load_text(BOOK.format(**values), "own.yaml")
    return [str(d) for d in e.value.diagnostics]


def test_an_id_that_is_not_a_slug_says_what_an_id_is_and_a_fitting_one():
    assert _problems(book_id="Uni2 Own") == [
        "own.yaml:1:11: rulebook: 'Uni2 Own' is not a valid id: an id is lower-case letters, "
        "digits, '.', '_' or '-', starting with a letter or digit, at most 80 characters, "
        "e.g. 'uni2-own'"
    ]


def test_an_empty_text_is_said_empty():
    assert _problems(title='""') == ["own.yaml:3:8: title: must not be empty: write some text"]


def test_a_severity_in_capitals_names_the_value_and_lower_case():
    assert _problems(severity="High") == [
        "own.yaml:13:15: severity: 'High' is not one of info, low, medium, high, critical: "
        "write it in lower case, 'high'"
    ]


def test_an_unknown_severity_names_the_value_and_the_choices():
    assert _problems(severity="urgent") == [
        "own.yaml:13:15: severity: 'urgent' is not one of info, low, medium, high, critical"
    ]


def test_a_rulebook_without_rules_says_it_needs_one():
    text = BOOK.format(book_id="uni2", title="T", rule_id="r", severity="low")
    with pytest.raises(RulebookError) as e:
        load_text(text.split("rules:")[0] + "rules: []\n", "own.yaml")
    assert [str(d) for d in e.value.diagnostics] == [
        "own.yaml:8:8: rules: a rulebook needs at least one rule under rules:, or rules of "
        "other rulebooks to turn off under disable:"
    ]


def test_a_rulebook_with_rules_and_no_source_says_it_needs_one():
    text = BOOK.format(book_id="uni2", title="T", rule_id="r", severity="low")
    head, rest = text.split("sources:\n")
    with pytest.raises(RulebookError) as e:
        load_text(head + "sources: []\n" + "rules:" + rest.split("rules:")[1], "own.yaml")
    assert [str(d) for d in e.value.diagnostics] == [
        "own.yaml:5:10: sources: a rulebook needs at least one source under sources: (what its "
        "rules cite)"
    ]
