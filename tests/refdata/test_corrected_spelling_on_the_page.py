"""A name matched only by correcting its spelling reads the same on the pre-screen/case page's
finding card as in `kvrules match`: method "corrected spelling", a candidate, the same score."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli.refdata import match
from kvrules.config import Config
from kvrules.prescreen import Screener
from kvrules.refdata.shipped import open_reference_store
from tests.web.web_helpers import app_for, build_db, login, token

MISSPELT = "Harbin Institue of Technlogy"


@pytest.fixture(scope="module")
def refdata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Screener]]:
    path = tmp_path_factory.mktemp("refdata") / "refdata.sqlite"
    open_reference_store(path).close()  # `match` never starts a store it is named
    screener = Screener.from_config(Config(reference_data=path))
    yield path, screener
    screener.close()


def test_the_finding_card_shows_what_match_shows(
    tmp_path: Path, refdata: tuple[Path, Screener]
) -> None:
    path, screener = refdata
    cli = CliRunner().invoke(match, [MISSPELT, "--country", "CN", "--refdata", str(path), "--json"])
    assert cli.exit_code == 0, cli.output
    listed = next(m for m in json.loads(cli.output)["matches"] if m["list"] == "us_dod_1286")
    assert listed["method"] == "corrected spelling" and listed["candidate"]

    client = app_for(build_db(tmp_path / "kvrules.db"), screener=screener)
    assert login(client, "grant-officer").status_code in (200, 303)
    fields = {
        "topic": "hypersonic propulsion",
        "partner0_name": MISSPELT,
        "partner0_country": "CN",
        "csrf_token": token(client.get("/prescreen").text),
    }
    sent = client.post("/prescreen", data=fields, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    page = client.get(sent.headers["location"]).text
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
