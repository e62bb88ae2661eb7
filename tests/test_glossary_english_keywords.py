"""An English keyword meets no German, Dutch or French glossary term (a code review on main:
the keyword "dronedarone", a drug, met the Dutch "drone*" and gave Annex I Category 9, a high
arms-embargo finding beside a Chinese partner; "pathogenesis" met the French "pathogène*"
once accents were folded). Whether a match in a field of no language could be English is
decided by an English word list, and German and Dutch compounds alone still count."""

from __future__ import annotations

import pytest

from kvrules.enrich.areas import default_classifier


def _areas(keyword: str) -> set[str]:
    return {h.area for h in default_classifier().classify([keyword], [], None)}


@pytest.mark.parametrize(
    "keyword",
    ["dronedarone", "pathogenesis", "pathogenetic", "cancer pathogenesis", "Pathogenesis"],
)
def test_an_english_keyword_meets_no_glossary_term(keyword: str) -> None:
    assert _areas(keyword) == set()
    hits = default_classifier().classify([keyword], [], "Insulin resistance in type 2 diabetes")
    assert hits == []


@pytest.mark.parametrize(
    ("keyword", "area"),
    [
        ("dronezwermen", "eu-dual-use:cat9"),  # Dutch "drone*", a compound
        ("Dronevlucht", "eu-dual-use:cat9"),
        ("Laserwaffen", "eu-dual-use:cat6"),  # German "laser*"
        ("Lasertechnik", "eu-dual-use:cat6"),
        ("Plutoniumherstellung", "eu-dual-use:cat0"),
        ("Krankheitserreger", "eu-dual-use:cat1"),
        ("Hyperschallantriebe", "eu-dual-use:cat9"),
    ],
)
def test_a_compound_alone_still_counts(keyword: str, area: str) -> None:
    assert area in _areas(keyword), _areas(keyword)


def test_a_dutch_title_keeps_pathogens() -> None:
    assert "eu-dual-use:cat1" in {
        h.area for h in default_classifier().classify([], [], "Pathogenen in de voedselketen")
    }
