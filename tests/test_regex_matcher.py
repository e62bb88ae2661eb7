"""The matcher a `matches` test runs (kvrules.rulebook.regex.matcher) answers as google-re2's
public `fullmatch` does, on the direct RE2 call and on its fallback alike."""

from __future__ import annotations

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from kvrules.rulebook import regex
from kvrules.rulebook.regex import matcher, translate

PATTERNS = [
    ".*(Defen[cs]e|Military|Aviation).*",  # bench/engine.py's rule
    ".*i?ng.*",  # durable_rules' DFA got this one wrong (tests/test_durable_canaries.py)
    "quantum.*",
    "(a|b)+c{2,3}",
    "[^x]*\\d{3}",
    "Ünïcode .*",
    "中国.*大学",
    ".*",
    "x",
]
VALUES = [
    "",
    "Military Academy 2",
    "Beihang University 3",
    "Tsinghua University",
    "quantum",
    "quantum computing\nline two",  # dot_nl: `.` crosses a newline
    "abcc",
    "abccc",
    "abcccc",
    "y123",
    "x123",
    "Ünïcode Aviation",
    "中国科学技术大学",
    "中国",
    "x",
    "X",
]


def public(pattern: str, value: str) -> bool:
    options = re2.Options()
    options.dot_nl = True
    return re2.compile(pattern, options=options).fullmatch(value) is not None


@pytest.fixture(params=["direct", "fallback"])
def path(request, monkeypatch):
    matcher.cache_clear()
    if request.param == "fallback":  # as with a google-re2 without the binding's call
        monkeypatch.setattr(regex, "_ANCHOR_BOTH", None)
    yield request.param
    matcher.cache_clear()


@pytest.mark.parametrize("written", PATTERNS)
def test_the_same_answers_as_google_re2s_fullmatch(written, path):
    pattern = translate(written)
    for value in VALUES:
        assert matcher(pattern)(value) is public(pattern, value), (written, value, path)


def test_the_direct_call_is_the_one_taken():
    # the speed it was built for (bench/engine.py): not google-re2's generator
    matcher.cache_clear()
    assert matcher(translate("x")).__name__ == "matches"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcxyMilitary 3中Ü\n"), max_size=24))
def test_random_text(value):
    for written in ("(a|b)+c{2,3}", ".*(Mili|tary).*", "[^x]*\\d", ".*中.*"):
        pattern = translate(written)
        assert matcher(pattern)(value) is public(pattern, value)
        assert regex.fullmatch(pattern, value) is public(pattern, value)


def test_a_value_that_is_no_text_is_refused_as_google_re2_refuses_it():
    pattern = translate("x")
    with pytest.raises(TypeError):
        public(pattern, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        matcher(pattern)(1)  # type: ignore[arg-type]
