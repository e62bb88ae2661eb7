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
        (
            'partner.name matches "a{1001}"',
            35,
            "bad pattern: {1001} repeats more than 1,000 times, the most RE2 matches: "
            "use smaller counts, or + or *",
        ),
        (
            'partner.name matches "(a{100}){100}"',
            42,
            "bad pattern: {100} multiplies the counts inside it to more than 1,000 times",
        ),
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


def test_a_rule_on_no_event_kind_is_an_error(runner, write_rulebook):
    # `on: []` was accepted, and the rule silently never ran (found by the fuzzer).
    path = write_rulebook(rule_yaml("a", 'partner.country == "CN"', on="[]"))
    assert problems(runner, path) == [f"{path}:11:9: on: name the event kinds the rule applies to"]


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


LAW = "EU Council Regulation 267/2012 (Iran sanctions), Art. 23"
# The rulebook declares the law as a source; a rule's legal_basis names it (two lines more)
LAW_HEADER = HEADER.replace("rules:\n", f'  - id: eu-267-2012\n    cite: "{LAW}"\nrules:\n')
SANCTIONS = "  legal_basis: eu-267-2012\n"


@pytest.mark.parametrize("key", ["staatsangehoerigkeit", "nation", "country", "herkunft"])
@pytest.mark.parametrize("legal_basis", ["", SANCTIONS], ids=["no-basis", "basis"])
def test_free_form_attributes_cannot_be_read_whatever_their_name(
    runner, write_rulebook, key, legal_basis
):
    # A word list let these through; the lint is structural: no rule reads a free-form
    # attribute unless the administrator allowed its path, whatever the source calls it.
    when = f'visit.visitor.attributes.{key} == "CN"'
    path = write_rulebook(
        rule_yaml("a", when, on="visit.requested", extra=legal_basis), header=LAW_HEADER
    )
    assert problems(runner, path) == [
        f"{path}:14:11: 'visit.visitor.attributes.{key}' reads a free-form attribute, which "
        "rules cannot read: use a catalogue field (docs/rulebook-language.md). Only if a law "
        "requires it, an administrator may allow "
        f"'visit.visitor.attributes.{key}' under readable_attributes in kvrules.yaml"
    ]


def test_attributes_inside_a_quantifier_are_refused_with_their_full_path(runner, write_rulebook):
    when = "any p in project.participants: p.attributes.herkunft == 'CN'"
    path = write_rulebook(
        rule_yaml("a", f'"{when}"', on="project.created", extra=SANCTIONS), header=LAW_HEADER
    )
    [line] = problems(runner, path)
    assert line.startswith(f"{path}:14:43: 'p.attributes.herkunft' reads a free-form attribute"), (
        line
    )
    assert "allow 'project.participants.attributes.herkunft'" in line
    whole_map = write_rulebook(
        rule_yaml("a", "visit.visitor.attributes exists", on="visit.requested"), name="m.yaml"
    )
    [line] = problems(runner, whole_map)
    assert "'visit.visitor.attributes' reads a free-form attribute" in line


def _config(tmp_path, rulebook, allowed: list[str]):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(f"rulebooks: [{rulebook.name}]\nreadable_attributes: {allowed}\n")
    return cfg


def test_an_allowed_attribute_still_needs_a_legal_basis(runner, write_rulebook, tmp_path):
    when = 'visit.visitor.attributes.sanctions_designation == "listed"'
    path = write_rulebook(rule_yaml("a", when, on="visit.requested"))
    cfg = _config(tmp_path, path, ["visit.visitor.attributes.sanctions_designation"])
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1
    assert (
        f"{path}:12:11: 'visit.visitor.attributes.sanctions_designation' is about a person: a "
        "rule may read it only with legal_basis:" in result.output
    ), result.output


def test_an_allowed_attribute_with_a_legal_basis_is_read_and_marks_the_version(
    write_rulebook,
):
    from kvrules.engine import load_rulebook
    from kvrules.engine.evaluator import Evaluator
    from kvrules.rulebook.cases import event_from_given

    when = 'visit.visitor.attributes.sanctions_designation == "listed"'
    path = write_rulebook(
        rule_yaml("a", when, on="visit.requested", extra=SANCTIONS), header=LAW_HEADER
    )
    allowed = ["visit.visitor.attributes.sanctions_designation"]
    book = load_rulebook(path, readable_attributes=allowed)
    assert book.attributes == tuple(allowed)
    assert book.version.startswith("1+attributes.")
    # The allow-list is part of the policy: another sign-off gives another version.
    other = load_rulebook(path, readable_attributes=[*allowed, "visit.visitor.attributes.x"])
    assert other.version == book.version  # only what the rulebook reads counts
    with Evaluator([book]) as evaluator:
        visitor = {"role": "guest", "attributes": {"sanctions_designation": "listed"}}
        given = {"kind": "visit.requested", "visit": {"visitor": visitor}}
        [finding] = evaluator.evaluate(event_from_given(given))
    assert finding.rulebook.version == book.version
    assert finding.legal_basis == LAW  # the law the source cites, not its id


def test_readable_attributes_must_name_one_attribute_key(runner, tmp_path):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text("readable_attributes: [visit.visitor.role]\n")
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code != 0
    assert "'visit.visitor.role' is not an attribute path" in result.output, result.output
    assert "Traceback" not in result.output


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
    assert line.startswith(f"{path}:13:15: severity: 'urgent' is not one of info"), line
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
    assert line == f"{bad}:2:1: a list in [ ] is not closed, or one of its items needs quotes"


def test_relative_dates_are_fixed_at_load_time(runner, write_rulebook):
    from datetime import date

    from kvrules.engine import load_rulebook
    from kvrules.rulebook.condition import _relative_date

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


def test_repetition_counts_up_to_1000_are_matched(write_rulebook):
    # Counts of 100 and more were refused as if the braces were misplaced; RE2 matches counts
    # up to 1,000 (nested ones multiplied) in linear time, so kvrules takes what RE2 takes.
    from kvrules.engine import load_rulebook
    from kvrules.engine.evaluator import Evaluator
    from kvrules.rulebook.cases import event_from_given

    book = load_rulebook(
        write_rulebook(
            rule_yaml("long", "'partner.name matches \"x{100}\"'"),
            rule_yaml("max", "'partner.name matches \"(y{10}){100}\"'"),
        )
    )
    with Evaluator([book], verify=True) as evaluator:
        for name, fired in (("x" * 100, ["long"]), ("x" * 101, []), ("y" * 1000, ["max"])):
            given = {"kind": "partner.added", "partner": {"name": name}}
            found = evaluator.evaluate(event_from_given(given))
            assert [f.rule_id for f in found] == fired, name


EVERY_STAGE = """\
  - id: listed
    title: Partner on a list
    on: [partner.added, project.created]
    when: partner.lists contians "x"
    severity: urgent
    risks: [knowledge-transfer]
    alert: committee
    rationale: Listed partner.
    cite: nosuch
    colour: red
  - id: second
    title: second
    on: [partner.addd]
    when: partner.name matches "^x"
    severity: high
    risks: [bad-risk]
    alert: committee
    rationale: x
    cite: s1
"""


def test_every_problem_of_a_rulebook_in_one_run_in_line_order(runner, write_rulebook):
    """Schema problems (a bad severity, an unknown field) no longer hide the semantic ones of
    the same rulebook (a condition typo, a bad cite, event kind, risk type or pattern)."""
    path = write_rulebook(EVERY_STAGE)
    lines = problems(runner, path)
    expected = [
        (12, 25, "unexpected 'contians'; expected '.', ':', 'contains'"),
        (13, 15, "severity: 'urgent' is not one of info, low, medium, high, critical"),
        (17, 11, "unknown citation 'nosuch'; add it under sources:"),
        (18, 5, "unknown field 'colour'"),
        (21, 10, "unknown event kind 'partner.addd' (did you mean 'partner.added'?)"),
        (22, 33, "bad pattern: '^': patterns always match the whole value"),
        (24, 13, "unknown risk type 'bad-risk'; choose from knowledge-transfer, interference"),
    ]
    assert len(lines) == len(expected), lines
    for line, (row, col, message) in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{row}:{col}: {message}"), line


def test_a_later_check_that_cannot_run_says_nothing_false(runner, write_rulebook):
    """With a source's id broken, the rule citing it is not said to cite an unknown source."""
    header = HEADER.replace("  - id: s1\n", "  - id: S 1\n")
    path = write_rulebook(rule_yaml("a", 'partner.country == "CN"'), header=header)
    # The old loader stopped here too; this guards that the later checks keep quiet.
    assert [line.split(": ", 1)[1] for line in problems(runner, path)] == [
        "id: 'S 1' is not a valid id: an id is lower-case letters, digits, '.', '_' or '-', "
        "starting with a letter or digit, at most 80 characters, e.g. 's-1'"
    ]


def test_validate_a_folder_without_rulebooks_is_an_error(runner, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in ("validate", "test"):
        result = runner.invoke(cli, [command, str(empty)])
        assert result.exit_code == 1, (command, result.output)
        assert result.output.strip() == f"{empty}: no rulebook files (*.yaml, *.yml) here", command
        assert "ok:" not in result.output and "passed" not in result.output


def test_test_on_rulebooks_without_tests_is_an_error(runner, write_rulebook):
    path = write_rulebook(rule_yaml("a", 'partner.country == "CN"'))
    result = runner.invoke(cli, ["test", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"{path}: no tests to run (add some under tests:)"


TESTS = """\
tests:
  - name: fires
    given: {kind: partner.added, partner: {name: X, country: CN}}
    expect: [a]
  - name: names a rule that is not there
    given: {kind: partner.added, partner: {name: X, country: CN}}
    expect: [a, nosuch]
  - name: quiet
    given: {kind: partner.added, partner: {name: X, country: NL}}
    expect: []
"""


def test_a_test_naming_an_unknown_rule_fails_alone(runner, write_rulebook):
    path = write_rulebook(rule_yaml("a", 'partner.country == "CN"') + TESTS)
    result = runner.invoke(cli, ["test", str(path)])
    assert result.exit_code == 1
    configuration, *lines = result.output.splitlines()
    assert configuration.startswith("configuration: ")
    assert lines == [
        f"FAIL {path}:20:11: names a rule that is not there: unknown rule 'nosuch'",
        "2 passed, 1 failed",
    ], result.output
    # validate names it as a problem of the file
    assert problems(runner, path) == [f"{path}:22:17: unknown rule 'nosuch'"]
    # and with the schema's problems, when there are some
    broken = write_rulebook(
        rule_yaml("a", 'partner.country == "CN"').replace("medium", "urgent") + TESTS,
        name="broken.yaml",
    )
    assert [line.split(": ", 1)[1] for line in problems(runner, broken)] == [
        "severity: 'urgent' is not one of info, low, medium, high, critical",
        "unknown rule 'nosuch'",
    ]


@pytest.mark.parametrize(
    ("when", "col", "message"),
    [
        (
            "partner.lists contains )",
            34,
            "unexpected ')'; expected a value (\"text\", 12, 2024-01-31, today, today - 5y, "
            "true, false or vars.NAME) or 'any [...]' / 'all [...]'",
        ),
        (
            "partner.country",
            19,
            "unexpected end of condition; expected '.', ':', 'contains', 'exists', 'in', 'matches', "
            "'missing', 'not' or a comparison (== != < <= > >=)",
        ),
    ],
)
def test_a_parse_error_says_what_can_be_written(runner, write_rulebook, when, col, message):
    """The expected tokens are said in the words a rulebook uses — no grammar-internal name
    ('quant', 'var') and nothing cut off with '…'."""
    path = write_rulebook(rule_yaml("a", f"'{when}'" if '"' in when else when))
    assert problems(runner, path) == [f"{path}:12:{col}: {message}"]


def test_every_token_of_the_condition_grammar_has_words_for_authors():
    """A token added to the grammar without words would reach a message by its internal name."""
    from kvrules.rulebook.condition import _EXPECT, _PARSER

    tokens = {t.name for t in _PARSER.terminals} - set(_PARSER.ignore_tokens)
    assert tokens <= set(_EXPECT)


# A condition written over two lines in each of YAML's scalar styles; the error is on the
# second line, after an escape or a doubled quote where the style has them. YAML folds or
# decodes the text before the condition parser sees it; the position must still be the file's.
TWO_LINE_CONDITIONS = {
    "plain": 'partner.country == "CN" and\n      partner.name != "x" and partner.nosuchfield == 1',
    "single-quoted": '\'partner.country == "CN" and\n'
    "      partner.name != \"it''s\" and partner.nosuchfield == 1'",
    "double-quoted": '"partner.country == \\"CN\\" and\n'
    '      partner.name != \\"\\u0078\\" and partner.nosuchfield == 1"',
    "literal": '|\n      partner.country == "CN" and\n'
    '      partner.name != "x" and partner.nosuchfield == 1',
    "folded": '>-\n      partner.country == "CN" and\n'
    '      partner.name != "x" and partner.nosuchfield == 1',
}


@pytest.mark.parametrize("when", TWO_LINE_CONDITIONS.values(), ids=TWO_LINE_CONDITIONS.keys())
def test_errors_on_a_later_line_of_a_condition_point_at_the_file(runner, write_rulebook, when):
    rule = "  - id: a\n    title: a\n    on: partner.added\n    when: " + when + "\n"
    path = write_rulebook(rule + "    severity: medium\n    rationale: r\n    cite: s1\n")
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "partner.nosuchfield" in text)
    col = lines[line - 1].index("partner.nosuchfield") + 1
    [problem] = problems(runner, path)
    assert problem.startswith(f"{path}:{line}:{col}: unknown field 'partner.nosuchfield'"), problem
