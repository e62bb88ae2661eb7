"""One organisation described under several spellings is said to be one, on every surface of
``kvrules check`` (text, JSON, Markdown), and never merged: each spelling keeps its own answer.

Reviewer, 2026-12-07: "北京航空航天大学", "Dept. of Physics, Beihang Univ." and "BUAA" were
three partners with no word that they are Beihang University (ROR 00wk2mp56, on the Section
1286 list)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.model import ListMatch, Organisation
from kvrules.one_organisation import one_organisation_in_words

BEIHANG_THREE_WAYS = [
    "--partner", "北京航空航天大学 (CN)",
    "--partner", "Dept. of Physics, Beihang Univ. (CN)",
    "--partner", "BUAA (CN)",
    "--partner", "TU Delft (NL)",
    "--topic", "medieval manuscripts",
]  # fmt: skip


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_three_spellings_of_one_partner_are_said_to_be_one_in_the_json_answer():
    answer = json.loads(_run(*BEIHANG_THREE_WAYS, "--json"))
    [line] = answer["one_organisation"]
    assert line.startswith("These 3 partners are one organisation (ROR 00wk2mp56; ")
    assert "listed as “Beihang University”" in line
    assert (
        "北京航空航天大学; Dept. of Physics, Beihang Univ.; BUAA (a possible match, to confirm)"
        in line
    )
    assert answer["in_words"]["one_organisation"] == [line]
    # not merged: each spelling is still screened, and answered, on its own
    found = answer["in_words"]["found"]
    assert [s.split(":")[0] for s in found] == [
        "北京航空航天大学",
        "Dept. of Physics, Beihang Univ.",
        "BUAA",
    ]
    assert "TU Delft" not in line


def test_the_text_and_the_markdown_say_it_too(tmp_path: Path):
    text = _run(*BEIHANG_THREE_WAYS)
    assert "\nThese 3 partners are one organisation (ROR 00wk2mp56; " in text
    md = tmp_path / "prescreen.md"
    _run(*BEIHANG_THREE_WAYS, "--output", str(md))
    said = md.read_text(encoding="utf-8")
    assert "- These 3 partners are one organisation (ROR 00wk2mp56; " in said


def test_partners_that_are_different_organisations_get_no_such_line():
    answer = json.loads(
        _run("--partner", "Beihang University (CN)", "--partner", "TU Delft (NL)", "--json")
    )
    assert answer["one_organisation"] == []


def _match(entry: str, *, method: str = "exact", candidate: bool = False) -> dict:
    return ListMatch(
        list="us_dod_1286", edition="FY25", entry=entry, name=entry.title(), method=method,
        score=0.9, candidate=candidate, kind="designation",
    ).model_dump()  # fmt: skip


def test_a_unit_matched_through_its_parent_is_not_the_parent():
    """A match through a parent names the parent, not the unit: the unit and the parent are
    two organisations, and only possible matches joining two says "may be"."""
    unit = Organisation.model_validate(
        {"name": "Institute X", "screening": [_match("parent-u", method="parent")]}
    )
    parent = Organisation.model_validate({"name": "Parent U", "screening": [_match("parent-u")]})
    assert one_organisation_in_words([unit, parent], "partner") == []
    a = Organisation.model_validate({"name": "PU", "screening": [_match("pu", candidate=True)]})
    b = Organisation.model_validate({"name": "P.U.", "screening": [_match("pu", candidate=True)]})
    [line] = one_organisation_in_words([a, b], "funder")
    assert line.startswith("These 2 funders may be one organisation (")
