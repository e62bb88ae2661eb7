"""Pure adapter: config, full scan, mapping, quarantine, cursors, secrets — over real HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from kvrules_pure import PureAdapter, PureConfig
from kvrules_pure.client import PureError
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for, events_by_record, scan
from pydantic import ValidationError

from kvrules import CollaborationEvent, EventKind

N = 240


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=N, seed=3, api_key=SECRET) as handle:
        yield handle


@pytest.fixture(scope="module")
def full(sim: SimulatorHandle) -> list:
    with adapter_for(sim) as adapter:
        return scan(adapter)


# ---- config ---------------------------------------------------------------------------------
def test_config_from_env_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", "https://pure.example.edu/ws/api/")
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    monkeypatch.setenv("KVRULES_PURE_LOCALES", '["en_US"]')
    cfg = PureConfig()  # type: ignore[call-arg]
    assert cfg.base_url == "https://pure.example.edu/ws/api"
    assert cfg.locales == ["en_US"] and cfg.page_size == 500 and cfg.changes_feed
    assert cfg.verify() is True  # TLS verification on; only a CA bundle can be configured
    assert SECRET not in repr(cfg) and SECRET not in str(cfg.model_dump())


def test_config_key_from_file_and_errors_hide_the_key(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text(SECRET + "\n")
    cfg = PureConfig(base_url="https://h/ws/api", api_key_file=key, ca_bundle=tmp_path / "ca.pem")
    assert cfg.secret() == SECRET and cfg.verify() == str(tmp_path / "ca.pem")
    with pytest.raises(ValidationError) as e:
        PureConfig(base_url="ftp://h", api_key=SECRET)
    assert SECRET not in str(e.value)
    with pytest.raises(ValidationError, match="api_key"):
        PureConfig(base_url="https://h/ws/api")


# ---- full scan ------------------------------------------------------------------------------
def test_full_scan_emits_project_created_for_every_project(
    sim: SimulatorHandle, full: list
) -> None:
    assert not [r for r in full if r.error]
    assert len(full) == N
    assert {r.record_id for r in full} == {
        p["uuid"] for p in sim.store.collection("projects").page(0, N)
    }
    for r in full:
        (event,) = r.events
        assert event.kind is EventKind.PROJECT_CREATED
        assert event.source.system == "pure" and event.source.record_id == r.record_id
        CollaborationEvent.model_validate_json(event.model_dump_json())  # round-trips


def test_partners_from_all_three_places_deduplicated(sim: SimulatorHandle, full: list) -> None:
    by_id = {r.record_id: r.events[0].project for r in full}
    checked = 0
    for raw in sim.store.collection("projects").page(0, N):
        refs = [c["externalOrganization"]["uuid"] for c in raw.get("collaborators", [])]
        refs += [o["uuid"] for o in raw.get("externalOrganizations", [])]
        refs += [o["uuid"] for p in raw["participants"] for o in p.get("externalOrganizations", [])]
        names = {sim.store.get("external-organizations", u)["name"]["en_GB"] for u in refs}
        partners = by_id[raw["uuid"]].partners
        assert names <= {p.name for p in partners}
        assert len(partners) == len({p.name + str(p.identifiers) for p in partners})
        checked += bool(refs)
    assert checked > N / 3


def test_country_ror_funders_and_keywords(sim: SimulatorHandle, full: list) -> None:
    projects = [r.events[0].project for r in full]
    partners = [p for pr in projects for p in pr.partners]
    assert any(p.ror_id for p in partners)
    assert all(
        i.value.startswith("https://ror.org/")
        for p in partners
        for i in p.identifiers
        if i.scheme == "ror"
    )
    assert {p.country for p in partners if p.country} >= {"CN"} or len(
        {p.country for p in partners}
    ) > 5
    funded = [pr for pr in projects if pr.funders]
    assert len(funded) > N / 2
    assert all(f.name and f.country for pr in funded for f in pr.funders)
    assert any(f.amount and f.currency for pr in funded for f in pr.funders)
    assert any(pr.keywords for pr in projects)
    assert any(c.scheme == "researchAreas" for pr in projects for c in pr.classifications)


def test_event_ids_are_stable_across_scans(sim: SimulatorHandle, full: list) -> None:
    with adapter_for(sim, page_size=37, max_workers=3) as adapter:
        again = scan(adapter)
    assert events_by_record(again) == events_by_record(full)
    first = full[0].events[0]
    raw = sim.store.get("projects", first.source.record_id)
    assert first.id.startswith(f"pure:{raw['uuid']}:v{raw['version']}:")
    assert first.occurred_at.isoformat()[:19] == raw["modifiedDate"][:19]


def test_resume_after_interruption_loses_nothing(sim: SimulatorHandle, full: list) -> None:
    seen: list[str] = []
    cursor = None
    with adapter_for(sim, page_size=50) as adapter:
        for r in adapter.fetch(None):  # the caller crashes after 120 records ...
            if r.events:
                seen.append(r.record_id)
            cursor = r.cursor or cursor
            if len(seen) >= 120:
                break
        # ... and resumes from the last cursor it persisted: a page may repeat, none is lost.
        seen += [r.record_id for r in adapter.fetch(cursor) if r.events]
    assert set(seen) == {r.record_id for r in full}
    assert len(seen) - len(set(seen)) < 50


def test_pages_use_the_configured_size_and_pooled_connections(sim: SimulatorHandle) -> None:
    sim.clear_requests()
    with adapter_for(sim, page_size=100) as adapter:
        scan(adapter)
    pages = [r for r in sim.requests if r.path.endswith("/projects")]
    assert [r.query for r in pages] == [f"size=100&offset={o}" for o in (0, 100, 200)]
    orgs = [r.path for r in sim.requests if "/external-organizations/" in r.path]
    assert len(orgs) == len(set(orgs))  # each organisation is fetched once per scan


# ---- quarantine ---------------------------------------------------------------------------
def _write(folder: Path, coll: str, rec: dict) -> None:
    (folder / coll).mkdir(parents=True, exist_ok=True)
    (folder / coll / f"{rec['uuid']}.json").write_text(json.dumps(rec))


ROR = "/dk/atira/pure/ueoexternalorganisation/ueoexternalorganisationsources/ror"
U = "00000000-0000-4000-8000-{:012d}".format


def test_odd_records_never_crash_and_bad_ones_are_quarantined(tmp_path: Path) -> None:
    org = {
        "uuid": U(1),
        "name": {"de_DE": "Universität X"},
        "type": {"uri": "/x/academic"},
        "address": {"country": {"uri": "/dk/atira/pure/core/countries/zz"}},
        "identifiers": [
            {"typeDiscriminator": "ClassifiedId", "id": "01abcde23", "type": {"uri": ROR}},
            {"typeDiscriminator": "FutureId"},
        ],
    }
    _write(tmp_path, "external-organizations", org)
    base = {"typeDiscriminator": "FutureProject", "title": {"en_GB": "Odd"}}
    _write(
        tmp_path,
        "projects",
        {
            **base,
            "uuid": U(10),
            "pureId": 1,
            "collaborators": [
                {"typeDiscriminator": "AlienCollaborator"},
                {
                    "typeDiscriminator": "ExternalCollaboratorAssociation",
                    "externalOrganization": {"uuid": U(1)},
                },
            ],
            "keywordGroups": [{"typeDiscriminator": "NewGroup"}],
        },
    )
    # Wrong types are not read as "nothing": the record is quarantined with the field path.
    _write(tmp_path, "projects", {**base, "uuid": U(14), "pureId": 5, "participants": "x"})
    _write(tmp_path, "projects", {**base, "uuid": U(15), "period": {"startDate": "someday"}})
    # …and a modified time that is none is not replaced by the created time in silence.
    _write(tmp_path, "projects", {**base, "uuid": U(16), "pureId": 6, "modifiedDate": "bad"})
    _write(tmp_path, "projects", {"uuid": U(11), "pureId": 2, "title": {}})
    _write(
        tmp_path,
        "projects",
        {
            "uuid": U(12),
            "pureId": 3,
            "title": {"en_GB": "Dangling"},
            "externalOrganizations": [{"uuid": U(99)}],
        },
    )
    _write(tmp_path, "projects", {"uuid": U(13), "pureId": 4, "title": {"en_GB": "Lost award"}})
    _write(
        tmp_path,
        "award-clusters",
        {"uuid": U(20), "project": {"uuid": U(13)}, "containedAwards": [{"uuid": U(21)}]},
    )
    with (
        start_simulator(data_dir=tmp_path, api_key=SECRET) as sim,
        adapter_for(sim, award_clusters="always") as adapter,
    ):
        records = {r.record_id: r for r in scan(adapter)}
    ok = records[U(10)].events[0].project
    assert ok is not None and records[U(10)].error is None
    (partner,) = ok.partners
    assert (
        partner.name == "Universität X"
        and partner.country is None
        and partner.ror_id == "01abcde23"
    )
    assert "no title" in records[U(11)].error
    assert U(99) in records[U(12)].error and not records[U(12)].events
    assert U(21) in records[U(13)].error and "404" in records[U(13)].error
    assert records[U(14)].error == "participants: expected a list, got a string"
    assert records[U(15)].error == "period.startDate: not a date: 'someday'"
    assert records[U(16)].error == "modifiedDate: not a date-time: 'bad'"


# ---- secrets --------------------------------------------------------------------------------
def test_api_key_never_logged_or_in_errors(
    sim: SimulatorHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim.faults.script("GET", 1, "503", times=2, path="/projects$")
    errors = []
    with adapter_for(sim, retries=1) as adapter:
        try:
            scan(adapter)
        except PureError as e:
            errors.append(f"{e!r} {e}")
        try:
            adapter.client.get_json("/projects/" + U(404))
        except PureError as e:
            errors.append(f"{e!r} {e}")
        errors.append(repr(adapter.config) + repr(adapter.client.__dict__.get("config")))
    bad = PureAdapter({"base_url": sim.base_url, "api_key": SECRET + "-wrong", "retries": 0})
    try:
        scan(bad)
    except PureError as e:
        errors.append(f"{e!r} {e}")
        assert e.status == 401
    bad.close()
    assert len(errors) == 4
    assert any("503" in e for e in errors) and any("404" in e for e in errors)
    assert caplog.records  # urllib3 retries and connection logs were captured
    assert SECRET not in caplog.text and all(SECRET not in e for e in errors)


def test_the_key_is_sent_only_as_a_header(sim: SimulatorHandle) -> None:
    sim.clear_requests()
    with adapter_for(sim) as adapter:
        adapter.client.get_json("/projects", {"size": 1})
    assert all(SECRET not in r.query and SECRET not in r.path for r in sim.requests)
    assert requests.get(sim.base_url + "/projects").status_code == 401
