"""A Chinese name in pinyin with its place spelt as in English (reviewer's defect 4).

Before: "Harbin Gongye Daxue" was not found, while "Haerbin Gongye Daxue" (the pinyin the key
of 哈尔滨工业大学 is read as) matched at 0.95. normalise.pinyin_with_places adds the pinyin key
with a place's run of syllables replaced by the word the record's English name spells it with,
when they differ by one letter.

Records: HIT and XJTU as the shipped ror_sample.json has them (ROR 01yqg2h08, 017zhmm22, CC0);
Chongqing University,
Chongqing University of Arts and Sciences and Taipei Zoo from the shared ROR dump
(ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e, CC0 1.0), reduced to
their names and country.
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.normalise import pinyin_with_places

ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
RECORDS = {
    "01yqg2h08": ("Harbin Institute of Technology", "哈尔滨工业大学", "CN"),
    "023rhb549": ("Chongqing University", "重庆大学", "CN"),
    "01rcvq140": ("Chongqing University of Arts and Sciences", "重庆文理学院", "CN"),
    "03pyva468": ("Taipei Zoo", "臺北市立動物園", "TW"),
    "017zhmm22": ("Xi'an Jiaotong University", "西安交通大学", "CN"),
}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(
        records=[
            (ROR, Entry(entry_id=rid, ror_id=rid, name=name, aliases=[han], country=cc))
            for rid, (name, han, cc) in RECORDS.items()
        ]
    )


@pytest.mark.parametrize(
    ("written", "rid"),
    [
        ("Harbin Gongye Daxue", "01yqg2h08"),
        ("Haerbin Gongye Daxue", "01yqg2h08"),  # the generated pinyin, as before
        ("Chongqing Daxue", "023rhb549"),  # anyascii reads 重 as "zhong"
        ("Chongqing Wenli Xueyuan", "01rcvq140"),
        ("Taipei Shili Dongwuyuan", "03pyva468"),
        ("Xi'an Jiaotong Daxue", "017zhmm22"),  # "xian" is the pinyin already
        ("Xian Jiaotong Daxue", "017zhmm22"),
    ],
)
def test_pinyin_with_the_english_place_name_is_found(
    resolver: Resolver, written: str, rid: str
) -> None:
    found = resolver.match(written, "CN" if rid != "03pyva468" else "TW")
    assert found and found[0].ror_id == rid and not found[0].candidate


def test_only_a_place_the_english_name_spells_one_letter_apart_is_replaced() -> None:
    assert pinyin_with_places("哈尔滨工业大学", {"harbin"}) == ("harbingongyedaxue",)
    assert pinyin_with_places("哈尔滨工业大学", {"hanbin"}) == ()  # 2 letters from "haerbin"
    assert pinyin_with_places("Harbin Institute", {"harbin"}) == ()
    # the name's own place in another city is no variant of it
    assert pinyin_with_places("哈尔滨工业大学", {"beijing"}) == ()


def test_a_japanese_record_gets_no_pinyin_variant(resolver: Resolver) -> None:
    japanese = Resolver(
        records=[
            (
                ROR,
                Entry(
                    entry_id="x",
                    name="Gifu Prefecture Centre",
                    aliases=["岐阜県"],
                    country="JP",
                ),
            )
        ]
    )
    assert japanese.match("Gifu Xian", "JP") == []
