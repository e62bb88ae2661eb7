"""A rule's rationale is true of every event kind the rule fires on (reviewer of the 0.3.0 →
0.4.0 upgrade: a partner added years after its project ended, read as `project.updated`, got
`project-partner-on-1286`'s "the partner was named from the start … not added later"; the
rationale is one text per rule, copied into the finding whatever the event,
``kvrules.engine.evaluator``). A rule that fires on updates and changes may not say when the
partner, funder or visitor appeared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvrules.rulebook.loader import load_rulebook

SHIPPED = sorted((Path(__file__).parents[1] / "rulebooks").glob("*.yaml"))
# kinds whose record may carry something added at any time since the record began
LATER = re.compile(r"\.(updated|changed)$")
# a rationale saying that what fired was there from the beginning
FROM_THE_START = re.compile(r"from the start|not added later|since the beginning", re.I)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_rule_firing_on_updates_says_what_fired_was_there_from_the_start(path: Path) -> None:
    rulebook = load_rulebook(path)
    wrong = [
        rule.id
        for rule in rulebook.rules
        if any(LATER.search(kind) for kind in rule.kinds)
        and FROM_THE_START.search(rule.rationale + " " + (rule.rationale_abroad or ""))
    ]
    assert wrong == []


def test_the_reviewers_rule_fires_on_updates_and_says_both_cases() -> None:
    [rulebook] = [load_rulebook(p) for p in SHIPPED if p.stem == "us-dod-1286"]
    [rule] = [r for r in rulebook.rules if r.id == "project-partner-on-1286"]
    assert "project.updated" in rule.kinds
    assert "whenever it was named (at the outset or later)" in rule.rationale
