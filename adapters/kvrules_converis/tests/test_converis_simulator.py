"""The simulator speaks the Converis Read API v2 and CUD API as published (cris-apis.md 2)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests
from converis_helpers import SECRET
from kvrules_converis.simulator import SimulatorConfig, SimulatorHandle, start_simulator
from kvrules_converis.simulator.synthetic import build_store

ALL = {"Converis-attribute-definition": "ALL"}
QL = {"Content-Type": "application/vnd.converis.ql+plain; charset=utf-8"}


def _get(sim: SimulatorHandle, path: str, **kw: object) -> requests.Response:
    return requests.get(sim.base_url + path, auth=sim.auth, timeout=5, **kw)  # type: ignore[arg-type]


def test_basic_auth_is_required_and_errors_are_default_responses(
    converis_sim: SimulatorHandle,
) -> None:
    r = requests.get(converis_sim.base_url + "/data/entities/Project", auth=("kvrules", "wrong"))
    body = r.json()
    assert r.status_code == 401 and "Basic" in r.headers["WWW-Authenticate"]
    assert set(body) == {"timestamp", "path", "status", "statusDescription", "message"}
    assert body["status"] == 401 and body["path"].endswith("/data/entities/Project")
    assert _get(converis_sim, "/data/entities/Nope").status_code == 404


def test_paging_is_one_based_with_count_at_most_50(converis_sim: SimulatorHandle) -> None:
    assert _get(converis_sim, "/data/entities/Project", params={"count": 51}).status_code == 400
    assert (
        _get(converis_sim, "/data/entities/Project", params={"startRecord": 0}).status_code == 400
    )
    seen: list[int] = []
    start = 1
    while True:
        page = _get(
            converis_sim, "/data/entities/Project", params={"startRecord": start, "count": 50}
        ).json()
        assert page["startRecord"] == start and page["nrRecordsAll"] == 120
        seen += [d["id"] for d in page["data"]]
        start += page["nrRecordsFound"]
        if page["nrRecordsFound"] < 50:
            break
    assert len(seen) == len(set(seen)) == 120
    default = _get(converis_sim, "/data/entities/Project").json()
    assert default["count"] == 10 and len(default["data"]) == 10


def test_sort_by_updated_on_descending(converis_sim: SimulatorHandle) -> None:
    params = {"sort": "Updated on", "sortOrder": "DESC", "count": 50}
    stamps = [
        d["updatedOn"]
        for d in _get(converis_sim, "/data/entities/Project", params=params).json()["data"]
    ]
    assert stamps == sorted(stamps, reverse=True)
    assert (
        _get(converis_sim, "/data/entities/Project", params={"sort": "cfTitle"}).status_code == 400
    )


def test_attribute_definition_and_link_reference_headers(converis_sim: SimulatorHandle) -> None:
    basic = _get(converis_sim, "/data/entities/Project", params={"count": 1}).json()["data"][0]
    assert "attributes" not in basic and "links" not in basic and basic["updatedOn"]
    rec_id = basic["id"]
    full = _get(
        converis_sim,
        f"/data/entities/Project/{rec_id}",
        headers={**ALL, "Converis-linkentity-references": "true"},
    ).json()
    assert any(a["attributeName"] == "cfTitle" for a in full["attributes"]) or full["id"] == rec_id
    assert {ln["href"].split("/linked/")[1].split("/")[0] for ln in full["links"]} == {
        "PROJ_has_ORGA", "proj_has_eorg", "proj_has_fund", "proj_has_card", "proj_has_col_card"
    }  # fmt: skip
    some = _get(
        converis_sim,
        f"/data/entities/Project/{rec_id}",
        headers={"Converis-attribute-definition": "cfStartDate"},
    ).json()
    assert {a["attributeName"] for a in some["attributes"]} <= {"cfStartDate"}
    bad = _get(
        converis_sim,
        f"/data/entities/Project/{rec_id}",
        headers={"Converis-attribute-definition": "nope"},
    )
    assert bad.status_code == 400


def test_linked_entities_and_link_entities(converis_sim: SimulatorHandle) -> None:
    store = converis_sim.store
    link = next(iter(store.links["proj_has_fund"].values()))
    pid = link["left"]
    orgs = _get(
        converis_sim, f"/data/entities/Organisation/linked/proj_has_fund/{pid}", headers=ALL
    ).json()
    assert link["right"] in [o["id"] for o in orgs["data"]]
    back = _get(converis_sim, f"/data/entities/Project/linked/proj_has_fund/{link['right']}").json()
    assert pid in [p["id"] for p in back["data"]]
    links = _get(
        converis_sim, f"/data/linkentities/proj_has_fund/linked/Project/{pid}", headers=ALL
    ).json()
    one = next(d for d in links["data"] if d["id"] == link["id"])
    assert one["leftEntity"]["id"] == pid and one["rightEntity"]["entityName"] == "Organisation"
    assert {a["attributeName"] for a in one["attributes"]} <= {"amount", "currency", "programme"}


def test_config_endpoints_describe_the_model(converis_sim: SimulatorHandle) -> None:
    entities = _get(converis_sim, "/config/entities", headers=ALL).json()["data"]
    project = next(e for e in entities if e["name"] == "Project")
    assert {"cfTitle", "knowledgeSecurityRisk"} <= {a["name"] for a in project["attributes"]}
    assert all("dataType" in a["dataInput"] for a in project["attributes"])
    links = {d["name"]: d for d in _get(converis_sim, "/config/linkentities").json()["data"]}
    assert links["proj_has_eorg"]["rightDefinitionUrl"].endswith("/config/entities/Organisation")
    assert _get(converis_sim, "/config/entities/Card").json()["name"] == "Card"


def test_query_endpoint_takes_converis_ql(converis_sim: SimulatorHandle) -> None:
    url = converis_sim.base_url + "/data/entities/Project/query"
    r = requests.post(
        url, data='[Updated on] >= "2025-01-01T00:00:00Z"', headers=QL, auth=converis_sim.auth
    )
    assert r.status_code == 200
    assert all(d["updatedOn"] >= "2025-01-01" for d in r.json()["data"])
    assert requests.post(url, data="((", headers=QL, auth=converis_sim.auth).status_code == 400


def test_cud_put_updates_an_attribute_and_updated_on(converis_sim: SimulatorHandle) -> None:
    pid = next(iter(converis_sim.store.entities["Project"]))
    before = converis_sim.store.get("Project", pid)["updatedOn"]  # type: ignore[index]
    body = {
        "entities": [
            {"id": str(pid), "attributes": [{"name": "knowledgeSecurityRisk", "value": "low"}]}
        ]
    }
    r = requests.put(converis_sim.cud_url + "/dataentities", json=body, auth=converis_sim.auth)
    assert r.json()["infoResponse"][0]["responseStatus"] == "UPDATED"
    rec = _get(
        converis_sim,
        f"/data/entities/Project/{pid}",
        headers={"Converis-attribute-definition": "knowledgeSecurityRisk"},
    ).json()
    assert rec["attributes"][0]["value"] == "low" and rec["updatedOn"] > before
    body["entities"][0]["attributes"][0]["value"] = ""  # clears it again
    requests.put(converis_sim.cud_url + "/dataentities", json=body, auth=converis_sim.auth)
    bad = {"entities": [{"id": str(pid), "attributes": [{"name": "noSuchAttr", "value": "x"}]}]}
    assert (
        requests.put(
            converis_sim.cud_url + "/dataentities", json=bad, auth=converis_sim.auth
        ).status_code
        == 400
    )
    gone = {"entities": [{"id": "1", "attributes": []}]}
    assert (
        requests.put(
            converis_sim.cud_url + "/dataentities", json=gone, auth=converis_sim.auth
        ).status_code
        == 404
    )


def test_more_than_ten_requests_a_second_get_429() -> None:
    with start_simulator(projects=5, password=SECRET) as sim, requests.Session() as s:
        s.auth = sim.auth
        statuses = [s.get(sim.base_url + "/config/entities/Card").status_code for _ in range(14)]
        assert statuses.count(200) == 10 and statuses[-1] == 429
        r = s.get(sim.base_url + "/config/entities/Card")
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        time.sleep(1.05)  # the window slides: the simulator answers again
        assert s.get(sim.base_url + "/config/entities/Card").status_code == 200


def test_synthetic_data_is_deterministic_and_realistic() -> None:
    a, b = (
        build_store(SimulatorConfig(projects=300, seed=7)),
        build_store(SimulatorConfig(projects=300, seed=7)),
    )
    assert a.entities == b.entities and a.links == b.links
    orgs = a.entities["Organisation"].values()
    names = {x["value"] for o in orgs for x in o["attributes"] if x["attributeName"] == "cfName"}
    assert {"Harbin Institute of Technology", "Beihang University"} <= names
    assert any(n.isupper() and "HARBIN" in n for n in names)  # a name variant
    projects = list(a.entities["Project"].values())
    stamps = [p["updatedOn"] for p in projects]
    assert len(set(stamps)) < len(stamps)  # batches share an updatedOn second
    assert any(not any(x["attributeName"] == "cfTitle" for x in p["attributes"]) for p in projects)
    currencies = {
        x["value"]
        for ln in a.links["proj_has_fund"].values()
        for x in ln["attributes"]
        if x["attributeName"] == "currency"
    }
    assert {"EUR", "CNY", "USD"} <= currencies


def test_cli_dumps_and_serves_a_data_directory(tmp_path: Path) -> None:
    out = tmp_path / "data"
    cmd = [
        sys.executable,
        "-m",
        "kvrules_converis.simulator",
        "--projects",
        "15",
        "--dump",
        str(out),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=30)
    with start_simulator(data_dir=out, password=SECRET, rate_limit=None) as sim:
        assert len(sim.store.entities["Project"]) == 15
        assert _get(sim, "/data/entities/Project").json()["nrRecordsAll"] == 15


def test_cli_plants_the_record_shapes(tmp_path: Path) -> None:
    from kvrules_converis.simulator.shapes import SHAPES

    out = tmp_path / "data"
    cmd = [sys.executable, "-m", "kvrules_converis.simulator", "--projects", "5", "--shapes"]
    subprocess.run([*cmd, "--dump", str(out)], check=True, capture_output=True, timeout=30)
    config = SimulatorConfig(shapes=True)
    with start_simulator(data_dir=out, password=SECRET, rate_limit=None, config=config) as sim:
        titles = {
            a["value"]
            for p in sim.store.entities["Project"].values()
            for a in p["attributes"]
            if a["attributeName"] == "cfTitle"
        }
    assert {f"Shape: {s.name}" for s in SHAPES} <= titles
