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


def _config(tmp_path: Path, settings: dict[str, object]) -> Path:
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        yaml.safe_dump({"sources": {"converis": {"adapter": "converis", "settings": settings}}})
    )
    return config


def test_connect_probes_the_cud_address_and_names_a_wrong_one(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Was: a cud_url with the plural typo cris-apis.md warns about passed the check, and
    `scan --apply` then failed with 404."""
    _env(monkeypatch, sim, PASSWORD=SECRET)
    config = str(_config(tmp_path, {"base_url": sim.base_url, "username": sim.username}))
    good = CliRunner().invoke(cli, ["config", "check", "--connect", "--config", config])
    line = next(x for x in good.output.splitlines() if "sources.converis: " in x)
    assert "ok: sources.converis: " in line, line
    assert "/converis/ws/v2/dataobject/dataentities" in line, line
    assert "nothing written" in line
    writes = [r for r in sim.requests if r.method == "PUT"]
    assert writes == []
    typo = sim.base_url.replace("/converis-apis/ws/v2", "/converis/ws/v2/dataobjects")
    monkeypatch.setenv("KVRULES_CONVERIS_CUD_URL", typo)
    bad = CliRunner().invoke(cli, ["config", "check", "--connect", "--config", config])
    assert bad.exit_code == 1, bad.output
    line = next(x for x in bad.output.splitlines() if "sources.converis" in x and "error" in x)
    assert "OPTIONS /dataentities: 404" in line and "no CUD API at" in line, line
    assert "dataobjects/dataentities" in line


def test_config_show_prints_the_derived_cud_address(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Was: `cud_url = null [default]`, though the adapter writes to an address it derives."""
    _env(monkeypatch, sim, PASSWORD=SECRET)
    config = str(_config(tmp_path, {"base_url": sim.base_url, "username": sim.username}))
    result = CliRunner().invoke(cli, ["config", "show", "--config", config])
    line = next(x for x in result.output.splitlines() if x.strip().startswith("cud_url"))
    expected = sim.base_url.replace("/converis-apis/ws/v2", "/converis/ws/v2/dataobject")
    assert line.strip() == f"cud_url = {expected}  [derived]", result.output


def test_scan_reads_a_converis_instance_named_by_its_environment_alone(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Was: with only KVRULES_CONVERIS_* set, `fetch --source converis` worked but `scan`
    said "no source configured: ... or set KVRULES_PURE_BASE_URL and KVRULES_PURE_API_KEY"."""
    _env(monkeypatch, sim, PASSWORD=SECRET)
    monkeypatch.delenv("KVRULES_PURE_BASE_URL", raising=False)
    monkeypatch.setenv("KVRULES_DB", str(tmp_path / "kvrules.db"))
    monkeypatch.setenv("KVRULES_REFDATA", str(tmp_path / "refdata.db"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--json"])
    assert result.exit_code in (0, 2), result.output  # 2: done, some records quarantined
    assert '"source": "converis"' in result.output
    shown = CliRunner().invoke(cli, ["config", "show"])
    assert "env KVRULES_CONVERIS_BASE_URL" in shown.output
