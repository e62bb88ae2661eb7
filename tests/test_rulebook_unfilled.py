"""Which kinds in a rule's on: it can never fire on, because it holds only through the added
partner or funder (``kvrules.rulebook.unfilled``), decided on the IR of real rulebook text."""

from __future__ import annotations

import pytest

from kvrules.rulebook.loader import load_text
from kvrules.rulebook.unfilled import never_fires_on

HEAD = """\
rulebook: t
version: "1"
title: t
jurisdiction: NL
sources: [{id: s, cite: "c"}]
rules:
  - id: r
    title: r
    on: [partner.added, funder.added, project.created]
    severity: low
    rationale: r
    cite: s
    when: %s
"""


def _dead(when: str) -> list[tuple[list[str], str]]:
    (rule,) = load_text(HEAD % when).rules
    return never_fires_on(rule)


@pytest.mark.parametrize(
    ("when", "dead"),
    [
        ('partner.lists contains "x"', [(["funder.added", "project.created"], "partner.lists")]),
        ("funder.amount > 10", [(["partner.added", "project.created"], "funder.amount")]),
        # false without a partner in every branch
        (
            '\'partner.country == "CN" or (partner.lists contains "x" and project.id exists)\'',
            [(["funder.added", "project.created"], "partner.country")],
        ),
        # holds without a partner: `missing`, `not`, another branch, a project field
        ("partner.country missing", []),
        ("'not partner.lists contains \"x\"'", []),
        ("'partner.country == \"CN\" or project.title exists'", []),
        ("'any p in project.partners: p.lists contains \"x\"'", []),
    ],
)
def test_kinds_a_rule_never_fires_on(when: str, dead: list) -> None:
    assert _dead(when) == dead
