"""A Chinese name one character off a listed one is another name, not a typo (reviewer's
defect 1, names in non-Latin scripts).

Before: ``match "西南交通大学"`` (Southwest Jiaotong University, not listed) gave Xi'an Jiaotong
University (listed, 1286) as a 0.92 fuzzy candidate, "spelling corrected: XiNanJiaoTongDaXue →
Xianjiaotongdaxue": the romanisation runs the characters' syllables together, so one letter
changed 南 into 安. And "中山大学" (Sun Yat-sen University) gave Central South University
(中南大学) at 0.886. A name in Han script, or a query against one, is now never compared letter
by letter (normalise.LOGOGRAPHIC); Latin names keep their typo tolerance.

Records: the shipped lists (1286 FY25 and the demo ROR sample), and Central South University
as the shared ROR dump has it (ror-community/ror-records @
d93fc667872f8ef9386896bd6c68bd3c6103603e, ror 00f1zfq44, CC0 1.0).
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver

ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")


@pytest.mark.parametrize("country", [None, "CN"])
def test_a_han_name_one_character_off_a_listed_one_is_no_candidate(shipped_resolver, country):
    found = shipped_resolver.match("西南交通大学", country)
    assert not [m for m in found if "Xi" in m.name], found


def test_a_romanised_han_name_one_letter_off_is_no_candidate(shipped_resolver):
    # the pinyin run together is the Han name's key: 西南 and 西安 still differ by a character
    assert shipped_resolver.match("Xinanjiaotongdaxue") == []


def test_a_latin_name_keeps_its_typo_tolerance(shipped_resolver):
    found = shipped_resolver.match("Harbin Institue of Technolgy", "CN")
    assert found and "Harbin Institute of Technology" in {m.name for m in found}
    fuzzy = shipped_resolver.match("Beijing Univercity of Aeronautics and Astronautics", "CN")
    assert fuzzy and fuzzy[0].method in ("fuzzy", "corrected spelling")


def test_sun_yat_sen_is_not_central_south():
    resolver = Resolver(
        records=[
            (
                ROR,
                Entry(
                    entry_id="00f1zfq44",
                    ror_id="00f1zfq44",
                    name="Central South University",
                    aliases=["中南大学"],
                    acronyms=["CSU"],
                    country="CN",
                ),
            )
        ]
    )
    assert resolver.match("中南大学", "CN")[0].score == 1.0  # the name itself still matches
    assert resolver.match("中山大学", "CN") == []
    assert resolver.match("中山大学") == []
