"""A country written before the name is read as a trailing one is (reviewer's defect 5).

Before: ``match "中国 哈尔滨工业大学"`` and ``"中国哈尔滨工业大学"`` were not found, while
``"哈尔滨工业大学 (中国)"`` in full-width brackets matched; a two-character country in Chinese after the name was not
read as its country either (0.95, "no country", where "…, China" gives 0.97).
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Resolver
from kvrules.refdata.affiliations import country_of, leading_country

HIT = "harbin-institute-of-technology"


@pytest.mark.parametrize(
    "written",
    [
        "中国 哈尔滨工业大学",
        "中国哈尔滨工业大学",
        "哈尔滨工业大学（中国）",
        "China Harbin Institute of Technology",
        "China, Harbin Institute of Technology",
        "Chine, Harbin Institute of Technology",
    ],
)
def test_the_country_before_or_after_the_name_gives_the_same_answer(
    shipped_resolver: Resolver, written: str
) -> None:
    after = shipped_resolver.match("Harbin Institute of Technology, China")[0]
    top = shipped_resolver.match(written)[0]
    assert (top.entry, top.score, top.candidate) == (HIT, after.score, False) == (HIT, 0.97, False)


def test_a_leading_country_is_cut_off_only_before_a_name(shipped_resolver: Resolver) -> None:
    assert leading_country("中国哈尔滨工业大学") == ("CN", "哈尔滨工业大学")
    assert leading_country("Россия, МФТИ") == ("RU", "МФТИ")
    assert leading_country("Harbin Institute of Technology") is None
    # a name that opens with its country's name is that name, not the country and the rest
    nudt = shipped_resolver.match("中国人民解放军国防科学技术大学")[0]
    assert nudt.entry == "national-university-of-defense-technology"
    assert shipped_resolver.match("China Pharmaceutical Nowhere University") == []


def test_a_country_in_chinese_after_the_name_is_its_country() -> None:
    assert country_of("哈尔滨工业大学, 中国") == "CN"
    assert country_of("哈尔滨工业大学（俄罗斯）") == "RU"
