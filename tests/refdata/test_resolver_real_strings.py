"""Shapes of real affiliation strings the Crossref train split showed kvrules missing (issue #16
item 1): each test names the shape, on hand-made records."""

from __future__ import annotations

from kvrules.refdata import Entry, ListInfo, Resolver

ROR = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
LISTED = ListInfo(list_id="l", edition="FY25", title="l", kind="designation")


def _registry(*names: tuple[str, str, str]) -> list[tuple[ListInfo, Entry]]:
    return [
        (ROR, Entry(entry_id=rid, ror_id=rid, name=name, country=cc)) for rid, name, cc in names
    ]


def test_a_name_with_its_words_in_another_order_resolves() -> None:
    recs = _registry(("010pmpe69", "Lomonosov Moscow State University", "RU"))
    recs.append(
        (LISTED, Entry(entry_id="msu", name="Lomonosov Moscow State University", country="RU"))
    )
    found = Resolver(records=recs).match_affiliation(
        'FSEI of HPE "Moscow State Lomonosov University"'
    )
    top = found[0].matches[0]
    assert (top.list, top.method, top.candidate) == ("l", "word order", False)
    assert top.explanation.startswith('"Moscow State Lomonosov University" → ')


def test_words_in_another_order_decide_nothing_when_two_organisations_carry_them() -> None:
    recs = _registry(
        ("0aaaaaa00", "Vienna Medical University", "AT"),
        ("0bbbbbb00", "University Medical Vienna", "AT"),
    )
    found = Resolver(records=recs).match("Medical University Vienna")
    assert found and all(m.method != "word order" for m in found)  # a fuzzy candidate at most
    assert all(m.candidate for m in found)


def test_a_unit_in_another_order_is_not_an_organisation() -> None:
    recs = _registry(("0ccccc000", "Stem Cell Biology Institute", "US"))
    found = Resolver(records=recs).match("Institute of Stem Cell Biology")
    assert all(m.method != "word order" and m.candidate for m in found)
