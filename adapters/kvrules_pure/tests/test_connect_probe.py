"""`config check --connect` probes every collection a scan with these settings reads. A review
found it passing with a key Pure refused for /research-outputs (403; only /projects was
probed): the scan then quarantined nothing and read no co-publication."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET

from kvrules.cli import cli


@pytest.fixture
def sim(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatorHandle]:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    with start_simulator(projects=3, seed=2, api_key=SECRET) as handle:
        yield handle


def _check(tmp_path: Path, base_url: str, *settings: str) -> Result:
    config = tmp_path / "kvrules.yaml"
    extra = "".join(f"      {s}\n" for s in settings)
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nsources:\n  pure:\n    adapter: pure\n"
        f"    settings:\n      base_url: {base_url}\n      retries: 0\n{extra}"
    )
    return CliRunner().invoke(cli, ["config", "check", "--connect", str(config)])


def test_a_key_refused_for_research_outputs_fails_the_check_naming_it(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    sim.forbid("research-outputs")
    result = _check(tmp_path, sim.base_url, "research_outputs: true")
    assert result.exit_code == 1, result.output
    said = result.output.splitlines()
    [head] = [line for line in said if "error: sources.pure: refused" in line]
    assert head.endswith(
        "refused: GET /research-outputs: 403 The API key has no access to /research-outputs "
        "(the API key from environment variable KVRULES_PURE_API_KEY)"
    ), head
    listed = [line.strip() for line in said if line.strip().startswith("- GET ")]
    assert listed == [
        "- GET /projects answered 200 (3 projects)",
        "- GET /awards answered 200 (" + listed[1].split("(", 1)[1],
        "- GET /external-organizations answered 200 (" + listed[2].split("(", 1)[1],
        "- GET /organizations answered 200 (" + listed[3].split("(", 1)[1],
        "- GET /research-outputs: 403 The API key has no access to /research-outputs (the API "
        "key from environment variable KVRULES_PURE_API_KEY)",
    ]


def test_every_collection_read_answers_a_line_each(sim: SimulatorHandle, tmp_path: Path) -> None:
    result = _check(tmp_path, sim.base_url, "research_outputs: true", "applications: true")
    assert result.exit_code == 0, result.output
    listed = [line.strip().split(" answered")[0] for line in result.output.splitlines()]
    assert [line for line in listed if line.startswith("- GET")] == [
        "- GET /projects",
        "- GET /awards",
        "- GET /external-organizations",
        "- GET /organizations",
        "- GET /research-outputs",
        "- GET /applications",
    ]
    assert "every collection the configuration reads answered" in result.output


def test_the_524_api_is_probed_under_its_own_collection_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    fixtures = Path(__file__).parent / "fixtures" / "pure-umn-524"
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=fixtures) as sim:
        result = _check(tmp_path, f"{sim.base_url}/524", "research_outputs: true")
    assert result.exit_code == 0, result.output
    assert "- GET /external-organisations answered 200" in result.output
    assert "- GET /organisational-units answered 200" in result.output
    assert "- GET /research-outputs answered 200 (1 research outputs)" in result.output
