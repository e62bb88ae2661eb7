"""Escapes in a condition's quoted text: the documented ones are decoded, a pattern's own
backslashes (\\w, \\d, \\.) reach the pattern unchanged, and nothing warns."""

from __future__ import annotations

import warnings

import pytest

from kvrules.rulebook.condition import ConditionError, compile_condition


def _value(condition: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a future Python turns today's warning into an error
        compiled = compile_condition(condition)
    return getattr(compiled, "value", None) or getattr(compiled, "text", None)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (r'"caf\xe9"', "café"),
        (r'"\u00e9t\u00e9"', "été"),
        (r'"\U0001F600"', "\U0001f600"),
        (r'"a\\b"', "a\\b"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'it\'s'", "it's"),
        (r'"tab\there"', "tab\there"),
        ('"北京理工大学"', "北京理工大学"),
        (r'"\N{LATIN SMALL LETTER E WITH ACUTE}"', "é"),
    ],
)
def test_documented_escapes_are_decoded(literal: str, expected: str) -> None:
    assert _value(f"project.title == {literal}") == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r'"\w+ University"', r"\w+ University"),
        (r'"\d{4}"', r"\d{4}"),
        (r'"Inst\. of Tech\."', r"Inst\. of Tech\."),
        (r'"a\sb"', r"a\sb"),
    ],
)
def test_pattern_escapes_reach_the_pattern_without_a_warning(pattern: str, expected: str) -> None:
    assert _value(f"project.title matches {pattern}") == expected


@pytest.mark.parametrize(
    "literal", [r'"\x4"', r'"\u12"', r'"\U0001F6"', r'"\U00110000"', r'"\N{nope}"', r'"\N"']
)
def test_a_truncated_escape_is_a_clear_error(literal: str) -> None:
    with pytest.raises(ConditionError, match="bad escape"):
        compile_condition(f"project.title == {literal}")
