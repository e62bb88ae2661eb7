"""English scientific words are not taken for Polish, Spanish or Italian (a code review on
main: "Neutropenia and thrombocytopenia after chemotherapy" was "not screened in Polish": the
endings -enia/-ania and the letter group "cz" are those of Greek and Latin medical terms too,
and two such words sufficed). The titles are written for this test; the words are English
medical, biological and chemical terms, some coined after the English word list was."""

from __future__ import annotations

import pytest

from kvrules.enrich.language import UNRECOGNISED, ends_as_english, is_english, unscreened

ENGLISH_SCIENCE = [
    "Neutropenia and thrombocytopenia after chemotherapy",
    "Sarcopenia in schizophrenia",
    "Osteopenia and sarcopenia in older adults",
    "Leukopenia, anemia and hypokalemia in sepsis",
    "Myasthenia gravis and neurasthenia",
    "Eczema and schizophrenia in twins",
    "Hebephrenia, paraphrenia and dipsomania",
    "Sarcopenia",
    "Neutropenia",
]


@pytest.mark.parametrize("title", ENGLISH_SCIENCE)
def test_english_medical_titles_are_screened(title: str) -> None:
    assert unscreened([title]) is None, title


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Rozpoznawanie twarzy w przestrzeni publicznej", "pl"),
        ("Leczenie i rozpoznawanie schorzeń", "pl"),  # "-enie", "cz": Polish, not English
        ("Propulsione ipersonica per razzi riutilizzabili", "it"),
        ("Propulsión hipersónica para cohetes reutilizables", "es"),
    ],
)
def test_the_same_signs_still_tell_other_languages(title: str, code: str) -> None:
    assert unscreened([title]) == code


def test_the_english_word_list() -> None:
    assert is_english("schizophrenia") and is_english("eczemas")  # listed, or listed + "s"
    assert not is_english("rozpoznawania")
    assert ends_as_english("neutropenia", 6, 3)  # as "leukopenia", "thrombocytopenia"
    assert not ends_as_english("rozpoznawania", 6, 3)
    assert UNRECOGNISED == "und"
