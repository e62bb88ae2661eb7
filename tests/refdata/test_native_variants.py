"""Chinese names in the short forms people write for them (reviewer's defect 2).

Before: ``match "国防科技大学"`` (NUDT's own short name) and "Guofang Keji Daxue" were not found;
only the full 中国人民解放军国防科学技术大学 matched. Generic rules (normalise.native_variants):
科学技术 → 科技, and the prefixes 中国人民解放军 (PLA) and 中国 left out, applied to every Han name
when the index is built and to the query; a form that is the ending of another organisation's
name ("农业科学院") is never added.

Records: NUDT as the shipped ror_sample.json has it (ROR 05d2yfz11, CC0); CAAS and CATAS from
the shared ROR dump (ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e,
CC0 1.0); USTC's names as ROR 04c4dkn09 carries them (CC0; the shared dump lacks the record).
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.normalise import native_variants

ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")
DOD = ListInfo(list_id="dod", edition="FY25", title="1286", kind="designation")
NUDT, USTC, CAAS, CATAS = "05d2yfz11", "04c4dkn09", "0313jb750", "003qeh975"


def _ror(rid: str, name: str, han: str, *, alias: str | None = None) -> tuple[ListInfo, Entry]:
    aliases = [alias] if alias else []
    entry = Entry(entry_id=rid, ror_id=rid, name=name, aliases=[han, *aliases], country="CN")
    return ROR, entry


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(
        records=[
            _ror(
                NUDT,
                "National University of Defense Technology",
                "中国人民解放军国防科学技术大学",
                alias="Guófáng Kēxuéjìshù Dàxué",
            ),
            _ror(USTC, "University of Science and Technology of China", "中国科学技术大学"),
            _ror(CAAS, "Chinese Academy of Agricultural Sciences", "中国农业科学院"),
            _ror(CATAS, "Chinese Academy of Tropical Agricultural Sciences", "中国热带农业科学院"),
            (
                DOD,
                Entry(
                    entry_id="nudt",
                    name="National University of Defense Technology",
                    ror_id=NUDT,
                    country="CN",
                ),
            ),
        ]
    )


@pytest.mark.parametrize(
    ("written", "rid"),
    [
        ("国防科技大学", NUDT),
        ("国防科学技术大学", NUDT),
        ("中国人民解放军国防科技大学", NUDT),
        ("Guofang Keji Daxue", NUDT),
        ("中国科技大学", USTC),
        ("Zhongguo Keji Daxue", USTC),
    ],
)
def test_the_usual_short_form_finds_the_organisation(
    resolver: Resolver, written: str, rid: str
) -> None:
    found = resolver.match(written, "CN")
    assert found and found[0].ror_id == rid and not found[0].candidate
    assert found[0].score == 1.0
    if rid == NUDT:  # the list's verdict, through the crosswalk
        assert "dod" in {m.list for m in found}
    assert "usual short form of the name" in found[0].explanation or written == "国防科学技术大学"


def test_a_form_other_organisations_names_end_with_is_never_added(resolver: Resolver) -> None:
    assert "农业科学院" in native_variants("中国农业科学院")  # the rule makes it …
    assert resolver.match("农业科学院", "CN") == []  # … but 中国热带农业科学院 ends so too
    assert resolver.match("中国农业科学院", "CN")[0].ror_id == CAAS


def test_names_in_other_scripts_have_no_variants() -> None:
    assert native_variants("University of Science and Technology of China") == ()
    assert native_variants("Московский физико-технический институт") == ()
