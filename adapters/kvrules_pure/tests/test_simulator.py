"""The Pure API simulator over real HTTP on 127.0.0.1: shapes, paging, writes, faults, feed."""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kvrules_pure.simulator import (
    Faults,
    SimulatorConfig,
    SimulatorHandle,
    legacy524,
    start_simulator,
)
from kvrules_pure.simulator.build import build_store


def get(sim: SimulatorHandle, path: str, **kw: Any) -> requests.Response:
    return requests.get(sim.base_url + path, headers=sim.headers, timeout=10, **kw)


def put(sim: SimulatorHandle, path: str, body: Any) -> requests.Response:
    return requests.put(sim.base_url + path, headers=sim.headers, json=body, timeout=10)


def project_uuid(sim: SimulatorHandle, offset: int) -> str:
    return get(sim, f"/projects?size=1&offset={offset}").json()["items"][0]["uuid"]


# ---- listing, auth, problems ------------------------------------------------------------


def test_list_pages_to_the_end_and_count_is_total(pure_simulator: SimulatorHandle) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        body = get(pure_simulator, f"/projects?size=1000&offset={offset}").json()
        assert body["count"] == 3000
        assert body["pageInformation"] == {"offset": offset, "size": 1000}
        seen.extend(item["uuid"] for item in body["items"])
        offset += 1000
        if offset >= body["count"]:
            break
    assert len(seen) == len(set(seen)) == 3000


def test_default_page_size_is_10(pure_simulator: SimulatorHandle) -> None:
    assert len(get(pure_simulator, "/projects").json()["items"]) == 10


@pytest.mark.parametrize("query", ["size=1001", "size=-1", "offset=-5", "size=ten"])
def test_bad_paging_is_a_400_problem(
    pure_simulator: SimulatorHandle, query: str, spec_validate: Any
) -> None:
    r = get(pure_simulator, f"/projects?{query}")
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/problem+json")
    spec_validate(r.json(), "ProblemDetails")


@pytest.mark.parametrize("headers", [{}, {"api-key": "wrong"}])
def test_api_key_required(pure_simulator: SimulatorHandle, headers: dict[str, str]) -> None:
    r = requests.get(pure_simulator.base_url + "/projects", headers=headers, timeout=10)
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json()["status"] == 401


def test_unknown_uuid_is_404_problem(pure_simulator: SimulatorHandle, spec_validate: Any) -> None:
    r = get(pure_simulator, "/projects/00000000-0000-4000-8000-000000000000")
    assert r.status_code == 404
    spec_validate(r.json(), "ProblemDetails")


def test_search_by_uuids_and_text(pure_simulator: SimulatorHandle, spec_validate: Any) -> None:
    uuids = [project_uuid(pure_simulator, i) for i in (5, 6, 7)]
    url = pure_simulator.base_url + "/projects/search"
    r = requests.post(url, headers=pure_simulator.headers, json={"uuids": uuids}, timeout=10)
    body = r.json()
    spec_validate(body, "ProjectListResult")
    assert [i["uuid"] for i in body["items"]] == uuids
    r = requests.post(
        url, headers=pure_simulator.headers, json={"searchString": "qubits", "size": 5}, timeout=10
    )
    body = r.json()
    assert body["count"] > 0
    assert all("qubits" in json.dumps(i["title"]).lower() for i in body["items"])


# ---- every endpoint type validates against the spec ---------------------------------------


def test_bodies_validate_against_the_spec(
    pure_simulator: SimulatorHandle, spec_validate: Any
) -> None:
    sim = pure_simulator
    page = get(sim, "/projects?size=120&offset=200").json()
    spec_validate(page, "ProjectListResult")
    refs: dict[str, set[str]] = {k: set() for k in ("external", "org", "person", "xperson")}
    for project in page["items"][:40]:
        spec_validate(get(sim, f"/projects/{project['uuid']}").json(), "Project")
        clusters = get(sim, f"/projects/{project['uuid']}/award-clusters").json()
        spec_validate(clusters, "AwardClusterListResult")
        for cluster in clusters["items"]:
            for award in cluster["containedAwards"]:
                spec_validate(get(sim, f"/awards/{award['uuid']}").json(), "Award")
        for c in project.get("collaborators", []):
            refs["external"].add(c["externalOrganization"]["uuid"])
        for p in project["participants"]:
            if "person" in p:
                refs["person"].add(p["person"]["uuid"])
            else:
                refs["xperson"].add(p["externalPerson"]["uuid"])
            refs["external"].update(o["uuid"] for o in p.get("externalOrganizations", []))
        refs["org"].update(o["uuid"] for o in project["organizations"])
    paths = {
        "external": "external-organizations",
        "org": "organizations",
        "person": "persons",
        "xperson": "external-persons",
    }
    schemas = {
        "external": "ExternalOrganization",
        "org": "Organization",
        "person": "Person",
        "xperson": "ExternalPerson",
    }
    for kind, uuids in refs.items():
        assert uuids, kind
        for uuid in sorted(uuids)[:25]:
            spec_validate(get(sim, f"/{paths[kind]}/{uuid}").json(), schemas[kind])
    for coll, schema in [
        ("awards", "AwardListResult"),
        ("research-outputs", "ResearchOutputListResult"),
        ("activities", "ActivityListResult"),
        ("persons", "PersonListResult"),
        ("external-organizations", "ExternalOrganizationListResult"),
        ("organizations", "OrganizationListResult"),
    ]:
        body = get(sim, f"/{coll}?size=40").json()
        spec_validate(body, schema)
    ro = get(sim, "/research-outputs?size=1").json()["items"][0]["uuid"]
    spec_validate(get(sim, f"/research-outputs/{ro}").json(), "ResearchOutput")
    act = get(sim, "/activities?size=1").json()["items"][0]["uuid"]
    spec_validate(get(sim, f"/activities/{act}").json(), "Activity")
    configs = get(sim, "/projects/allowed-keyword-group-configurations").json()
    spec_validate(configs, "AllowedKeywordGroupConfigurationList")
    for config in configs["configurations"]:
        body = get(
            sim,
            f"/projects/allowed-keyword-group-configurations/{config['pureId']}/classifications",
        )
        spec_validate(body.json(), "ClassificationRefList")


def test_synthetic_records_omit_optional_fields(pure_simulator: SimulatorHandle) -> None:
    items = get(pure_simulator, "/projects?size=1000").json()["items"]
    for key in (
        "period",
        "acronym",
        "descriptions",
        "keywordGroups",
        "collaborators",
        "visibility",
    ):
        assert any(key not in p for p in items), key
        assert any(key in p for p in items), key
    orgs = get(pure_simulator, "/external-organizations?size=1000").json()["items"]
    assert any("address" not in o or "country" not in o["address"] for o in orgs)


# ---- writes -----------------------------------------------------------------------------


def test_put_merges_replaces_lists_and_bumps_version(
    pure_simulator: SimulatorHandle, spec_validate: Any
) -> None:
    sim = pure_simulator
    uuid = project_uuid(sim, 11)
    before = get(sim, f"/projects/{uuid}").json()
    group = {
        "typeDiscriminator": "ClassificationsKeywordGroup",
        "logicalName": "knowledgeSecurityRisk",
        "classifications": [{"uri": "/dk/atira/pure/keywords/knowledgesecurity/high"}],
    }
    r = put(sim, f"/projects/{uuid}", {"version": before["version"], "keywordGroups": [group]})
    assert r.status_code == 200, r.text
    after = r.json()
    spec_validate(after, "Project")
    assert after["version"] != before["version"]
    assert after["keywordGroups"] == [group]  # the list was replaced, not appended to
    assert after["title"] == before["title"]  # untouched properties survive
    assert get(sim, f"/projects/{uuid}").json() == after
    # A second write with the new version works and changes the version again.
    r2 = put(sim, f"/projects/{uuid}", {"version": after["version"], "acronym": "KS1"})
    assert r2.status_code == 200
    assert r2.json()["version"] not in (before["version"], after["version"])
    assert r2.json()["keywordGroups"] == [group]


def test_stale_version_is_409_conflict(pure_simulator: SimulatorHandle, spec_validate: Any) -> None:
    sim = pure_simulator
    uuid = project_uuid(sim, 12)
    stale = get(sim, f"/projects/{uuid}").json()["version"]
    assert put(sim, f"/projects/{uuid}", {"version": stale, "acronym": "A"}).status_code == 200
    r = put(sim, f"/projects/{uuid}", {"version": stale, "acronym": "B"})
    assert r.status_code == 409
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    spec_validate(body, "ConflictProblemDetails")
    assert body["modified"] and body["modifiedBy"]
    assert get(sim, f"/projects/{uuid}").json()["acronym"] == "A"


def test_missing_version_is_a_dirty_write(pure_simulator: SimulatorHandle) -> None:
    uuid = project_uuid(pure_simulator, 13)
    r = put(
        pure_simulator,
        f"/projects/{uuid}",
        {"period": {"startDate": "2024-01-01", "endDate": None}},
    )
    assert r.status_code == 200
    assert r.json()["period"] == {"startDate": "2024-01-01", "endDate": None}


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {"title": None},
        {"keywordGroups": [{"logicalName": "x"}]},
        {
            "keywordGroups": [
                {
                    "typeDiscriminator": "ClassificationsKeywordGroup",
                    "logicalName": "knowledgeSecurityRisk",
                    "classifications": [{"uri": "/not/in/the/scheme"}],
                }
            ]
        },
        {"typeDiscriminator": "SomethingElse"},
    ],
)
def test_invalid_put_is_a_validation_problem(
    pure_simulator: SimulatorHandle, body: Any, spec_validate: Any
) -> None:
    uuid = project_uuid(pure_simulator, 14)
    before = get(pure_simulator, f"/projects/{uuid}").json()
    r = put(pure_simulator, f"/projects/{uuid}", body)
    assert r.status_code == 400
    spec_validate(r.json(), "ProblemDetails")
    assert r.json()["type"] == "/validation-error"
    assert get(pure_simulator, f"/projects/{uuid}").json() == before


def test_notes(pure_simulator: SimulatorHandle, spec_validate: Any) -> None:
    uuid = project_uuid(pure_simulator, 15)
    r = put(pure_simulator, f"/projects/{uuid}/notes", {"text": "Screened: high", "username": "ks"})
    assert r.status_code == 200
    spec_validate(r.json(), "Note")
    listed = get(pure_simulator, f"/projects/{uuid}/notes").json()
    spec_validate(listed, "NoteListResult")
    assert [n["text"] for n in listed["items"]] == ["Screened: high"]
    assert put(pure_simulator, f"/projects/{uuid}/notes", {"username": "x"}).status_code == 400


def test_merged_uuid_redirects_with_301(pure_simulator: SimulatorHandle) -> None:
    sim = pure_simulator
    projects = get(sim, "/projects?size=1000").json()["items"]
    merged = next(p for p in projects if p.get("previousUuids"))
    old = merged["previousUuids"][0]
    r = get(sim, f"/projects/{old}", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"] == f"{sim.base_url}/projects/{merged['uuid']}"
    assert get(sim, f"/projects/{old}").json()["uuid"] == merged["uuid"]  # client follows
    orgs = get(sim, "/external-organizations?size=1000").json()["items"]
    org = next(o for o in orgs if o.get("previousUuids"))
    r = get(sim, f"/external-organizations/{org['previousUuids'][0]}", allow_redirects=False)
    assert r.status_code == 301


# ---- awards -----------------------------------------------------------------------------


def test_award_clusters_lead_to_awards_with_funders(pure_simulator: SimulatorHandle) -> None:
    sim = pure_simulator
    currencies: Counter[str] = Counter()
    funded = 0
    for project in get(sim, "/projects?size=60&offset=600").json()["items"]:
        clusters = get(sim, f"/projects/{project['uuid']}/award-clusters").json()
        assert clusters["count"] == len(project.get("awardClusters", []))
        for cluster in clusters["items"]:
            assert cluster["project"]["uuid"] == project["uuid"]
            for ref in cluster["containedAwards"]:
                funded += 1
                award = get(sim, f"/awards/{ref['uuid']}").json()
                assert award["cluster"]["uuid"] == cluster["uuid"]
                for funding in award["fundings"]:
                    funder = get(sim, f"/external-organizations/{funding['funder']['uuid']}")
                    assert funder.status_code == 200
                    native = funding.get("awardedAmountInAwardedCurrency")
                    if native:
                        currencies[native["currency"]] += 1
    assert funded > 20
    assert len(currencies) >= 3, currencies


# ---- realism ------------------------------------------------------------------------------


def test_partners_include_real_institutions_with_variants(pure_simulator: SimulatorHandle) -> None:
    orgs = get(pure_simulator, "/external-organizations?size=1000").json()["items"]
    names = [next(iter(o["name"].values())) for o in orgs]
    assert "Harbin Institute of Technology" in names
    assert any(n != "Harbin Institute of Technology" and "Harbin" in n for n in names)
    assert any(any(ord(ch) > 0x2E80 for ch in n) for n in names)  # native-script names
    assert any(n.startswith("School of") or ", " in n for n in names)  # sub-units
    ror_type = SimulatorConfig().ror_type_uri
    rors = [i["id"] for o in orgs for i in o.get("identifiers", []) if i["type"]["uri"] == ror_type]
    assert "https://ror.org/01yqg2h08" in rors
    countries = {
        o["address"]["country"]["uri"].rsplit("/", 1)[-1]
        for o in orgs
        if "country" in o.get("address", {})
    }
    assert {"cn", "ru", "ir", "nl", "us"} <= countries
    assert all(len(c) == 2 and c.islower() for c in countries)


def test_sensitive_areas_appear_in_keywords(pure_simulator: SimulatorHandle) -> None:
    items = get(pure_simulator, "/projects?size=1000&offset=1000").json()["items"]
    uris = {
        c["uri"].rsplit("/", 1)[-1]
        for p in items
        for g in p.get("keywordGroups", [])
        for c in g.get("classifications", [])
    }
    assert {
        "quantum",
        "hypersonics",
        "ai",
        "semiconductors",
        "drones",
        "cryptography",
        "nuclear",
        "biotech",
    } <= uris
    free = [
        w
        for p in items
        for g in p.get("keywordGroups", [])
        for k in g.get("keywords", [])
        for w in k["freeKeywords"]
    ]
    assert free


def test_same_seed_same_university_other_seed_differs() -> None:
    a = build_store(SimulatorConfig(seed=7, projects=50)).collection("projects").page(0, 50)
    b = build_store(SimulatorConfig(seed=7, projects=50)).collection("projects").page(0, 50)
    c = build_store(SimulatorConfig(seed=8, projects=50)).collection("projects").page(0, 50)
    assert a == b
    assert a != c


def test_hundred_thousand_projects_are_lazy() -> None:
    store = build_store(SimulatorConfig(projects=100_000))
    projects = store.collection("projects")
    assert len(projects) == 100_000
    last = projects.page(99_999, 1000)
    assert len(last) == 1
    assert projects.get(last[0]["uuid"]) == last[0]
    assert len(projects.overrides) == 0


def test_ror_configuration() -> None:
    cfg = SimulatorConfig(projects=10, ror_type_uri="/x/ror", ror_value_style="bare")
    orgs = build_store(cfg).collection("external-organizations").page(0, 1000)
    ids = [i["id"] for o in orgs for i in o.get("identifiers", []) if i["type"]["uri"] == "/x/ror"]
    assert "01yqg2h08" in ids


# ---- faults -----------------------------------------------------------------------------


def test_scripted_fault_hits_the_nth_put_only(pure_simulator: SimulatorHandle) -> None:
    sim = pure_simulator
    uuid = project_uuid(sim, 20)
    sim.faults.script("PUT", nth=3, kind="503")
    statuses = [put(sim, f"/projects/{uuid}", {"acronym": f"T{n}"}).status_code for n in range(4)]
    assert statuses == [200, 200, 503, 200]
    assert get(sim, f"/projects/{uuid}").json()["acronym"] == "T3"


def test_429_carries_retry_after(pure_simulator: SimulatorHandle) -> None:
    pure_simulator.faults.script("GET", nth=1, kind="429")
    r = get(pure_simulator, "/projects?size=1")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "1"
    assert r.json()["status"] == 429
    assert get(pure_simulator, "/projects?size=1").status_code == 200


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_server_errors(pure_simulator: SimulatorHandle, kind: str) -> None:
    pure_simulator.faults.script("GET", kind=kind)
    r = get(pure_simulator, "/projects?size=1")
    assert r.status_code == int(kind)
    if kind == "502":
        assert r.headers["Content-Type"].startswith("text/html")


def test_connection_reset(pure_simulator: SimulatorHandle) -> None:
    pure_simulator.faults.script("GET", kind="reset")
    with pytest.raises(requests.ConnectionError):
        get(pure_simulator, "/projects?size=1")
    assert get(pure_simulator, "/projects?size=1").status_code == 200


def test_truncated_json_after_the_write_applied(pure_simulator: SimulatorHandle) -> None:
    sim = pure_simulator
    uuid = project_uuid(sim, 21)
    sim.faults.script("PUT", kind="truncate")
    r = put(sim, f"/projects/{uuid}", {"acronym": "CUT"})
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    assert get(sim, f"/projects/{uuid}").json()["acronym"] == "CUT"


def test_slow_fault_still_answers(pure_simulator: SimulatorHandle) -> None:
    pure_simulator.faults.slow_seconds = 0.05
    pure_simulator.faults.script("GET", kind="slow")
    assert get(pure_simulator, "/projects?size=1").status_code == 200
    assert pure_simulator.faults.injected[-1].kind == "slow"


def test_fault_rate_is_seeded() -> None:
    def run() -> list[str | None]:
        faults = Faults(rate=0.3, seed=42)
        return [faults.decide("GET", "/ws/api/projects") for _ in range(200)]

    first = run()
    assert first == run()
    assert 30 < sum(k is not None for k in first) < 90


def test_request_log(pure_simulator: SimulatorHandle) -> None:
    pure_simulator.clear_requests()
    get(pure_simulator, "/projects?size=2")
    entry = pure_simulator.requests[-1]
    assert (entry.method, entry.path, entry.status) == ("GET", "/ws/api/projects", 200)


# ---- legacy changes feed ------------------------------------------------------------------


def test_changes_feed_quirks_and_writes(pure_simulator: SimulatorHandle) -> None:
    sim = pure_simulator
    uuid = project_uuid(sim, 30)
    assert put(sim, f"/projects/{uuid}", {"acronym": "FEED"}).status_code == 200
    body = get(sim, "/524/changes/2000-01-01").json()
    pages = zero_with_more = 0
    items: list[dict[str, Any]] = []
    while True:
        pages += 1
        assert body["count"] == len(body.get("items", []))
        if body["count"] == 0 and body["moreChanges"]:
            zero_with_more += 1
            assert "items" not in body
        items.extend(body.get("items", []))
        if not body["moreChanges"]:
            break
        token = body["resumptionToken"]
        assert json.loads(base64.b64decode(token))["sequenceNumber"] > 0
        assert body["navigationLinks"][0]["href"].endswith(token)
        body = get(sim, f"/524/changes/{token}").json()
    assert zero_with_more >= 2
    assert any("uuid" not in i for i in items)
    assert {"ImportResult", "KeywordGroupConfiguration", "ClassificationScheme"} <= {
        i["familySystemName"] for i in items
    }
    assert any(i["version"] == -1 for i in items)
    per_page_dupes = Counter((i.get("uuid"), i["familySystemName"]) for i in items if "uuid" in i)
    assert max(per_page_dupes.values()) > 1
    assert items[-1]["uuid"] == uuid and items[-1]["familySystemName"] == "Project"
    # Resuming from the last token sees nothing new, then sees the next write.
    again = get(sim, f"/524/changes/{body['resumptionToken']}").json()
    assert again["count"] == 0 and not again["moreChanges"]
    put(sim, f"/projects/{uuid}", {"acronym": "FEED2"})
    newer = get(sim, f"/524/changes/{body['resumptionToken']}").json()
    assert [i["uuid"] for i in newer["items"]] == [uuid]


def test_changes_from_a_recent_date_and_legacy_query_key(pure_simulator: SimulatorHandle) -> None:
    url = f"{pure_simulator.base_url}/524/changes/2025-06-01_00-00-00"
    body = requests.get(url, params={"apiKey": pure_simulator.api_key}, timeout=10).json()
    assert body["count"] > 0
    assert get(pure_simulator, "/524/changes/not-a-token").status_code == 400


# ---- data directory mode and the command line -------------------------------------------


def test_data_directory_mode(tmp_path: Path, pure_simulator: SimulatorHandle) -> None:
    src = pure_simulator.store
    project = next(p for p in src.collection("projects").page(100, 50) if p.get("awardClusters"))
    cluster = src.award_clusters(project)[0]
    files = {
        "projects": [{k: v for k, v in project.items() if k != "awardClusters"}],
        "award-clusters": [cluster],
        "awards": [src.get("awards", a["uuid"]) for a in cluster["containedAwards"]],
        "organizations": [src.get("organizations", project["managingOrganization"]["uuid"])],
    }
    for folder, records in files.items():
        (tmp_path / folder).mkdir()
        for rec in records:
            (tmp_path / folder / f"{rec['uuid']}.json").write_text(json.dumps(rec), "utf-8")
    with start_simulator(data_dir=tmp_path, api_key="k") as sim:
        listed = get(sim, "/projects").json()
        assert listed["count"] == 1
        uuid = project["uuid"]
        clusters = get(sim, f"/projects/{uuid}/award-clusters").json()
        assert [c["uuid"] for c in clusters["items"]] == [cluster["uuid"]]
        award = cluster["containedAwards"][0]["uuid"]
        assert get(sim, f"/awards/{award}").status_code == 200
        version = get(sim, f"/projects/{uuid}").json()["version"]
        assert (
            put(sim, f"/projects/{uuid}", {"version": version, "acronym": "D"}).status_code == 200
        )
        assert (
            put(sim, f"/projects/{uuid}", {"version": version, "acronym": "E"}).status_code == 409
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _command_line_server(*args: str, ready_path: str) -> Iterator[str]:
    """``python -m kvrules_pure.simulator ARGS --port N --api-key cli``; yields its URL once
    ``ready_path`` answers, and stops it afterwards."""
    port = _free_port()
    adapters = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "kvrules_pure.simulator", "--port", str(port), *args]
    proc = subprocess.Popen([*command, "--api-key", "cli"], cwd=adapters, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/ws/api"
    try:
        for _ in range(100):  # wait until it listens (no timing assertion, just readiness)
            try:
                requests.head(base + ready_path, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("simulator did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_command_line_server() -> None:
    with _command_line_server(
        "--projects", "200", "--fault-script", "GET:2:503", ready_path="/nothing"
    ) as base:
        url = f"{base}/projects?size=5"
        first = requests.get(url, headers={"api-key": "cli"}, timeout=5)
        assert first.json()["count"] == 200
        assert requests.get(url, headers={"api-key": "cli"}, timeout=5).status_code == 503


def test_command_line_server_serves_real_responses_of_the_older_api() -> None:
    """--legacy DIR serves saved responses of a real /ws/api/524 as start_simulator's
    legacy_dir does: each organisation a research output names answers, not 404."""
    fixtures = Path(__file__).parent / "fixtures" / "pure-umn-524"
    output = json.loads((fixtures / "research-output-f145e583.json").read_text("utf-8"))
    named = {o["uuid"] for o in output["externalOrganisations"]}
    legacy = ("--projects", "1", "--legacy", str(fixtures))
    with _command_line_server(*legacy, ready_path="/x") as base:
        headers = {"api-key": "cli"}
        listed = requests.get(f"{base}/524/research-outputs", headers=headers, timeout=5).json()
        assert [o["uuid"] for o in listed["items"]] == [output["uuid"]]
        statuses = {
            requests.get(
                f"{base}/524/external-organisations/{uuid}", headers=headers, timeout=5
            ).status_code
            for uuid in named
        }
    assert len(named) == 25 and statuses == {200}


def test_legacy_responses_are_read_in_the_layout_they_are_published_in(tmp_path: Path) -> None:
    """UMNLibraries/pureapi keeps one folder per collection (research_output/UUID.json): the
    same records load as from the flat fixtures."""
    fixtures = Path(__file__).parent / "fixtures" / "pure-umn-524"
    for name, folder in (("research-output-", "research_output"),
                         ("external-organisation-", "external_organisation")):  # fmt: skip
        [saved] = fixtures.glob(f"{name}*.json")
        rec = json.loads(saved.read_text("utf-8"))
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{rec['uuid']}.json").write_text(saved.read_text("utf-8"), "utf-8")
    assert legacy524.load(tmp_path) == legacy524.load(fixtures)


def test_a_saved_response_of_the_wrong_shape_is_skipped_in_one_line(tmp_path: Path) -> None:
    """`python -m kvrules_pure.simulator --legacy DIR`: a bad file is named, the rest served."""
    import subprocess
    import sys

    fixtures = Path(__file__).parent / "fixtures" / "pure-umn-524"
    for saved in fixtures.glob("*.json"):
        (tmp_path / saved.name).write_text(saved.read_text("utf-8"), "utf-8")
    bad = json.loads(next(fixtures.glob("research-output-*.json")).read_text("utf-8"))
    bad["uuid"], bad["externalOrganisations"] = "bad-0001", "not a list"
    (tmp_path / "research-output-bad.json").write_text(json.dumps(bad), "utf-8")

    command = [sys.executable, "-m", "kvrules_pure.simulator", "--legacy", str(tmp_path)]
    server = subprocess.Popen(
        [*command, "--port", "0", "--api-key", "k", "--projects", "1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        lines = []
        for line in server.stderr:  # until it serves (or ends: then the lines say why)
            lines.append(line.rstrip("\n"))
            if line.startswith("base URL"):
                break
    finally:
        server.terminate()
        server.wait(timeout=60)
    said = "\n".join(lines)
    assert "Traceback" not in said and lines[-1].startswith("base URL"), said
    assert (
        f"{tmp_path / 'research-output-bad.json'}: skipped: externalOrganisations: expected a "
        "list, got str"
    ) in lines
    served = legacy524.load(tmp_path)
    assert "bad-0001" not in served["research-outputs"] and served["research-outputs"]
