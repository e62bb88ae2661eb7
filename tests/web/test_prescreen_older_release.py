"""A pre-screen stored by the previous release (reviewer's defect, upgrading from 2c1c373:
its /prescreen/N.md had no kvrules or rulebook version lines at all, as if none were used).

The previous release stored the same answer without ``screened_with`` (kvrules/prescreen.py at
2c1c373, ``Screening.as_dict``): the row is made by this release's form, then that key is taken
out of its stored JSON, which is what a row of the older release holds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kvrules.prescreen import Screener
from kvrules.prescreen_record import VERSIONS_RECORDED_SINCE
from tests.web.test_web_prescreen import BEIHANG, prescreen_id, signed_in, submit

NOT_RECORDED = (
    f"kvrules and rulebook versions: not recorded (made before kvrules {VERSIONS_RECORDED_SINCE})"
)


def _as_the_previous_release_stored_it(db: Path, pid: int) -> None:
    with sqlite3.connect(db) as conn:
        (result,) = conn.execute("SELECT result FROM prescreens WHERE id = ?", (pid,)).fetchone()
        answer = json.loads(result)
        del answer["screened_with"]
        conn.execute("UPDATE prescreens SET result = ? WHERE id = ?", (json.dumps(answer), pid))
    conn.close()


def test_an_older_pre_screen_says_its_versions_were_not_recorded(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    pid = prescreen_id(submit(client, BEIHANG))
    _as_the_previous_release_stored_it(db, pid)
    text = client.get(f"/prescreen/{pid}.md").text
    screened_with = text[text.index("## Screened with") :]
    assert f"- {NOT_RECORDED}\n" in screened_with
    assert "- organisation lists: " in screened_with  # what it did record is still said
    page = client.get(f"/prescreen/{pid}").text
    assert NOT_RECORDED in page


def test_a_pre_screen_of_this_release_names_its_versions(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    pid = prescreen_id(submit(client, BEIHANG))
    text = client.get(f"/prescreen/{pid}.md").text
    assert "not recorded" not in text and "- kvrules " in text
