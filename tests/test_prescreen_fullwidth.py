"""Full-width brackets and commas do not hide a partner's country (reviewer's defect 1).

Before: ``--partner "Harbin Institute of Technology\\uff08CN\\uff09"`` (brackets U+FF08/U+FF09, as CJK input
methods type brackets) was AMBER "no country given", while "(CN)" and ", China" were RED: the
'NAME (COUNTRY)' reader looked for ASCII brackets only, though the matcher folds the
full-width forms (NFKC). A listed partner dropped from RED to AMBER.
"""

from __future__ import annotations

import pytest

from kvrules.prescreen import organisation_from_text
from tests.test_prescreen import check

HOT = ("--topic", "hypersonic propulsion")


@pytest.mark.parametrize(
    "written",
    [
        "Harbin Institute of Technology（CN）",
        "Harbin Institute of Technology （China）",
        "哈尔滨工业大学（中国）",
        "Harbin Institute of Technology，China",
    ],
)
def test_a_listed_partner_with_its_country_in_full_width_brackets_is_red(written: str) -> None:
    ascii_brackets = check("--partner", "Harbin Institute of Technology (CN)", *HOT)
    full_width = check("--partner", written, *HOT)
    assert ascii_brackets["triage"]["colour"] == "red"
    assert full_width["triage"]["colour"] == "red"


def test_the_reader_folds_the_brackets_and_keeps_the_name() -> None:
    assert organisation_from_text("哈尔滨工业大学（中国）") == {
        "name": "哈尔滨工业大学",
        "country": "CN",
    }
    assert organisation_from_text("Beihang University（CN）") == {
        "name": "Beihang University",
        "country": "CN",
    }
    # an acronym in full-width brackets stays the name's own, as in ASCII ones
    assert organisation_from_text("National University of Defense Technology（NUDT）") == {
        "name": "National University of Defense Technology(NUDT)"
    }
