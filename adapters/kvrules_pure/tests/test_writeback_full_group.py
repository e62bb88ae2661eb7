"""Write-back when Pure returns the risk group as a FullKeywordGroup (Pure 5.35 spec: structured
keywords supplemented by free keywords), as an instance does whose risk group configuration
allows free keywords. A review against such a group found the person's value and note replaced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for

KS = "/dk/atira/pure/keywords/knowledgesecurity/"
RISK = "knowledgeSecurityRisk"
NOTE = "reviewed by committee 2026-05-12: mitigations agreed"


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=20, seed=7, api_key=SECRET) as handle:
        configs = handle.store.keyword_configs
        configs[:] = [  # the risk group configured for structured + free keywords
            dataclasses.replace(c, group_type="FullKeywordGroup", allow_user_defined=True)
            if c.logical_name == RISK
            else c
            for c in configs
        ]
        yield handle


def _project(sim: SimulatorHandle, uuid: str) -> dict[str, Any]:
    return requests.get(f"{sim.base_url}/projects/{uuid}", headers=sim.headers).json()


def _risk(sim: SimulatorHandle, uuid: str) -> list[dict[str, Any]]:
    return [g for g in _project(sim, uuid).get("keywordGroups", []) if g["logicalName"] == RISK]


def _set_by_a_person(sim: SimulatorHandle, uuid: str, containers: list[dict[str, Any]]) -> None:
    """What a person does in Pure's editor: the risk level, with a note as free keywords."""
    current = _project(sim, uuid)
    groups = [g for g in current.get("keywordGroups", []) if g["logicalName"] != RISK]
    full = {"typeDiscriminator": "FullKeywordGroup", "logicalName": RISK}
    groups.append({**full, "keywordContainers": containers})
    r = requests.put(
        f"{sim.base_url}/projects/{uuid}",
        headers=sim.headers,
        json={"version": current["version"], "keywordGroups": groups},
    )
    assert r.status_code == 200, r.text


def _puts(sim: SimulatorHandle, uuid: str) -> list[str]:
    return [r.path for r in sim.requests if r.method == "PUT" and uuid in r.path]


# The risk level "low" a person set, with their note beside it in the same container.
LOW_WITH_A_NOTE = [
    {
        "structuredKeyword": {"uri": KS + "low"},
        "freeKeywords": [{"locale": "en_GB", "freeKeywords": [NOTE]}],
    }
]


def _first(sim: SimulatorHandle) -> str:
    return str(sim.store.collection("projects").page(0, 1)[0]["uuid"])


def test_a_value_a_person_set_in_a_full_keyword_group_is_left_as_they_set_it(
    sim: SimulatorHandle,
) -> None:
    uuid = _first(sim)
    _set_by_a_person(
        sim,
        uuid,
        LOW_WITH_A_NOTE,
    )
    before = _risk(sim, uuid)
    sim.clear_requests()
    with adapter_for(sim) as adapter:
        result = adapter.write_tags(uuid, ["ks:high"], dry_run=False, note="rule x")
    assert result.before == ["ks:low"] and not result.written
    assert result.skipped and "someone else" in result.skipped
    assert _puts(sim, uuid) == [] and _risk(sim, uuid) == before


def test_a_write_over_kvrules_own_value_keeps_the_group_form_and_other_containers(
    sim: SimulatorHandle,
) -> None:
    uuid = _first(sim)
    with adapter_for(sim) as adapter:
        first = adapter.write_tags(uuid, ["ks:low"], dry_run=False)
        stored = _risk(sim, uuid)
        # Pure hands the group back in its configured form, a container per classification
        assert first.written and stored[0]["typeDiscriminator"] == "FullKeywordGroup"
        again = adapter.write_tags(uuid, ["ks:high"], dry_run=False, written=["ks:low"])
    assert again.written and again.before == ["ks:low"] and again.after == ["ks:high"]
    (group,) = _risk(sim, uuid)
    assert group["typeDiscriminator"] == "FullKeywordGroup"
    assert [c["structuredKeyword"]["uri"] for c in group["keywordContainers"]] == [KS + "high"]


def test_a_note_on_kvrules_value_is_never_dropped_by_a_write(sim: SimulatorHandle) -> None:
    """kvrules wrote low; a person then annotated it. Replacing the value would drop the note
    (a container holds one structured keyword and its free keywords): left as is, said why."""
    uuid = _first(sim)
    _set_by_a_person(
        sim,
        uuid,
        LOW_WITH_A_NOTE,
    )
    sim.clear_requests()
    with adapter_for(sim) as adapter:
        result = adapter.write_tags(uuid, ["ks:high"], dry_run=False, written=["ks:low"])
        cleared = adapter.write_tags(uuid, [], dry_run=False, written=["ks:low"])
    assert not result.written and result.skipped and "free keywords" in result.skipped
    assert not cleared.written and cleared.skipped
    assert _puts(sim, uuid) == []
    words = [w for c in _risk(sim, uuid)[0]["keywordContainers"] for k in c["freeKeywords"]
             for w in k["freeKeywords"]]  # fmt: skip
    assert words == [NOTE]


def test_merge_keeps_free_keywords_of_a_container_that_stays() -> None:
    from kvrules_pure.writeback import merged_groups

    ours = {KS + level for level in ("none", "low", "medium", "high")}
    kept = {"structuredKeyword": {"uri": KS + "low"},
            "freeKeywords": [{"locale": "en_GB", "freeKeywords": [NOTE]}]}  # fmt: skip
    other = {"structuredKeyword": {"uri": "/dk/atira/pure/other/x"}}
    project = {
        "keywordGroups": [
            {"typeDiscriminator": "FullKeywordGroup", "logicalName": RISK, "pureId": 5,
             "keywordContainers": [kept, other]},
        ]
    }  # fmt: skip
    (group,) = merged_groups(project, RISK, [KS + "low", KS + "high"], ours)
    assert group["pureId"] == 5 and group["typeDiscriminator"] == "FullKeywordGroup"
    assert group["keywordContainers"] == [kept, other, {"structuredKeyword": {"uri": KS + "high"}}]


def test_a_dry_run_after_a_scan_says_what_a_write_would_say(sim: SimulatorHandle) -> None:
    """A dry run answers from what the scan read, without a second GET; for a group holding a
    person's note it must still say the write would be left alone, as the write does."""
    from pure_helpers import scan

    uuid = _first(sim)
    note = {"locale": "en_GB", "freeKeywords": [NOTE]}
    _set_by_a_person(
        sim, uuid, [{"structuredKeyword": {"uri": KS + "low"}, "freeKeywords": [note]}]
    )
    with adapter_for(sim) as adapter:
        scan(adapter)
        planned = adapter.write_tags(uuid, ["ks:high"], written=["ks:low"])
        written = adapter.write_tags(uuid, ["ks:high"], dry_run=False, written=["ks:low"])
    assert planned.dry_run and planned.skipped and "free keywords" in planned.skipped
    assert written.skipped == planned.skipped and not written.written
