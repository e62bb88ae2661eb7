"""Requests an incremental pass spends on what changed projects link to: organisations and
members' cards are read one by one only while that costs fewer requests than reading them
whole (then once, in pages of 50), and the records are the same either way."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from converis_helpers import SECRET, adapter_for, last_cursor, scan
from kvrules_converis.simulator import SimulatorHandle, start_simulator

CHANGED = 60


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=300, seed=1, password=SECRET, rate_limit=None) as handle:
        yield handle


def _kinds(paths: list[str]) -> Counter[str]:
    """Requests by path, ids as N: /data/entities/Organisation/N."""
    return Counter(re.sub(r"/\d+(?=/|$)", "/N", p.split("/ws/v2", 1)[1]) for p in paths)


def test_linked_records_of_many_changed_projects_are_read_whole_not_one_by_one(sim) -> None:
    with adapter_for(sim) as adapter:
        full = {r.record_id: r for r in scan(adapter)}
        cursor = last_cursor(adapter)
    changed = sorted(sim.store.entities["Project"])[:CHANGED]
    for pid in changed:
        sim.store.touch(pid)
    before = len(sim._api.requests)
    with adapter_for(sim) as adapter:
        got = scan(adapter, cursor)
    kinds = _kinds([entry.path for entry in list(sim._api.requests)[before:]])
    assert sorted(r.record_id for r in got) == sorted(map(str, changed))
    for record in got:  # the same partners, funders, units and members as a full pass read
        assert [e.project for e in record.events] == [
            e.project for e in full[record.record_id].events
        ], record.record_id
    org_pages = math.ceil(len(sim.store.entities["Organisation"]) / 50)
    card_pages = math.ceil(len(sim.store.links["CARD_has_ORGA"]) / 50)
    one_by_one = kinds["/data/entities/Organisation/N"]
    assert one_by_one <= org_pages, kinds  # then read whole: the rest came in those pages
    assert kinds["/data/linkentities/CARD_has_ORGA/linked/Card/N"] <= card_pages, kinds
    assert sum(kinds.values()) <= 5 * CHANGED, kinds  # was about 7 per changed project
