"""The rows adapters keep beside their cursor (``adapter_state``) follow the source: a read
from no cursor (``scan --full``, the first scan) replaces them, and the Pure adapter drops the
rows of a project deleted from Pure (the changes feed says so) and of a partner a project no
longer has. Before, every row ever written stayed for ever.

Real parts: the Pure simulator on 127.0.0.1, ``kvrules scan``, SQLite files.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from kvrules_pure.state import REF, short

from kvrules.cli import cli
from kvrules.store import Store

API_KEY = "adapter-state-test-key-0123456789"
FEED, DIFF = "pure", "pure-diff"  # the same Pure, with and without its changes feed


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[SimulatorHandle, Path]]:
    with start_simulator(projects=40, seed=3, api_key=API_KEY) as sim:
        (tmp_path / "pure-api-key").write_text(API_KEY + "\n", encoding="utf-8")
        settings = {"base_url": sim.base_url, "api_key_file": str(tmp_path / "pure-api-key")}
        config = {
            "database": str(tmp_path / "kvrules.db"),
            "reference_data": str(tmp_path / "refdata.sqlite"),
            "sources": {
                FEED: {"adapter": "pure", "settings": settings},
                DIFF: {"adapter": "pure", "settings": {**settings, "changes_feed": False}},
            },
        }
        path = tmp_path / "kvrules.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        yield sim, path


def _scan(config: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), *args])
    assert result.exit_code == 0, result.output


def _rows(db: Path, source: str) -> set[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return set(
            conn.execute(
                "SELECT space, key, value FROM adapter_state WHERE source = ?", (source,)
            ).fetchall()
        )


def _about(rows: set[tuple[str, str, str]], record_id: str) -> set[tuple[str, str, str]]:
    return {r for r in rows if r[1].endswith(record_id)}


def _leaving(project: dict, joined: str) -> dict | None:
    """A change of ``project``'s first partner to ``joined`` after which the project names
    the first one nowhere (its partners and organisations; no award names it either)."""
    left = project["collaborators"][0]["externalOrganization"]
    if project.get("awardClusters"):
        return None
    change = {
        "collaborators": [
            {**project["collaborators"][0], "externalOrganization": {**left, "uuid": joined}}
        ],
        "externalOrganizations": [
            {**o, "uuid": joined} if o.get("uuid") == left["uuid"] else o
            for o in project.get("externalOrganizations", [])
        ],
    }
    after = json.dumps({**project, **change})
    return change if left["uuid"] not in after else None


def test_rows_of_deleted_projects_and_left_partners_go(
    site: tuple[SimulatorHandle, Path], tmp_path: Path
) -> None:
    sim, config = site
    db = Path(yaml.safe_load(config.read_text())["database"])
    _scan(config)
    projects = sim.store.collection("projects").page(0, 40)
    used = {c["externalOrganization"]["uuid"] for p in projects for c in p.get("collaborators", [])}
    joined = sorted(used)[0]
    moved, change = next(
        (p, change)
        for p in projects
        if p.get("collaborators") and joined not in json.dumps(p)
        if (change := _leaving(p, joined))
    )
    deleted = next(p for p in projects if p.get("collaborators") and p is not moved)
    left = moved["collaborators"][0]["externalOrganization"]["uuid"]
    for source in (FEED, DIFF):
        assert _about(_rows(db, source), deleted["uuid"])
        assert ("uses", short(left, REF) + moved["uuid"], "") in _rows(db, source)

    # A project changes partner; another is deleted from Pure.
    url = f"{sim.base_url}/projects/{moved['uuid']}"
    version = requests.get(url, headers=sim.headers).json()["version"]
    body = {"version": version, **change}
    assert requests.put(url, headers=sim.headers, json=body).status_code == 200
    sim.store.delete("projects", deleted["uuid"])
    _scan(config)

    for source in (FEED, DIFF):
        rows = _rows(db, source)
        assert ("uses", short(left, REF) + moved["uuid"], "") not in rows, source
        assert ("uses", short(joined, REF) + moved["uuid"], "") in rows, source
    # The feed says the project was deleted: its rows go.
    assert _about(_rows(db, FEED), deleted["uuid"]) == set()
    # Without the feed a deleted project is only missing from the listing: its rows stay
    # until the next full read, which replaces all the source's rows with what it read.
    assert _about(_rows(db, DIFF), deleted["uuid"])
    _scan(config, "--full", "--source", DIFF)
    assert _about(_rows(db, DIFF), deleted["uuid"]) == set()

    # What a full read keeps is exactly what a first scan of the source as it is now keeps.
    fresh = tmp_path / "fresh.db"
    _scan(config, "--db", str(fresh), "--source", DIFF)
    assert _rows(db, DIFF) == _rows(fresh, DIFF)


def test_a_full_read_replaces_the_rows_at_its_first_resume_point(tmp_path: Path) -> None:
    """Store level: the rows and the cursor change together, in one transaction."""
    with Store.open(tmp_path / "s.db") as store:
        store.keep_adapter_state("src", [("records", "gone", ""), ("records", "kept", "")])
        store.keep_adapter_state("other", [("records", "x", "")])
        with store.transaction():
            store.keep_adapter_state("src", [("records", "kept", "a b")], replace=True)
            store.set_cursor("src", "c1")
        assert store.adapter_state("src", fresh=True).get("records", "kept") is None
        state = store.adapter_state("src")
        try:
            assert state.prefixed("records", "") == [("kept", "a b")]
        finally:
            state.close()
    assert _rows(tmp_path / "s.db", "other") == {("records", "x", "")}
