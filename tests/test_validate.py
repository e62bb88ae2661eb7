"""`kvrules validate`: one precise `path:line:col: message` per problem."""

from __future__ import annotations

import pytest

from kvrules.cli import cli
from tests.conftest import HEADER, rule_yaml


def problems(runner, path) -> list[str]:
    result = runner.invoke(cli, ["validate", str(path)])
    lines = [line for line in result.stderr.splitlines() if line]
    assert (result.exit_code == 0) == (not lines), result.output
    return lines


def test_valid_rulebook_exits_zero(runner, write_rulebook):
    path = write_rulebook(rule_yaml("a", 'partner.country == "CN"'))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert "1 rule(s)" in result.output


def test_unknown_field_with_did_you_mean(runner, write_rulebook):
    path = write_rulebook(rule_yaml("a", 'partner.country == "CN"', extra="  severty: high\n"))
    assert problems(runner, path) == [
        f"{path}:16:5: unknown field 'severty' (did you mean 'severity'?)"
    ]


@pytest.mark.parametrize(
    ("when", "col", "message"),
    [
        ('partner.country === "CN"', 30, "unexpected character '='"),
        (
            'partner.contry == "CN"',
            12,
            "unknown field 'partner.contry': partner has no 'contry' (did you mean 'country'?)",
        ),
        ("partner.country > 3", 11, "'>' needs a number or a date; 'partner.country' is text"),
        (
            'funder.amount == "lots"',
            29,
            'type mismatch: the field holds number values; "lots" is text',
        ),
        ('partner.name matches "(ab"', 37, "bad pattern: unclosed '('"),
        (
            'partner.name matches "^ab"',
            34,
            "bad pattern: '^': patterns always match the whole value",
        ),
        (
            'partner.lists == "x"',
            12,
            "'partner.lists' is list of text: cannot compare it; use 'partner.lists contains …'",
        ),
        ('partner.name matches "a(?=b)"', 35, "bad pattern: '(?…)' groups are not supported"),
        ('partner.name matches "[a.]"', 36, "bad pattern: '.' is not allowed inside [...]"),
    ],
)
def test_condition_errors_point_into_the_condition(runner, write_rulebook, when, col, message):
    path = write_rulebook(rule_yaml("a", f"'{when}'" if '"' in when else when))
    [line] = problems(runner, path)
    assert line.startswith(f"{path}:12:{col}: {message}"), line


def test_unknown_event_kind_duplicate_id_and_unknown_citation(runner, write_rulebook):
    path = write_rulebook(
        rule_yaml("a", 'partner.country == "CN"', on="partner.add"),
        rule_yaml("a", 'partner.country == "RU"').replace("cite: s1", "cite: s2"),
    )
    assert problems(runner, path) == [
        f"{path}:11:9: unknown event kind 'partner.add' (did you mean 'partner.added'?)",
        f"{path}:16:9: duplicate rule id 'a'",
        f"{path}:22:11: unknown citation 's2'; add it under sources:",
    ]


STRUCTURED = """\
  - id: a
    title: structured
    on: [partner.added]
    when:
      all:
        - partner.country == "CN"
        - any p in project.partners:
            - p.type contains "x"
    severity: low
    rationale: r
    cite: s1
"""


def test_structured_conditions_report_the_inner_line(runner, write_rulebook):
    path = write_rulebook(STRUCTURED)
    assert problems(runner, path) == [
        f"{path}:16:15: unknown field 'p.type': p has no 'type' (did you mean 'types'?)"
    ]


def test_block_scalar_condition_position(runner, write_rulebook):
    block = STRUCTURED.replace(
        """      all:
        - partner.country == "CN"
        - any p in project.partners:
            - p.type contains "x"
""",
        """      |
        partner.country == "CN" and
          partner.lists contains 5
""",
    )
    path = write_rulebook(block)
    [line] = problems(runner, path)
    assert line.startswith(f"{path}:15:34: type mismatch"), line


def test_nationality_needs_a_legal_basis(runner, write_rulebook):
    when = 'visit.visitor.attributes.nationality == "IR"'
    path = write_rulebook(rule_yaml("a", when, on="visit.requested"))
    [line] = problems(runner, path)
    assert line.startswith(
        f"{path}:12:11: 'visit.visitor.attributes.nationality' screens people"
    ), line
    allowed = write_rulebook(
        rule_yaml(
            "a",
            when,
            on="visit.requested",
            extra="  legal_basis: EU Council Regulation 267/2012 (Iran sanctions), Art. 23\n",
        ),
        name="ok.yaml",
    )
    assert problems(runner, allowed) == []


def test_yaml_aliases_and_duplicate_keys_are_rejected(runner, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n')
    assert problems(runner, bomb) == [
        f"{bomb}:1:4: anchors and aliases (&, *) are not allowed in rulebooks"
    ]
    dup = tmp_path / "dup.yaml"
    dup.write_text(HEADER.replace("jurisdiction: NL", "jurisdiction: NL\ntitle: again"))
    assert problems(runner, dup) == [f"{dup}:5:1: duplicate key 'title'"]


def test_missing_field_and_bad_severity(runner, write_rulebook):
    path = write_rulebook(
        rule_yaml("a", 'partner.country == "CN"').replace("severity: medium", "severity: urgent")
    )
    [line] = problems(runner, path)
    assert line.startswith(f"{path}:13:15: severity: Input should be 'info'"), line
    path = write_rulebook(
        rule_yaml("a", 'partner.country == "CN"').replace("    rationale: r\n", "")
    )
    assert problems(runner, path) == [f"{path}:9:5: missing field 'rationale'"]


def test_not_utf8_and_not_yaml(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"rulebook: x\ntitle: \xff\n")
    assert problems(runner, bad) == [f"{bad}:2:1: file is not valid UTF-8"]
    bad.write_text("rulebook: [unclosed\n")
    [line] = problems(runner, bad)
    assert line.startswith(f"{bad}:2:1: YAML:"), line


def test_relative_dates_are_fixed_at_load_time(runner, write_rulebook):
    from datetime import date

    from kvrules.rulebook.condition import _relative_date
    from kvrules.rulebook.loader import load_rulebook

    path = write_rulebook(
        rule_yaml("recent", "output.published_on >= today - 5y", on="output.published")
    )
    [rule] = load_rulebook(path).rules
    cutoff = _relative_date("today - 5y")
    assert rule.condition.value == cutoff.year * 10000 + cutoff.month * 100 + cutoff.day
    assert _relative_date("today - 1y", date(2024, 2, 29)) == date(2023, 2, 28)
    bad = write_rulebook(rule_yaml("x", "partner.name == today"), name="bad.yaml")
    [line] = problems(runner, bad)
    assert "type mismatch: the field holds text values; today is date" in line
