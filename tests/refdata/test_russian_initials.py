# ruff: noqa: RUF002  (the Cyrillic initials in the docstring are meant)
"""Russian names written as their initials, and with whom they are named after (names left
open by the review of names in other scripts, item 1).

Before: "МГУ" and "MGU" did not find Moscow State University (on the shipped DoD 1286 list,
linked to ROR 010pmpe69, whose Russian names are "Московский государственный университет" and
"… имени М.В. Ломоносова"); with the real ROR records imported "МГУ" was only a candidate for
Mahatma Gandhi University (India), and "ВШЭ" (Высшая школа экономики, the Higher School of
Economics) found nothing. "МГУ им. М.В. Ломоносова", the way Russians write the university,
found nothing. The acronyms come from the names the list or the ROR record carries, by the
rule Russian initialisms follow (each word's first letter, a hyphenated word's parts each,
connectives and the namesake after "имени" left out): no table of organisations.

Records: the shipped ROR sample's 010pmpe69 (CC0), and 055f7t516 and 00h4spn88 as the shared
ROR dump has them (ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e,
CC0 1.0).
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.normalise import name_initials, named_after_key

MSU = "moscow-state-university"
ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
HSE = Entry(
    entry_id="055f7t516",
    ror_id="055f7t516",
    name="National Research University Higher School of Economics",
    aliases=["Высшая школа экономики", "Юғары иҡтисад мәктәбе"],
    acronyms=["HSE"],
    country="RU",
)
MAHATMA_GANDHI = Entry(
    entry_id="00h4spn88",
    ror_id="00h4spn88",
    name="Mahatma Gandhi University",
    acronyms=["MGU"],
    country="IN",
)


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Московский государственный университет имени М.В. Ломоносова", "МГУ"),
        ("Московский физико-технический институт", "МФТИ"),
        ("Высшая школа экономики", "ВШЭ"),
        ("Bauman Moscow State Technical University", "BMSTU"),
        ("Курчатовский институт", None),  # two letters say nothing
        ("МГУ", None),  # an acronym already
    ],
)
def test_initials_are_read_as_russian_initialisms_are_made(name, initials):
    assert name_initials(name) == initials


def test_initials_and_namesake_meet_the_full_name():
    full = named_after_key("Московский государственный университет имени М.В. Ломоносова")
    assert full is not None
    for written in ["МГУ им. М.В. Ломоносова", "МГУ имени Ломоносова", "МГУ им. Ломоносова"]:
        assert named_after_key(written) == full
    assert named_after_key("МГУ им. Баумана") != full
    assert named_after_key("Moscow State University") is None


def _listed(found, entry=MSU):
    return [(m.method, m.candidate) for m in found if m.entry == entry]


@pytest.mark.parametrize("written", ["МГУ", "MGU"])
def test_the_initials_of_the_records_russian_name_find_the_listed_entry(shipped_resolver, written):
    found = shipped_resolver.match(written)
    assert _listed(found) == [("initials", True)]  # a guess to confirm, as an acronym is
    said = next(m for m in found if m.entry == MSU).explanation
    assert "initialled 'Московский государственный университет" in said


@pytest.mark.parametrize("written", ["МГУ им. М.В. Ломоносова", "МГУ имени Ломоносова"])
def test_initials_and_namesake_name_the_university(shipped_resolver, written):
    top = next(m for m in shipped_resolver.match(written) if m.list == "us_dod_1286")
    assert (top.entry, top.method, top.candidate) == (MSU, "initials and namesake", False)
    assert shipped_resolver.match(written, "CN") == []  # in another country: nothing
    assert shipped_resolver.match("МГУ им. Баумана") == []  # another namesake


def test_a_cyrillic_acronym_prefers_organisations_that_write_cyrillic():
    resolver = Resolver(records=[(ROR, HSE), (ROR, MAHATMA_GANDHI)])
    assert [m.entry for m in resolver.match("MGU")] == ["00h4spn88"]  # the Latin one
    assert [(m.entry, m.method) for m in resolver.match("ВШЭ")] == [("055f7t516", "initials")]
    assert [m.entry for m in resolver.match("VShE")] == ["055f7t516"]


def test_written_in_cyrillic_it_is_not_the_latin_namesake():
    shipped = Entry(
        entry_id="010pmpe69",
        ror_id="010pmpe69",
        name="Lomonosov Moscow State University",
        aliases=["Московский государственный университет"],
        acronyms=["MSU"],
        country="RU",
    )
    resolver = Resolver(records=[(ROR, shipped), (ROR, MAHATMA_GANDHI)])
    assert [m.entry for m in resolver.match("МГУ")] == ["010pmpe69"]
    assert {m.entry for m in resolver.match("MGU")} == {"010pmpe69", "00h4spn88"}  # both


@pytest.mark.parametrize("written", ["НИУ ВШЭ", "ФГАОУ ВО «НИУ ВШЭ»"])
def test_a_status_s_initials_before_the_organisations_are_passed_over(written):
    # "НИУ" (национальный исследовательский университет) names no organisation written in
    # Cyrillic here; its Latin twin "NIU" is no evidence for a query written in Cyrillic
    niu = Entry(entry_id="niu", name="Northern Illinois University", acronyms=["NIU"], country="US")
    resolver = Resolver(records=[(ROR, HSE), (ROR, MAHATMA_GANDHI), (ROR, niu)])
    found = resolver.match(written)
    assert [(m.entry, m.method, m.candidate) for m in found] == [("055f7t516", "initials", True)]
    assert found[0].part == written


def test_two_acronyms_naming_two_organisations_name_neither():
    msu = Entry(
        entry_id="010pmpe69",
        name="Lomonosov Moscow State University",
        aliases=["Московский государственный университет"],
        country="RU",
    )
    assert Resolver(records=[(ROR, HSE), (ROR, msu)]).match("МГУ ВШЭ") == []


def test_the_pre_screen_says_the_new_ways_in_words():
    from kvrules.plain import matched_by

    assert matched_by("initials", candidate=True) == (
        "the initials of one of its names (a candidate for a person to judge)"
    )
    assert matched_by("initials and namesake") == (
        "its name's initials and the person it is named after"
    )
    assert matched_by("short name") == "its name shortened"
