"""A Pure without the keyword group the risk tags are written to (README, "Before
`scan --apply`"): nothing is written, and the scan says why once, not a Pure error per record.

Pure lists the keyword groups its configuration allows per family
(``GET /projects/allowed-keyword-group-configurations``, spec 5.35); the simulator serves the
stock configuration, from which these tests take the risk group or one of its
classifications away."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from kvrules_pure.writeback import RiskGroupMissing
from pure_helpers import SECRET, adapter_for

from kvrules.cli import cli

RISK_GROUP = "knowledgeSecurityRisk"
HIGH = "/dk/atira/pure/keywords/knowledgesecurity/high"


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=40, seed=3, api_key=SECRET) as handle:
        yield handle


def without_risk_group(sim: SimulatorHandle) -> None:
    configs = sim.store.keyword_configs
    configs[:] = [c for c in configs if c.logical_name != RISK_GROUP]


def without_high(sim: SimulatorHandle) -> None:
    configs = sim.store.keyword_configs
    configs[:] = [
        dataclasses.replace(c, classifications=tuple(x for x in c.classifications if x[0] != HIGH))
        for c in configs
    ]


def puts(sim: SimulatorHandle) -> list[str]:
    return [r.path for r in sim.requests if r.method == "PUT"]


def asked(sim: SimulatorHandle) -> int:
    return sum("allowed-keyword-group-configurations" in r.path for r in sim.requests)


def first_project(sim: SimulatorHandle) -> str:
    return sim.store.collection("projects").page(0, 1)[0]["uuid"]


def test_a_missing_group_is_said_before_any_write_and_asked_once(sim: SimulatorHandle) -> None:
    without_risk_group(sim)
    uuid = first_project(sim)
    sim.clear_requests()
    with adapter_for(sim) as adapter:
        for _ in range(2):
            with pytest.raises(RiskGroupMissing) as raised:
                adapter.write_tags(uuid, ["ks:high"], dry_run=False)
        assert str(raised.value).startswith(
            f"Pure has no keyword group '{RISK_GROUP}' for projects (it has: keywordContainers, "
            "researchAreas, sustainableDevelopmentGoals): an administrator adds it"
        )
        assert puts(sim) == [] and asked(sim) == 1  # once for the scan, not once per record
        planned = adapter.write_tags(uuid, ["ks:high"])  # a dry run writes nothing: no check
    assert planned.dry_run and planned.after == ["ks:high"]


def test_a_missing_classification_is_named(sim: SimulatorHandle) -> None:
    without_high(sim)
    with adapter_for(sim) as adapter, pytest.raises(RiskGroupMissing, match=HIGH):
        adapter.write_tags(first_project(sim), ["ks:low"], dry_run=False)
    assert puts(sim) == []


def test_the_stock_configuration_is_written_to(sim: SimulatorHandle) -> None:
    with adapter_for(sim) as adapter:
        result = adapter.write_tags(first_project(sim), ["ks:high"], dry_run=False)
    assert result.written and len(puts(sim)) == 1


def test_scan_apply_says_the_cause_once(
    sim: SimulatorHandle, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_risk_group(sim)
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", sim.base_url)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    monkeypatch.chdir(tmp_path)  # no kvrules.yaml: the environment names the source
    result = CliRunner().invoke(cli, ["scan", "--apply"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("write-back")]
    assert len(said) == 1, result.stderr
    assert said[0].startswith("write-back failed for ")
    assert (
        f"retried at the next scan: RiskGroupMissing: Pure has no keyword group '{RISK_GROUP}'"
        in said[0]
    )
    assert puts(sim) == []
