"""#19 item 2, end to end: a funding application's case follows it to the project.

The Pure simulator (real HTTP on 127.0.0.1) serves applications; `kvrules scan` screens one,
the committee decides its case, the grant office records the award (Pure creates the award and
the project, linked to the application), and the next incremental scan hands the case over:
the project's case page shows the decision taken before the award, and nobody is alerted
again unless something material changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from kvrules_pure.writeback import current_uris

from kvrules.cli import cli
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import RISK_GROUP, System, level_uri, start_system
from tests.web.web_helpers import PASSWORD_HASH, app_for, login

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

RATIONALE = "Partner vetted by the adviser; no export-controlled data is shared."


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    running = start_system(tmp_path / "run", pure_settings={"applications": True})
    try:
        yield running
    finally:
        running.stop()


def scan(system: System) -> dict:
    result = CliRunner().invoke(
        cli, ["scan", "--config", str(system.config), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def pending_application_with_case(system: System, store: Store, n: int = 0) -> tuple[str, int]:
    """(uuid, case id) of the n-th application that has a case and no award yet."""
    found = []
    for case in store.cases():
        if case.record_id.startswith("applications/"):
            uuid = case.record_id.split("/", 1)[1]
            if not system.sim.store.get("applications", uuid).get("awards"):
                found.append((uuid, case.id))
    assert len(found) > n, "the seed has too few risky pending applications"
    return found[n]


def decide(system: System, case_id: int) -> None:
    with system.store() as store:
        store.decide(
            case_id,
            "approve-with-mitigations",
            RATIONALE,
            actor="alice",
            mitigations=[("No access to the clean room", "PI", None)],
        )


def alerts_of(system: System, case_id: int) -> list:
    with system.store() as store:
        return [a for a in store.alerts() if a.case_id == case_id]


def test_the_case_follows_the_application_to_the_project_without_a_new_alert(
    system: System,
) -> None:
    scan(system)
    with system.store() as store:
        uuid, application_case = pending_application_with_case(system, store)
    decide(system, application_case)
    mails_before = len(system.mail.mails)

    made = system.sim.store.award_application(uuid)  # Pure: award and project appear
    project_uuid = made["projects"]["uuid"]
    summary = scan(system)

    assert summary["full"] is False  # the changes feed brought the project and the award
    with system.store() as store:
        case = store.case_for("pure", project_uuid)
        assert case is not None and case.id != application_case
        assert store.case_findings(case.id), "the project's findings are on its case"
        assert case.status == "decided" and case.decision == "approve-with-mitigations"
        (entry,) = [
            e for e in store.audit_entries(f"case:{case.id}") if e.action == "case.handed-over"
        ]
        assert entry.details["from_case"] == application_case
        assert entry.details["decided_by"] == "alice"
        assert entry.details["changes"] == []
        # The decision and its open mitigation items move with the case.
        assert [d.decision for d in store.decisions(case.id)] == ["approve-with-mitigations"]
        assert [m.action for m in store.mitigations(case.id)] == ["No access to the clean room"]
        assert any(
            e.action == "case.followed" and e.details["to_case"] == case.id
            for e in store.audit_entries(f"case:{application_case}")
        )
    assert alerts_of(system, case.id) == []  # nothing material changed: nobody alerted
    assert [
        m for m in list(system.mail.mails)[mails_before:] if project_uuid in str(m.message)
    ] == []

    # The project's case page tells the committee what was decided before the award.
    with system.store() as store:
        store.add_user("carol", "committee", PASSWORD_HASH, actor="test")
    client = app_for(system.database)
    login(client, "carol")
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Before the award" in text
    assert f"approved with mitigations</strong> on {entry.details['decided_on']}, by alice" in text
    assert f'href="/cases/{application_case}"' in text
    assert "nobody was alerted again" in text

    # A later scan does not hand over (or alert) again.
    scan(system)
    with system.store() as store:
        entries = store.audit_entries(f"case:{case.id}")
    assert len([e for e in entries if e.action == "case.handed-over"]) == 1


def test_a_new_partner_after_the_decision_alerts_the_committee_again(system: System) -> None:
    scan(system)
    with system.store() as store:
        uuid, application_case = pending_application_with_case(system, store, 1)
    decide(system, application_case)
    made = system.sim.store.award_application(uuid)
    project = made["projects"]
    # Before kvrules reads it, the project gains a partner the application did not name: a
    # listed organisation from another record's screening.
    with system.store() as store:
        named = {
            p["name"] for p in store.subject("pure", f"applications/{uuid}")["project"]["partners"]
        }
        listed = next(
            p
            for _, _, _, body in store.subjects()
            for p in (body.get("project") or {}).get("partners", [])
            if p.get("lists") and p["name"] not in named
        )
    ext = next(
        o
        for o in (system.sim.store.collection("external-organizations").page(0, 10_000))
        if next(iter(o["name"].values())) == listed["name"]
    )
    collaborators = [
        *project["collaborators"],
        {
            "typeDiscriminator": "ExternalCollaboratorAssociation",
            "externalOrganization": {"systemName": "ExternalOrganization", "uuid": ext["uuid"]},
        },
    ]
    current = system.get_project(project["uuid"])
    r = requests.put(
        f"{system.sim.base_url}/projects/{project['uuid']}",
        json={"version": current["version"], "collaborators": collaborators},
        headers=system.sim.headers,
        timeout=10,
    )
    r.raise_for_status()
    scan(system)

    with system.store() as store:
        case = store.case_for("pure", project["uuid"])
        assert case is not None and case.status == "open" and case.decision is None
        (entry,) = [
            e for e in store.audit_entries(f"case:{case.id}") if e.action == "case.handed-over"
        ]
    assert f"new partner: {listed['name']}" in " ".join(entry.details["changes"])
    assert entry.details["decision"] == "approve-with-mitigations"
    assert alerts_of(system, case.id), "a material change alerts the committee again"


def test_scan_apply_writes_the_risk_tag_to_applications(system: System) -> None:
    """#19 item 3: the grant office sees the risk tag on the application in Pure (a value
    someone set there before is left as it is)."""
    apps = system.sim.store.collection("applications")
    before = {a["uuid"]: current_uris(a, RISK_GROUP) for a in apps.page(0, len(apps))}
    result = CliRunner().invoke(
        cli, ["scan", "--config", str(system.config), "--json", "--apply"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    with system.store() as store:
        cases = [c for c in store.cases() if c.record_id.startswith("applications/")]
    assert cases
    for case in cases:
        uuid = case.record_id.split("/", 1)[1]
        now = current_uris(system.sim.store.get("applications", uuid), RISK_GROUP)
        assert now == (before[uuid] or [level_uri(case.severity.value)]), case
    written = {p.rsplit("/", 1)[1] for p in system.puts() if "/applications/" in p}
    assert written == {c.record_id.split("/", 1)[1] for c in cases} - {
        u for u, v in before.items() if v
    }
