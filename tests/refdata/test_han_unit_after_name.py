"""A Chinese organisation's name with one of its units written straight after it is read as the
organisation (a grant-officer reviewer's defect): ``match "哈尔滨工业大学航天学院" --country CN``
was "not found" while ``"哈尔滨工业大学"`` alone and "Harbin Inst. of Tech., School of
Astronautics" matched the 1286 list, so a listed partner written so came out AMBER, not RED."""

from __future__ import annotations

import pytest

from kvrules.refdata import Resolver

HIT, BEIHANG = "harbin-institute-of-technology", "beihang-university"


@pytest.mark.parametrize(
    ("written", "entry"),
    [
        ("哈尔滨工业大学航天学院", HIT),  # school of astronautics
        ("哈尔滨工业大学 航天学院", HIT),
        ("北京航空航天大学宇航学院", BEIHANG),
        ("北京航空航天大学材料科学与工程学院", BEIHANG),
        ("北京航空航天大学可靠性与系统工程学院重点实验室", BEIHANG),
    ],
)
def test_a_unit_after_a_listed_name_is_read_as_its_organisation(
    shipped_resolver: Resolver, written: str, entry: str
) -> None:
    top = shipped_resolver.match(written, "CN")[0]
    assert (top.list, top.entry, top.candidate) == ("us_dod_1286", entry, False)
    assert top.part == written.split()[0][: len(top.part)]  # the organisation's own name


def test_the_registry_organisation_before_a_department(shipped_resolver: Resolver) -> None:
    top = shipped_resolver.match("清华大学自动化系", "CN")[0]
    assert (top.name, top.candidate) == ("Tsinghua University", False)


@pytest.mark.parametrize(
    "written",
    [
        "哈尔滨工业大学航天",  # the rest is no unit's name
        "工业大学航天学院",  # the part before it is no organisation's name
    ],
)
def test_only_a_known_name_before_a_units_ending(shipped_resolver: Resolver, written: str):
    assert shipped_resolver.match(written, "CN") == []
