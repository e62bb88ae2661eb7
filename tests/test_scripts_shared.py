"""One script detector for the organisation resolver and the language guess (a code review:
two, whose Han ranges differed: the language guess missed the CJK compatibility ideographs
U+F900-U+FAFF that the resolver counts as Han)."""

from __future__ import annotations

import pytest

from kvrules.enrich.language import guess
from kvrules.refdata.normalise import LOGOGRAPHIC, script_of


@pytest.mark.parametrize(
    ("text", "script", "code"),
    [
        ("\uf900\uf901\uf902研究", "Han", "zh"),  # compatibility ideographs (豈更車)
        ("\uf900\uf901\uf902", "Han", "zh"),
        ("哈尔滨工业大学", "Han", "zh"),
        ("東京大学の研究について", "Han", "ja"),  # kana decide Japanese, Han the majority
        ("서울대학교", "Hangul (Korean)", "ko"),
        ("Московский университет", "Cyrillic", "ru"),
        ("Київський національний університет", "Cyrillic", "uk"),
        ("جامعة طهران", "Arabic", "ar"),
        ("Πανεπιστήμιο Αθηνών", "Greek", "el"),
    ],
)
def test_the_resolver_and_the_language_guess_see_one_script(
    text: str, script: str, code: str
) -> None:
    assert script_of(text) == script
    assert guess([text]) == code


def test_logographic_names_are_han_or_kana_to_both() -> None:
    for char in ("\uf900", "中", "\u3400", "カ"):
        assert LOGOGRAPHIC.search(char)
        assert script_of(char * 2) in ("Han", "Japanese kana")
