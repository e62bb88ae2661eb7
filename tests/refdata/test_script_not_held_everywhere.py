"""A name in a script a list holds no names in says so where `match` and the pre-screen
already did (tests/refdata/test_script_not_held.py): on the case page beside "not found in …",
and in `match --file`'s rows (JSON lines: ``not_screened_in_script`` as `match --json` gives
it; CSV: a column in words). Before, both said only where the name was not found. The lists:
the shipped 1286 FY25 (public domain) and the demo ROR sample (CC0 1.0)."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.refdata.normalise import without_script
from kvrules.store import Store
from tests.scan_helpers import file_export_config, project_event, scanned
from tests.web.web_helpers import PASSWORD_HASH, app_for, login

HAN = "山东大学"  # Shandong University, on the 1286 list in Latin letters only
SAID = (
    "not screened in Han script against the US DoD Section 1286 list, edition FY25 (a partial "
    "copy: only some of its entries are held here), which holds no names written in it; import "
    "a complete ROR dump (which holds names in that script) or search its Latin name"
)


def test_without_script_reads_what_a_scan_kept() -> None:
    held = {"lists": {"dod@FY25": [], "own@1": ["Han"]}, "registry": []}
    assert without_script(HAN, held) == ("Han", ["dod@FY25"], False)
    assert without_script("Shandong University", held) is None
    assert without_script(HAN, {"lists": {"own@1": ["Han"]}}) is None
    assert without_script(HAN, {}) is None  # kept by an earlier release: nothing said


def test_the_case_page_says_it(tmp_path: Path) -> None:
    event = project_event(
        "P1",
        title="Hypersonic propulsion test stand",
        partners=[{"name": HAN, "country": "CN"}, {"name": "Universität Wien", "country": "AT"}],
    )
    config = file_export_config(tmp_path, event, home="NL", reference_data=False)
    scanned(config, "--apply")
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        store.add_user("viewer", "viewer", PASSWORD_HASH, actor="test")
        case = store.case_for("file", "P1")
    assert case is not None, "no rule opened a case: nothing to show"
    client = app_for(db)
    login(client, "viewer")
    page = " ".join(html.unescape(client.get(f"/cases/{case.id}").text).split())
    row = page.split(HAN, 1)[1].split("</tr>", 1)[0]
    assert "not found in" in row and SAID in row
    vienna = page.split("Universität Wien", 1)[1].split("</tr>", 1)[0]
    assert "not found in" in vienna and "not screened in" not in vienna


def test_match_file_rows_say_it(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text(f"name,country\n{HAN},CN\nShandong University,CN\n", encoding="utf-8")
    lines = CliRunner().invoke(cli, ["match", "--file", str(names), "--format", "jsonl"])
    assert lines.exit_code == 0, lines.output
    han, latin = (json.loads(line) for line in lines.stdout.splitlines())
    assert han["not_screened_in_script"] == {
        "script": "Han",
        "lists": ["us_dod_1286@FY25 (partial)"],
    }
    assert latin["matches"] and "not_screened_in_script" not in latin
    table = CliRunner().invoke(cli, ["match", "--file", str(names), "--format", "csv"])
    assert table.exit_code == 0, table.output
    han_row, latin_row = csv.DictReader(io.StringIO(table.stdout))
    assert han_row["not_screened_in_script"] == SAID
    assert latin_row["not_screened_in_script"] == ""
