"""What `fetch` and `config check --connect` say about a Converis instance that refuses the
token, or a CUD address that does not answer (a reviewer's Converis round)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from converis_helpers import SECRET
from kvrules_converis.simulator import SimulatorHandle, start_simulator

from kvrules.cli import cli


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=3, seed=5, password=SECRET, rate_limit=None) as h:
        yield h


def _env(monkeypatch: pytest.MonkeyPatch, sim: SimulatorHandle, **more: str) -> None:
    for name in ("BASE_URL", "USERNAME", "PASSWORD", "PASSWORD_FILE", "CUD_URL"):
        monkeypatch.delenv(f"KVRULES_CONVERIS_{name}", raising=False)
    monkeypatch.setenv("KVRULES_CONVERIS_BASE_URL", sim.base_url)
    monkeypatch.setenv("KVRULES_CONVERIS_USERNAME", sim.username)
    for name, value in more.items():
        monkeypatch.setenv(f"KVRULES_CONVERIS_{name}", value)


def test_a_refused_token_names_the_variable_it_came_from_never_its_value(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Was: '… 401 Full authentication is required…' with no word of where the token came
    from (the Pure client names its key's source)."""
    _env(monkeypatch, sim, PASSWORD="wrong2")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fetch", "--source", "converis", "--limit", "1"])
    out = result.output
    assert result.exit_code != 0, out
    assert "401" in out and "the token from environment variable KVRULES_CONVERIS_PASSWORD" in out
    assert "wrong2" not in out and "Traceback" not in out


def test_a_refused_token_file_is_named_and_connect_says_refused(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = tmp_path / "converis.token"
    token.write_text("stale-token\n", encoding="utf-8")
    _env(monkeypatch, sim)
    settings = {"base_url": sim.base_url, "username": sim.username, "password_file": str(token)}
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        yaml.safe_dump({"sources": {"converis": {"adapter": "converis", "settings": settings}}})
    )
    monkeypatch.delenv("KVRULES_CONVERIS_BASE_URL")
    monkeypatch.delenv("KVRULES_CONVERIS_USERNAME")
    result = CliRunner().invoke(cli, ["config", "check", "--connect", "--config", str(config)])
    out = result.output
    assert result.exit_code == 1, out
    line = next(x for x in out.splitlines() if "sources.converis" in x and "error" in x)
    assert "refused:" in line and "not reachable" not in line, line
    assert f"the token in password_file {token}" in line and "stale-token" not in out
