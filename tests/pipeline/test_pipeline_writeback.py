"""Write-back respects what people wrote: kvrules owns only the values it wrote itself.

Against the Pure simulator over real HTTP: a research-security officer sets a project's risk
level by hand in Pure (a real PUT, as Pure's editor does); kvrules never overwrites it, but
keeps updating the values it wrote; the audit log keeps the old and the new value.
"""

from __future__ import annotations

import requests

from tests.pipeline.pipeline_helpers import RISK_GROUP, System, level_uri
from tests.pipeline.test_pipeline_scan import assert_audit_clean, scan


def set_by_hand(system: System, uuid: str, **changes: object) -> None:
    """Edit a project as a person in Pure would: read it, change fields, PUT with its version."""
    project = system.get_project(uuid)
    response = requests.put(
        f"{system.sim.base_url}/projects/{uuid}",
        headers=system.sim.headers,
        json={"version": project["version"], **changes},
        timeout=10,
    )
    response.raise_for_status()


def risk_group(level: str) -> list[dict]:
    uri = level_uri(level)
    return [
        {
            "typeDiscriminator": "ClassificationsKeywordGroup",
            "logicalName": RISK_GROUP,
            "classifications": [{"uri": uri}],
        }
    ]


def wished(system: System) -> dict[str, list[str]]:
    with system.store() as store:
        rows = [r for case in store.cases() if (r := _row(store, case.record_id))]
    return {r.record_id: r.tags for r in rows}


def _row(store, record_id: str):  # test helper
    return next(
        (r for r in store.due_writebacks(source="pure", limit=10_000) if r.record_id == record_id),
        None,
    )


def test_a_value_set_by_hand_is_never_overwritten(system: System) -> None:
    planned = scan(system)  # dry run: kvrules has written nothing yet
    wishes = wished(system)
    assert planned["tags_planned"] == len(wishes) > 2
    # The officer raises one project to "high" by hand; kvrules would write something lower.
    hand = next(uuid for uuid, tags in sorted(wishes.items()) if tags != ["ks:high"])
    set_by_hand(system, hand, keywordGroups=risk_group("high"))
    system.sim.clear_requests()

    applied = scan(system, "--apply")

    assert system.risk_uris()[hand] == [level_uri("high")]  # the hand value stays
    assert not any(path.endswith(hand) for path in system.puts())
    assert applied["tags_skipped"] == 1
    assert applied["tags_written"] == len(wishes) - 1
    with system.store() as store:
        entries = store.audit_entries(f"record:pure/{hand}")
        skipped = [e for e in entries if e.action == "writeback.skipped"]
        assert len(skipped) == 1 and not any(e.action == "writeback.written" for e in entries)
        assert skipped[0].details["before"] == ["ks:high"]
        assert skipped[0].details["tags"] == wishes[hand]
        assert "someone else" in skipped[0].details["reason"]
        # Every write says what it replaced (nothing, here) and what it wrote.
        written = [e for e in store.audit_entries() if e.action == "writeback.written"]
        assert {e.details["before"].__len__() for e in written} == {0}
        assert store.due_writebacks(source="pure") == []  # the skip is not retried forever
    # Nothing changes on a rescan either.
    again = scan(system, "--apply")
    assert again["tags_written"] == 0 and system.risk_uris()[hand] == [level_uri("high")]
    assert_audit_clean(system)


def test_kvrules_updates_its_own_value_but_not_one_changed_by_hand(system: System) -> None:
    first = scan(system, "--apply")
    assert first["tags_written"] > 2
    tags = system.risk_uris()
    # Two projects kvrules tagged "high" lose their partners in Pure, so kvrules' wish drops.
    risky = [
        uuid
        for uuid, uris in sorted(tags.items())
        if uris == [level_uri("high")] and not system.get_project(uuid).get("awardClusters")
    ]
    own, hand = risky[:2]
    for uuid in (own, hand):
        participants = [
            {**person, "externalOrganizations": []}
            for person in system.get_project(uuid).get("participants") or []
        ]
        set_by_hand(
            system, uuid, collaborators=[], externalOrganizations=[], participants=participants
        )
    # ... and on one of them the officer set "medium" by hand meanwhile.
    set_by_hand(system, hand, keywordGroups=risk_group("medium"))

    again = scan(system, "--apply")

    assert system.risk_uris()[own] not in ([level_uri("high")], [])  # kvrules' value updated
    assert system.risk_uris()[hand] == [level_uri("medium")]  # the hand value stays
    assert again["tags_skipped"] == 1
    with system.store() as store:
        own_writes = [
            e for e in store.audit_entries(f"record:pure/{own}") if e.action == "writeback.written"
        ]
        hand_entries = store.audit_entries(f"record:pure/{hand}")
    new_level = system.risk_uris()[own][0].rsplit("/", 1)[1]
    assert own_writes[-1].details["before"] == ["ks:high"]  # old → new in the audit log
    assert own_writes[-1].details["tags"] == [f"ks:{new_level}"]
    skipped = [e for e in hand_entries if e.action == "writeback.skipped"]
    assert len(skipped) == 1 and skipped[0].details["before"] == ["ks:medium"]
    assert "kvrules last wrote ['ks:high']" in skipped[0].details["reason"]
    assert_audit_clean(system)
