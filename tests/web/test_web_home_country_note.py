"""The unset-home_country notice reaches the web app (reviewer's defect, LOW-MEDIUM: only
`check`, `scan` and `watch` said it). `kvrules serve` says it once on stderr at start-up, and
each pre-screen answer (the result page and the API) carries it as a note beside the triage,
kept with the pre-screen it applied to: nothing was counted as foreign in that screening."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from tests.web.test_web_api import tokens
from tests.web.test_web_prescreen import BEIHANG, prescreen_id, submit
from tests.web.web_helpers import app_for, login

NOTICE = "home_country is not set: no funder or partner is counted as foreign"


def _serve_on_a_busy_port(db: Path, *extra: str):
    """`kvrules serve` up to where it would listen: the port is taken, so it stops there."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        args = ["serve", "--db", str(db), "--host", "127.0.0.1", "--port", port, *extra]
        return CliRunner().invoke(cli, args)


def test_serve_says_once_at_start_up_that_home_country_is_unset(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no kvrules.yaml here
    result = _serve_on_a_busy_port(db)
    assert result.exit_code == 1, result.output
    said = [line for line in result.stderr.splitlines() if NOTICE in line]
    assert len(said) == 1 and said[0].startswith("note: "), result.stderr
    config = tmp_path / "kvrules.yaml"
    config.write_text("home_country: NL\n", encoding="utf-8")
    result = _serve_on_a_busy_port(db, "--config", str(config))
    assert result.exit_code == 1, result.output
    assert "home_country is not set" not in result.stderr


@pytest.mark.parametrize("note", [f"{NOTICE}; set it in kvrules.yaml", None])
def test_a_pre_screen_answer_carries_the_note_beside_its_triage(
    db: Path, screener: Screener, note: str | None
) -> None:
    client = app_for(db, screener=screener, home_country_note=note)
    login(client, "grant-officer")
    page = client.get(f"/prescreen/{prescreen_id(submit(client, BEIHANG))}")
    assert page.status_code == 200 and "RED" in page.text  # a note, not an error
    triage_to_rule = page.text.split('id="triage"', 1)[1].split('id="triage-rule"', 1)[0]
    assert (f"Note: {note}" in triage_to_rule) is (note is not None)
    bearer = {"Authorization": f"Bearer {tokens(db, 'add', 'grants-portal')}"}
    answer = client.post("/api/v1/screen", json={"topic": "x"}, headers=bearer)
    assert answer.status_code == 200
    assert answer.json().get("notes") == ([note] if note else None)
