"""Chinese names in Wade-Giles are read in pinyin (reviewer's defect 7, names in non-Latin
scripts).

Before (shipped lists): "Hsi-an Chiao-t'ung Ta-hsüeh" (Xi'an Jiaotong University) and
"Fu-tan University" were not found. A hyphenated word whose every syllable is a Wade-Giles
syllable is now read in pinyin (Library of Congress Wade-Giles/pinyin conversion tables), and
the pinyin looked up: the 1286 FY25 list (public domain) and the demo ROR sample (CC0 1.0,
Xi'an Jiaotong University 017zhmm22 with its Han name 西安交通大学).
"""

from __future__ import annotations

import pytest

from kvrules.refdata.wade_giles import as_pinyin


@pytest.mark.parametrize(
    ("wade_giles", "pinyin"),
    [
        ("Hsi-an Chiao-t'ung Ta-hsüeh", "Xian Jiaotong Daxue"),
        ("Fu-tan University", "Fudan University"),
        ("Ch'ing-hua Ta-hsüeh", "Qinghua Daxue"),
        ("Pei-ching Ta-hsüeh", "Beijing Daxue"),
        ("Che-chiang Ta-hsüeh", "Zhejiang Daxue"),
        ("Nan-k'ai University", "Nankai University"),
        ("Chung-shan Ta-hsüeh", "Zhongshan Daxue"),
    ],
)
def test_wade_giles_in_pinyin(wade_giles, pinyin):
    assert as_pinyin(wade_giles) == pinyin


@pytest.mark.parametrize(
    "english",
    [
        "Sun Yat-sen University",
        "National University of Kyiv-Mohyla Academy",
        "Max-Planck Institute",
    ],
)
def test_hyphenated_words_that_are_no_syllables_stay(english):
    assert as_pinyin(english) is None


@pytest.mark.parametrize(
    ("written", "listed"),
    [
        ("Hsi-an Chiao-t'ung Ta-hsüeh", "Xi’an Jiatong University"),
        ("Fu-tan University", "Fudan University"),
    ],
)
def test_the_listed_university_is_found(shipped_resolver, written, listed):
    top = shipped_resolver.match(written, "CN")[0]
    assert (top.list, top.name, top.method, top.candidate) == (
        "us_dod_1286",
        listed,
        "transliteration",
        False,
    )
    assert shipped_resolver.match(written)[0].candidate  # no country: confirm it
    assert shipped_resolver.match(written, "RU") == []
