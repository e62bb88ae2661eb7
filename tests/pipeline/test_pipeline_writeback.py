"""Write-back respects what people wrote: kvrules owns only the values it wrote itself.

Against the Pure simulator over real HTTP: a research-security officer sets a project's risk
level by hand in Pure (a real PUT, as Pure's editor does); kvrules never overwrites it, but
keeps updating the values it wrote; the audit log keeps the old and the new value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kvrules import Evaluator, TagWrite, load_rulebook
from kvrules.cli import cli
from kvrules.pipeline import Scanner
from kvrules.store import Store
from tests.conftest import project_exports, rule_yaml
from tests.pipeline.pipeline_helpers import RISK_GROUP, System, level_uri
from tests.pipeline.test_pipeline_scan import assert_audit_clean, scan

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py


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


def strip_partners(system: System, uuid: str) -> None:
    """Remove every external organisation from a project, so its findings (and wish) change."""
    participants = [
        {**person, "externalOrganizations": []}
        for person in system.get_project(uuid).get("participants") or []
    ]
    set_by_hand(system, uuid, collaborators=[], externalOrganizations=[], participants=participants)


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
        strip_partners(system, uuid)
        _decided(system, uuid)  # until the committee decides, the case's tag stands
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
    assert "kvrules last wrote ks:high" in skipped[0].details["reason"]
    assert_audit_clean(system)


def _decided(system: System, uuid: str) -> None:
    """The committee decides the record's case: a partner that left no longer holds its tag."""
    with system.store() as store:
        case = store.case_for("pure", uuid)
        assert case is not None
        store.decide(case.id, "approve", "the listed partner has left the project", actor="c")


class Crash(Exception):
    """Stands in for a SIGKILL right after the write reached Pure."""


def test_a_write_whose_bookkeeping_was_lost_is_still_kvrules_own(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(system)  # dry run: learn what kvrules wants
    target = next(
        uuid
        for uuid, tags in sorted(wished(system).items())
        if tags == ["ks:high"] and not system.get_project(uuid).get("awardClusters")
    )
    with system.store() as store:
        target_row = _row(store, target).id
    record = Store.mark_writeback_done

    def dies_after_writing_target(store: Store, row_id: int, tags: list[str], **kw: object) -> bool:
        if row_id == target_row and not kw.get("dry_run"):
            raise Crash
        return record(store, row_id, tags, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "mark_writeback_done", dies_after_writing_target)
    monkeypatch.setenv("KVRULES_DEBUG", "1")  # the stand-in crash goes through, as a SIGKILL
    crashed = CliRunner().invoke(cli, ["scan", "--config", str(system.config), "--apply"])
    assert isinstance(crashed.exception, Crash)
    monkeypatch.undo()
    assert system.risk_uris()[target] == [level_uri("high")]  # written, never recorded

    strip_partners(system, target)  # kvrules' wish for it drops, once the case is decided
    _decided(system, target)
    again = scan(system, "--apply")

    assert again["tags_skipped"] == 0
    assert system.risk_uris()[target] not in ([level_uri("high")], [])
    with system.store() as store:
        (written,) = [
            e for e in store.audit_entries(f"record:pure/{target}")
            if e.action == "writeback.written"
        ]  # fmt: skip
    assert written.details["before"] == ["ks:high"]


def test_an_adapter_without_ownership_checks_gets_them_from_the_pipeline(
    tmp_path: Path, write_rulebook
) -> None:
    """A third-party adapter written before ``written`` was in the contract overwrites anything;
    the pipeline compares on a dry read first and leaves the hand value alone."""
    from kvrules_file import FileAdapter, FileConfig, tagfile

    class Legacy(FileAdapter):
        def write_tags(self, record_id: str, tags: list[str], *, dry_run: bool = True) -> TagWrite:
            current = tagfile.read(self.config.tags_path).get(record_id, ([], ""))[0]
            return super().write_tags(record_id, tags, dry_run=dry_run, written=current)

    exports = project_exports(tmp_path, ("P1", "P2"))
    adapter = Legacy(FileConfig(path=exports))
    tagfile.write(adapter.config.tags_path, {"P1": (["ks:high"], "by hand")})
    book = load_rulebook(
        write_rulebook(rule_yaml("any", "project.title exists", on="project.created"))
    )
    with Store.open(tmp_path / "s.db") as store, Evaluator([book]) as evaluator:
        report = Scanner(store, "file", adapter, evaluator, None, apply=True).scan()
    assert report.tags_skipped == 1 and report.tags_written == 1
    rows = tagfile.read(adapter.config.tags_path)
    assert rows["P1"][0] == ["ks:high"] and rows["P2"][0] == ["ks:medium"]


def test_a_dry_run_plans_tags_from_what_the_scan_read(system: System) -> None:
    """The dry-run write-back reports on each project as the scan read it, without a second
    GET per project; what it reports is still right (a value set by hand is left alone)."""
    first = scan(system)
    hand = sorted(wished(system))[0]
    set_by_hand(system, hand, keywordGroups=risk_group("high"))
    system.sim.clear_requests()

    again = scan(system, "--full")

    assert again["tags_planned"] == first["tags_planned"] > 2
    assert again["tags_skipped"] == 1  # the hand value, read with the project
    project_reads = [
        r.path
        for r in system.sim.requests
        if r.method == "GET" and r.path.startswith("/ws/api/projects/") and r.path.count("/") == 4
    ]
    assert project_reads == []
    with system.store() as store:
        plan = next(
            r for r in store.due_writebacks(source="pure", limit=10_000) if r.record_id == hand
        )
        skipped = [
            e
            for e in store.audit_entries(f"record:pure/{hand}")
            if e.action.startswith("writeback")
        ]
    assert plan.tags == wished(system)[hand]
    assert skipped and skipped[-1].details["before"] == ["ks:high"]
