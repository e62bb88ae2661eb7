"""A similar-name match says what it was compared with (reviewer's defect 5, names in
non-Latin scripts).

Before: the pre-screen/case page's "Matched by" read `a similar name (a candidate for a person to
judge): "<the partner's own text>"`, the name it resembled only under "technical detail"; the
evidence lines of `show` and e-mails gave "(a similar name, score 0.94)". Now the plain line
names the listed name it resembles (the list's own name for the entry when the match was made on
another of its names), the romanisation when the two are in different scripts, and the score.
"""

from __future__ import annotations

import re
from pathlib import Path

from kvrules.plain import _list_entry, resemblance
from kvrules.prescreen import Screener
from tests.refdata.prescreen_page import prescreened_page

TYPED = "Xian Jiaotomg University"  # a typo in a distinctive word: a fuzzy match


def test_the_line_names_the_name_it_resembles_and_the_listed_name():
    m = {
        "part": TYPED,
        "matched": "Xi’an Jiaotong University",  # the ROR name linked to the 1286 entry
        "name": "Xi’an Jiatong University",  # the 1286 list's own (misspelt) wording
        "score": 0.938,
        "method": "fuzzy",
    }
    assert resemblance(m) == (
        "“Xian Jiaotomg University” resembles “Xi’an Jiaotong University” "
        "(Xi’an Jiatong University), score 0.94"
    )


def test_scripts_that_differ_are_romanised():
    same_script = {
        "part": "西南交通大学",
        "matched": "西安交通大学",
        "name": "Xi'an Jiaotong University",
    }
    assert resemblance(same_script | {"score": 0.94}) == (
        "“西南交通大学” resembles “西安交通大学” (Xi'an Jiaotong University), score 0.94"
    )
    latin_to_han = {
        "part": "Xinan Jiaotong Daxue",
        "matched": "西安交通大学",
        "name": "西安交通大学",
    }
    assert resemblance(latin_to_han | {"score": 0.9}) == (
        "“Xinan Jiaotong Daxue” resembles “西安交通大学” (romanised “XiAnJiaoTongDaXue”), score 0.90"
    )
    cyrillic_to_latin = {"part": "Московский авиационный институд", "matched": "MAI", "score": 0.9}
    assert "(romanised “Moskovskiy aviatsionnyy institud”)" in resemblance(cyrillic_to_latin)


def test_an_evidence_line_names_what_was_compared():
    line = _list_entry(
        [
            {
                "list": "us_dod_1286",
                "edition": "FY25",
                "name": "Xi’an Jiatong University",
                "matched": "Xi’an Jiaotong University",
                "part": TYPED,
                "method": "fuzzy",
                "score": 0.938,
            }
        ]
    )
    assert (
        "(a similar name: “Xian Jiaotomg University” resembles “Xi’an Jiaotong University”" in line
    )
    assert line.endswith("score 0.94)") or "score 0.94)" in line


def test_the_finding_card_names_what_was_compared(
    tmp_path: Path, shipped_screener: tuple[Path, Screener]
) -> None:
    page = prescreened_page(tmp_path, shipped_screener[1], TYPED, "CN")
    page = page
    row = re.search(r"<td>US DoD Section 1286 list</td>.*?<td>([^<]+?)\s*<details", page, re.S)
    assert row, page
    assert row.group(1) == (
        "a similar name (a candidate for a person to judge): “Xian Jiaotomg University” "
        "resembles “Xi’an Jiaotong University” (Xi’an Jiatong University), score 0.94"
    )
