"""Hostile project records over real HTTP (issue #14, items 3, 4, 9): whatever one record
holds, it is mapped or quarantined with its id (its position when it has none), the field path
and the reason; every other record is still screened; limits hold before any request."""

from __future__ import annotations

from collections import Counter

import pytest
from kvrules_pure import mapping
from kvrules_pure.config import PureConfig
from kvrules_pure.mapping import MappingError, Related
from kvrules_pure.simulator import start_simulator
from kvrules_pure.simulator.hostile import KINDS, plant
from pure_helpers import SECRET, adapter_for, last_cursor, scan

N = 60


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_hostile_record_is_quarantined_with_its_path_and_the_scan_goes_on(kind: str) -> None:
    with start_simulator(projects=N, seed=5, api_key=SECRET, portfolio="stress") as sim:
        good = {sim.store.collection("projects").source.uuid_at(i) for i in range(N)}
        (planted,) = plant(sim.store, every=N, kinds=[kind])
        with adapter_for(sim) as adapter:
            records = scan(adapter)
        requested = [r.path for r in sim.requests]
    ids = Counter(r.record_id for r in records)
    assert max(ids.values()) == 1  # nothing doubled
    bad = [r for r in records if r.error]
    assert [(r.record_id, planted.explains(r.error)) for r in bad] == [(planted.record_id, True)], [
        r.error[:200] for r in bad if r.error
    ]
    screened = {r.record_id for r in records if r.events}
    assert screened == good - {planted.uuid}  # every other project screened
    # Refs of a record over a limit are never fetched (one request per ref was the attack).
    fake = "00000000-0000-0000-0000-000000000002"
    assert not [p for p in requested if fake in p]


def test_a_wrong_type_in_a_fetched_organisation_quarantines_only_its_users() -> None:
    with start_simulator(projects=N, seed=5, api_key=SECRET, portfolio="stress") as sim:
        with adapter_for(sim) as adapter:
            before = {r.record_id: r for r in scan(adapter)}
        orgs = sim.store.collection("external-organizations")
        project = next(r for r in before.values() if r.events and r.events[0].project.partners)
        name = project.events[0].project.partners[0].name
        uuid = next(
            orgs.source.uuid_at(i)
            for i in range(len(orgs))
            if (o := orgs.get(orgs.source.uuid_at(i))) and name in str(o.get("name"))
        )
        orgs.overrides[uuid] = {**orgs.get(uuid), "name": {"en_GB": "N" * 20_000}}
        with adapter_for(sim) as adapter:
            after = {r.record_id: r for r in scan(adapter)}
    assert set(after) == set(before)
    hit = after[project.record_id]
    assert hit.error and "name of length 20,000 is over the limit" in hit.error
    assert "(max_name_chars)" in hit.error
    assert sum(1 for r in after.values() if r.error) < len(after) // 2


@pytest.mark.parametrize("changes_feed", [False, True], ids=["diffed-pass", "changes-feed"])
def test_incremental_scans_go_on_past_hostile_records(changes_feed: bool) -> None:
    """The diffed pass and the changes feed read the same hostile records without stopping."""
    with start_simulator(projects=N, seed=5, api_key=SECRET, portfolio="stress") as sim:
        planted = plant(sim.store, every=6)
        with adapter_for(sim, changes_feed=changes_feed) as adapter:
            cursor = last_cursor(adapter)
            again = scan(adapter, cursor)
    quarantined = {r.record_id for r in again if r.error}
    assert not [r for r in again if r.events]  # nothing changed
    # Without a usable uuid a record cannot be diffed: the diffed pass quarantines it again.
    assert quarantined <= {p.record_id for p in planted if p.record_id.startswith("projects[")}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1,000", "awardedAmount.value: not a finite number: '1,000'"),
        ("NaN", "awardedAmount.value: not a finite number: 'NaN'"),
        ([5], "awardedAmount.value: expected a number, got a list"),
        # Reviewer (Converis round): a negative amount and an exponent were read as money.
        ("-5000", "awardedAmount.value: amount '-5000' is negative"),
        (-5000, "awardedAmount.value: amount '-5000' is negative"),
        ("3e5", "awardedAmount.value: not a finite number: '3e5'"),
        ("750.000,00", "awardedAmount.value: not a finite number: '750.000,00'"),
    ],
)
def test_a_funding_amount_that_is_not_a_number_quarantines_the_project(
    value: object, reason: str
) -> None:
    """It was skipped (or the funder kept without money), so the project's foreign funding
    share silently left it out."""
    funder = "f0000000-0000-4000-8000-000000000001"
    award = {
        "uuid": "a1",
        "fundings": [{"funder": {"uuid": funder}, "awardedAmount": {"value": value}}],
    }
    related = Related(awards=[award], orgs={funder: {"uuid": funder, "name": "NWO"}})
    with pytest.raises(MappingError) as e:
        mapping.funders(related, PureConfig(base_url="http://127.0.0.1:1", api_key="k"))
    assert str(e.value) == f"award a1: fundings[0].{reason}"


def test_the_api_key_never_goes_through_a_proxy_over_plain_http(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reviewer's defect: `HTTP_PROXY=... kvrules fetch --source pure` with a plain-http
    loopback base URL sent every request, api-key header and all, to the proxy in clear."""
    from kvrules.testing.hostile import HostileServer

    with HostileServer() as proxy, start_simulator(projects=3, seed=5, api_key=SECRET) as sim:
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url())
        with adapter_for(sim) as adapter:
            records = scan(adapter)
        assert len(records) == 3 and not [r for r in records if r.error]
        assert proxy.requests == []
        assert sim.requests  # the simulator itself was asked
