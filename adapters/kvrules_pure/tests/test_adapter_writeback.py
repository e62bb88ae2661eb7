"""Write-back of risk tags: dry-run default, merge into one group, idempotent, conflicts, notes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kvrules_pure.simulator import SimulatorConfig, SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for

KS = "/dk/atira/pure/keywords/knowledgesecurity/"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=60, seed=5, api_key=SECRET) as handle:
        yield handle


def _uuids(sim: SimulatorHandle) -> Iterator[str]:
    yield from (p["uuid"] for p in sim.store.collection("projects").page(0, 60))


def _groups(sim: SimulatorHandle, uuid: str) -> list[dict[str, Any]]:
    return (
        requests.get(f"{sim.base_url}/projects/{uuid}", headers=sim.headers)
        .json()
        .get("keywordGroups", [])
    )


def _puts(sim: SimulatorHandle) -> list[str]:
    return [r.path for r in sim.requests if r.method == "PUT"]


def test_dry_run_is_the_default_and_writes_nothing(sim: SimulatorHandle) -> None:
    uuid = next(_uuids(sim))
    before = _groups(sim, uuid)
    sim.clear_requests()
    with adapter_for(sim) as adapter:
        result = adapter.write_tags(uuid, ["ks:high"])
    assert result.dry_run and not result.written and result.changed
    assert result.before == [] and result.after == ["ks:high"]
    assert _puts(sim) == [] and _groups(sim, uuid) == before


def test_write_touches_only_the_kvrules_group_and_is_idempotent(sim: SimulatorHandle) -> None:
    uuid = next(u for u in _uuids(sim) if len(_groups(sim, u)) >= 2)
    others = _groups(sim, uuid)
    with adapter_for(sim) as adapter:
        first = adapter.write_tags(uuid, ["ks:medium"], dry_run=False, note="rule us-dod-1286")
        sim.clear_requests()
        again = adapter.write_tags(uuid, ["ks:medium"], dry_run=False, note="again")
        assert _puts(sim) == []  # nothing changed: no PUT, no note
        cleared = adapter.write_tags(uuid, [], dry_run=False, written=["ks:medium"])
    assert first.written and not again.written and not again.changed
    assert again.before == ["ks:medium"]
    assert cleared.written and cleared.before == ["ks:medium"] and cleared.after == []
    assert _groups(sim, uuid) == [g for g in others if g["logicalName"] != "knowledgeSecurityRisk"]
    notes = sim.store.notes[uuid]
    assert [n["text"] for n in notes] == ["rule us-dod-1286"] and notes[0]["username"] == "kvrules"


def test_unknown_tag_is_refused_before_any_request(sim: SimulatorHandle) -> None:
    sim.clear_requests()
    with adapter_for(sim) as adapter, pytest.raises(ValueError, match="ks:typo"):
        adapter.write_tags(next(_uuids(sim)), ["ks:typo"], dry_run=False)
    assert sim.requests == []


def _edit_between_get_and_put(sim: SimulatorHandle, adapter: Any, uuid: str) -> None:
    """A second client adds a free keyword right after the adapter's first GET of the project."""
    real_get = adapter.client.get_json
    done = []

    def get_then_someone_edits(path: str, params: Any = None) -> Any:
        result = real_get(path, params)
        if path == f"/projects/{uuid}" and not done:
            done.append(True)
            groups = [
                *_groups(sim, uuid),
                {
                    "typeDiscriminator": "FreeKeywordsKeywordGroup",
                    "logicalName": "keywordContainers",
                    "keywords": [{"locale": "en_GB", "freeKeywords": ["other-writer"]}],
                },
            ]
            current = requests.get(f"{sim.base_url}/projects/{uuid}", headers=sim.headers).json()
            r = requests.put(
                f"{sim.base_url}/projects/{uuid}",
                headers=sim.headers,
                json={"version": current["version"], "keywordGroups": groups},
            )
            assert r.status_code == 200
        return result

    adapter.client.get_json = get_then_someone_edits


@pytest.mark.parametrize("status", [409, 412])
def test_concurrent_edit_is_never_lost(status: int) -> None:
    cfg = dataclasses.replace(SimulatorConfig(projects=20, seed=9), conflict_status=status)
    with start_simulator(config=cfg, api_key=SECRET) as sim, adapter_for(sim) as adapter:
        uuid = next(_uuids(sim))
        _edit_between_get_and_put(sim, adapter, uuid)
        result = adapter.write_tags(uuid, ["ks:high"], dry_run=False)
        statuses = [r.status for r in sim.requests if r.method == "PUT" and r.path.endswith(uuid)]
        groups = _groups(sim, uuid)
    assert result.written and statuses == [200, status, 200]
    words = [w for g in groups for k in g.get("keywords", []) for w in k["freeKeywords"]]
    assert "other-writer" in words
    risk = [g for g in groups if g["logicalName"] == "knowledgeSecurityRisk"]
    assert [c["uri"] for c in risk[0]["classifications"]] == [KS + "high"]


def test_persistent_conflict_gives_up(sim: SimulatorHandle) -> None:
    from kvrules_pure.writeback import WriteConflict

    uuid = list(_uuids(sim))[7]
    with adapter_for(sim, max_write_attempts=2) as adapter:
        real_put = adapter.client.put_json
        adapter.client.put_json = lambda path, body: real_put(path, {**body, "version": "stale"})
        with pytest.raises(WriteConflict):
            adapter.write_tags(uuid, ["ks:low"], dry_run=False)


def test_write_survives_transport_faults(sim: SimulatorHandle) -> None:
    uuid = list(_uuids(sim))[3]
    written: list[str] = []
    for kind in ("503", "reset", "truncate"):
        sim.faults.script("PUT", 1, kind, path=f"/projects/{uuid}$")
        with adapter_for(sim) as adapter:
            tag = {"503": "ks:low", "reset": "ks:medium", "truncate": "ks:high"}[kind]
            adapter.write_tags(uuid, [tag], dry_run=False, written=written)
            assert adapter.write_tags(uuid, [tag]).before == [tag], kind
            written = [tag]


def _set_by_hand(sim: SimulatorHandle, uuid: str, level: str) -> None:
    """An editor sets the risk level in Pure (a real PUT with the project's version)."""
    project = requests.get(f"{sim.base_url}/projects/{uuid}", headers=sim.headers).json()
    group = {
        "typeDiscriminator": "ClassificationsKeywordGroup",
        "logicalName": "knowledgeSecurityRisk",
        "classifications": [{"uri": KS + level}],
    }
    others = [
        g for g in project.get("keywordGroups", []) if g["logicalName"] != group["logicalName"]
    ]
    body = {"version": project["version"], "keywordGroups": [*others, group]}
    requests.put(
        f"{sim.base_url}/projects/{uuid}", headers=sim.headers, json=body
    ).raise_for_status()


def test_a_value_kvrules_did_not_write_is_left_as_it_is(sim: SimulatorHandle) -> None:
    uuid = list(_uuids(sim))[11]
    with adapter_for(sim) as adapter:
        adapter.write_tags(uuid, ["ks:medium"], dry_run=False, written=[])
        _set_by_hand(sim, uuid, "high")  # after kvrules' write, an editor raised it
        sim.clear_requests()
        kept = adapter.write_tags(uuid, ["ks:low"], dry_run=False, written=["ks:medium"])
        planned = adapter.write_tags(uuid, ["ks:low"], written=["ks:medium"])
        assert _puts(sim) == []
        # kvrules' own value (nothing, or what it last wrote) is changed as before.
        _set_by_hand(sim, uuid, "medium")
        updated = adapter.write_tags(uuid, ["ks:low"], dry_run=False, written=["ks:medium"])
    assert not kept.written and kept.before == ["ks:high"] and kept.after == ["ks:low"]
    assert kept.skipped and "kvrules last wrote ks:medium" in kept.skipped
    assert planned.skipped and planned.dry_run  # a dry run reports the skip too
    assert updated.written and updated.before == ["ks:medium"] and updated.skipped is None
    risk = [g for g in _groups(sim, uuid) if g["logicalName"] == "knowledgeSecurityRisk"]
    assert [c["uri"] for c in risk[0]["classifications"]] == [KS + "low"]
