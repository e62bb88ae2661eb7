"""A name written in a script a list holds no names in says it was not screened in that script
(reviewer's defect 3, names in non-Latin scripts).

Before: none of the 52 shipped DoD 1286 rows has a native name, and `match` said only "not found
in … not found there is not the same as safe" for "山东大学", Bauman MSTU's name in Cyrillic,
"دانشگاه صنعتی شریف" (Shandong University, Bauman MSTU, Sharif University of Technology: all
listed). Now `match`, `check`, the pre-screen (API and web page) say which lists hold no names
in the name's script and what to do. The shipped lists: 1286 FY25 (public domain), the demo ROR
sample (CC0 1.0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.normalise import script_of
from tests.refdata.prescreen_page import prescreened_page

HAN, CYRILLIC, PERSIAN = "山东大学", "МГТУ им. Н. Э. Баумана", "دانشگاه صنعتی شریف"
SAID = "not screened in {} script against the US DoD Section 1286 list, edition FY25"


@pytest.mark.parametrize(
    ("name", "script"),
    [(HAN, "Han"), (CYRILLIC, "Cyrillic"), (PERSIAN, "Arabic"), ("Universität Wien", None)],
)
def test_the_script_a_name_is_written_in(name, script):
    assert script_of(name) == script


def test_the_lists_that_hold_no_name_in_the_script(shipped_resolver):
    script, lacking, registry = shipped_resolver.lists_without_script(HAN)
    assert script == "Han" and lacking == ["us_dod_1286@FY25 (partial)"] and not registry
    assert shipped_resolver.lists_without_script("Shandong University") is None


def test_a_list_with_names_in_the_script_is_not_named():
    dod = ListInfo(list_id="dod", edition="FY25", title="1286", kind="designation")
    own = ListInfo(list_id="own", edition="1", title="own", kind="designation")
    resolver = Resolver(
        records=[
            (dod, Entry(entry_id="a", name="Shandong University", country="CN")),
            (own, Entry(entry_id="b", name="重庆大学", country="CN")),
        ]
    )
    assert resolver.lists_without_script("中山大学") == ("Han", ["dod@FY25"], False)
    assert resolver.lists_without_script("Sun Yat-sen University") is None


@pytest.mark.parametrize(("name", "script"), [(HAN, "Han"), (CYRILLIC, "Cyrillic")])
def test_match_says_it(name, script):
    said = CliRunner().invoke(cli, ["match", name])
    assert said.exit_code == 0, said.output
    assert "not the same as safe; " + SAID.format(script) in said.output
    assert "import a complete ROR dump" in said.output and "search its Latin name" in said.output
    as_json = CliRunner().invoke(cli, ["match", name, "--json"])
    doc = json.loads(as_json.stdout)
    assert doc["not_screened_in_script"] == {
        "script": script,
        "lists": ["us_dod_1286@FY25 (partial)"],
    }


def test_a_name_found_says_nothing_of_its_script():
    said = CliRunner().invoke(cli, ["match", "Shandong University"])
    assert "not screened in" not in said.output


def test_check_says_it():
    said = CliRunner().invoke(
        cli, ["check", "--partner", f"{PERSIAN} (IR)", "--topic", "hypersonic propulsion"]
    )
    assert said.exit_code == 0, said.output
    text = " ".join(said.stdout.split())
    assert f"{PERSIAN}: not found in" in text and SAID.format("Arabic") in text


def test_the_web_pre_screen_says_it(
    tmp_path: Path, shipped_screener: tuple[Path, Screener]
) -> None:
    page = prescreened_page(tmp_path, shipped_screener[1], HAN, "CN")
    page = " ".join(page.split())
    assert SAID.format("Han") in page
