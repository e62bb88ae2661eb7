"""A Cyrillic acronym is looked up as the Latin one the list carries (reviewer's defect 3).

Before: ``match "МФТИ"`` was not found though the shipped 1286 entry of the Moscow Institute
of Physics and Technology carries "MFTI" (``match "MFTI"``: a 0.600 candidate); and a country
in brackets after an acronym ("MFTI (RU)") was read as part of it, so nothing was found.
"""

from __future__ import annotations

import pytest

from kvrules.refdata import Resolver
from kvrules.refdata.normalise import latin_acronym

MIPT = "moscow-institute-of-physics-and-technology"


def _top(resolver: Resolver, text: str, country: str | None = None) -> tuple:
    found = [m for m in resolver.match(text, country) if m.list == "us_dod_1286"]
    return (found[0].entry, found[0].score, found[0].candidate) if found else None


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("МФТИ", None),
        ("МФТИ", "RU"),
        ("МФТИ (RU)", None),
        ("МФТИ（Россия）", None),
        ("MFTI (RU)", None),
    ],
)
def test_the_cyrillic_acronym_is_as_sure_as_the_latin_one(
    shipped_resolver: Resolver, written: str, country: str | None
) -> None:
    latin = _top(shipped_resolver, "MFTI", "RU")
    assert latin == (MIPT, 0.6, True)  # a unique acronym: a candidate to confirm, as others are
    assert _top(shipped_resolver, written, country) == latin
    said = shipped_resolver.match(written, country)[0].explanation
    assert said.startswith(f'"{written}" →')  # the part as the person wrote it


def test_the_country_in_brackets_is_read(shipped_resolver: Resolver) -> None:
    assert _top(shipped_resolver, "МФТИ (CN)") is None  # the one MFTI is in Russia
    assert _top(shipped_resolver, "МФТИ", "CN") is None


def test_only_short_all_capital_cyrillic_words_are_transliterated() -> None:
    assert latin_acronym("МФТИ") == "MFTI"
    assert latin_acronym("ЦАГИ") == "TsAGI"
    assert latin_acronym("Россия") is None  # a word, not an acronym
    assert latin_acronym("РОССИЙСКАЯ") is None  # a word in capitals
    assert latin_acronym("MFTI") is None  # already Latin
