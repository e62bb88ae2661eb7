"""A name matched only by correcting its spelling reads the same on the pre-screen/case page's
finding card as in `kvrules match`: method "corrected spelling", a candidate, the same score."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli.refdata import match
from kvrules.prescreen import Screener
from tests.refdata.prescreen_page import prescreened_page

MISSPELT = "Harbin Institue of Technlogy"


def test_the_finding_card_shows_what_match_shows(
    tmp_path: Path, shipped_screener: tuple[Path, Screener]
) -> None:
    path, screener = shipped_screener
    cli = CliRunner().invoke(match, [MISSPELT, "--country", "CN", "--refdata", str(path), "--json"])
    assert cli.exit_code == 0, cli.output
    listed = next(m for m in json.loads(cli.output)["matches"] if m["list"] == "us_dod_1286")
    assert listed["method"] == "corrected spelling" and listed["candidate"]

    page = prescreened_page(tmp_path, screener, MISSPELT, "CN")
    row = re.search(
        r"<td>US DoD Section 1286 list</td>.*?<td>([^<]+?)(?::[^<]*)?\s*<details"
        r".*?method <code>([^<]+)</code>.*?</details></td>\s*<td>([^<]+)</td>",
        page,
        re.S,
    )
    assert row, page
    assert (
        row.group(1) == "its name with the spelling corrected (a candidate for a person to judge)"
    )
    assert row.group(2) == "corrected spelling"
    assert row.group(3) == f"{listed['score']:.2f}"
    assert "exact" not in row.group(0)
