"""The web pre-screen of one partner, as a grant officer sends it: the page the finding card
is on. Shared by the tests that check what a match says on that page."""

from __future__ import annotations

from pathlib import Path

from kvrules.prescreen import Screener
from tests.web.web_helpers import app_for, build_db, login, token


def prescreened_page(tmp_path: Path, screener: Screener, partner: str, country: str) -> str:
    """The result page of a pre-screen of a hypersonics proposal with ``partner``."""
    client = app_for(build_db(tmp_path / "kvrules.db"), screener=screener)
    assert login(client, "grant-officer").status_code in (200, 303)
    fields = {
        "topic": "hypersonic propulsion",
        "partner0_name": partner,
        "partner0_country": country,
        "csrf_token": token(client.get("/prescreen").text),
    }
    sent = client.post("/prescreen", data=fields, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    return client.get(sent.headers["location"]).text
