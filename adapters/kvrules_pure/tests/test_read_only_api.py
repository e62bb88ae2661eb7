"""The older versioned API (/ws/api/524) only reads: its /projects/{id} has GET alone (the 524
schema, UMNLibraries/pureapi @ fdd0df42, pureapi/schemas/524/swagger.json, MIT) and its records
no version. A review found `scan --apply` sending PUTs there (version null: a dirty write),
each answered 405 and retried at every scan. Write-back now says, once, that it needs the
current API, and sends nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_pure.adapter import ReadOnlyApi
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for

from kvrules.cli import cli
from kvrules.plain import count_of
from kvrules.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    """The 524 API serving the synthetic projects and their partners (records of the current
    shape read through the older API's paths), and the real 524 responses."""
    with start_simulator(projects=40, seed=3, api_key=SECRET, legacy_dir=FIXTURES) as handle:
        store = handle.store
        for p in store.collection("projects").page(0, 40):
            handle.legacy["projects"][p["uuid"]] = copy.deepcopy(p)
        orgs = store.collection("external-organizations")
        for org in orgs.page(0, len(orgs)):
            handle.legacy["external-organisations"][org["uuid"]] = copy.deepcopy(org)
        yield handle


def _sent(sim: SimulatorHandle) -> list[str]:
    return [f"{r.method} {r.path}" for r in sim.requests if r.method != "GET"]


def test_a_write_through_the_524_api_is_refused_before_any_request(sim: SimulatorHandle) -> None:
    uuid = next(iter(sim.legacy["projects"]))
    sim.clear_requests()
    with adapter_for(sim, base_url=f"{sim.base_url}/524") as adapter:
        planned = adapter.write_tags(uuid, ["ks:high"])  # a dry run reads, as on any API
        assert planned.dry_run and planned.after == ["ks:high"]
        sim.clear_requests()
        with pytest.raises(ReadOnlyApi, match=r"needs the current Pure API \(base_url http://"):
            adapter.write_tags(uuid, ["ks:high"], dry_run=False)
    assert sim.requests == []


def test_config_check_says_write_back_needs_the_current_api(
    sim: SimulatorHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "database: state.db\nsources:\n  pure:\n    adapter: pure\n    settings:\n"
        f"      base_url: {sim.base_url}/524\n"
    )
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    current = sim.base_url  # http://127.0.0.1:PORT/ws/api
    said = [line for line in result.output.splitlines() if "write-back needs" in line]
    assert len(said) == 1, result.output
    assert f"(base_url {current})" in said[0] and "read-only" in said[0]


def test_scan_apply_on_the_524_api_sends_nothing_and_says_why_once(
    sim: SimulatorHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", f"{sim.base_url}/524")
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    monkeypatch.chdir(tmp_path)
    sim.clear_requests()
    for _ in range(2):  # and again at the next scan: still nothing sent, nothing failed
        result = CliRunner().invoke(cli, ["scan", "--apply", "--db", "state.db"])
        assert result.exit_code == 0, result.output
        with Store.open(tmp_path / "state.db") as store:  # queued for when base_url is fixed
            due = store.due_writebacks(source="pure", limit=1000)
        assert due and all(row.attempts == 0 for row in due)
        said = [line for line in result.stderr.splitlines() if "write-back" in line]
        assert said == [
            f"{count_of(len(due), 'write-back')} not sent (kept queued: `kvrules writebacks` "
            "lists them): "
            f"write-back needs the current Pure API (base_url {sim.base_url}): the 524 API "
            "that base_url names is read-only, so no tag is sent to it"
        ], result.stderr
        # and the queue it names says as many
        listed = CliRunner().invoke(cli, ["writebacks", "--db", "state.db"])
        assert f"{len(due)} write-back(s)" in listed.output, listed.output
    assert _sent(sim) == []


def test_scan_apply_on_the_524_api_with_nothing_to_write_says_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review's site: research outputs alone on the 524 API (outputs carry no tags). It
    printed "tags not written (kept queued)" while `kvrules writebacks` said 0 write-back(s)."""
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        monkeypatch.setenv("KVRULES_PURE_BASE_URL", f"{sim.base_url}/524")
        monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
        monkeypatch.setenv("KVRULES_PURE_RESEARCH_OUTPUTS", "true")
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["scan", "--apply", "--db", "state.db"])
    assert result.exit_code == 0, result.output
    assert "write-back needs" not in result.output, result.output
    listed = CliRunner().invoke(cli, ["writebacks", "--db", "state.db"])
    assert "0 write-back(s)" in listed.output, listed.output
