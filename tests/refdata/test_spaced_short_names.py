"""A listed name's short form written a syllable a word is found as the one-word form is
(reviewer's defect 2, names in non-Latin scripts).

Before: `kvrules check --partner "Bei Hang (CN)" --partner "Fu Dan (CN)" --partner "Amir Kabir
(IR)"` said "Bei Hang: not found in …" and "Bei Hang reads as a person's name: … identify the
institution", while "Beihang", "Fudan", "Amirkabir" gave a 0.6 short-name candidate. The
shipped lists: US DoD 1286 FY25 (public domain) and the demo ROR sample (CC0 1.0).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kvrules.cli import cli


@pytest.mark.parametrize(
    ("spaced", "listed"),
    [
        ("Bei Hang", "Beihang University"),
        ("Fu Dan", "Fudan University"),
        ("Amir Kabir", "Amirkabir University of Technology"),
    ],
)
def test_the_spaced_form_finds_what_the_one_word_form_finds(shipped_resolver, spaced, listed):
    joined = spaced.replace(" ", "").capitalize()  # "Fudan" ("FuDan" reads as an acronym)
    one_word = [(m.list, m.entry, m.method, m.score) for m in shipped_resolver.match(joined)]
    found = shipped_resolver.match(spaced)
    assert [(m.list, m.entry, m.method, m.score) for m in found] == one_word
    assert found and found[0].name == listed and found[0].candidate and found[0].score == 0.6


def test_words_that_are_no_name_joined_stay_unfound(shipped_resolver):
    assert shipped_resolver.match("Bei Jing Hang Kong") == []  # four words: a phrase
    assert shipped_resolver.match("Ali Rezaei") == []


def test_check_names_the_candidate_and_calls_no_one_a_person():
    said = CliRunner().invoke(
        cli,
        [
            "check",
            "--partner", "Bei Hang (CN)",
            "--partner", "Fu Dan (CN)",
            "--partner", "Amir Kabir (IR)",
            "--topic", "hypersonic propulsion",
        ],
    )  # fmt: skip
    assert said.exit_code == 0, said.output
    text = " ".join(said.stdout.split())
    assert "reads as a person's name" not in text
    for spaced, listed in [("Bei Hang", "Beihang University"), ("Fu Dan", "Fudan University")]:
        assert f"{spaced}: possibly on the US DoD Section 1286 list" in text
        assert f"listed as “{listed}”" in text
        assert f"{spaced}: not found" not in text
