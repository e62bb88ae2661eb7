"""An acronym a record carries in Han script is found when written so (names left open by the
review of names in other scripts, item 3).

Before: ROR's "大艺" (acronym, lang zh) of Dalian Art College was indexed under its
romanisation ("dayi") only, so `match "大艺"` found nothing, while `match "DAYI"` found it.
Chinese abbreviations no record carries are not made up: the ROR records of Harbin Institute
of Technology, Xi'an Jiaotong University, Beijing Institute of Technology and Beihang
University (01yqg2h08, 017zhmm22, 01skt4w74, 00wk2mp56) carry no 哈工大, 西安交大, 北理工 or
北航, and neither does the DoD 1286 list.

Record 0385sfg39 as the shared ROR dump has it (ror-community/ror-records @
d93fc667872f8ef9386896bd6c68bd3c6103603e, CC0 1.0).
"""

from __future__ import annotations

from kvrules.refdata import Entry, ListInfo, Resolver

ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
DAC = Entry(
    entry_id="0385sfg39",
    ror_id="0385sfg39",
    name="Dalian Art College",
    aliases=[
        "Dalian Art College of Northeastern University",
        "东北大学大连艺术学院",
        "大连艺术学院",
    ],
    acronyms=["DAC", "大艺"],
    country="CN",
)


def test_the_han_acronym_is_a_candidate_as_a_latin_one_is() -> None:
    resolver = Resolver(records=[(ROR, DAC)])
    (found,) = resolver.match("大艺")
    assert (found.entry, found.method, found.candidate) == ("0385sfg39", "acronym", True)
    assert [(m.entry, m.score) for m in resolver.match("DAC")] == [("0385sfg39", found.score)]
    assert resolver.match("大艺", "US") == []  # in another country: nothing


def test_abbreviations_no_record_carries_are_not_found(shipped_resolver) -> None:
    for written in ["哈工大", "西安交大", "北理工"]:
        assert shipped_resolver.match(written) == []
