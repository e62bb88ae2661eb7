"""``kvrules fetch --cursor`` resumes as a scan does: with the rows the adapter kept beside its
cursor in the state database (``--db``, read-only). The Pure adapter's ``pure3:`` cursor is a
position only; which projects use an organisation is in those rows. Without them a resumed
fetch found none of the projects whose partner changed, and said nothing."""

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

from kvrules.cli import cli
from kvrules.store import Store

API_KEY = "fetch-cursor-test-key-0123456789"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorHandle, Path]]:
    """A simulator scanned once by ``kvrules scan`` (its cursor and rows in the database)."""
    work = tmp_path_factory.mktemp("fetch-cursor")
    with start_simulator(projects=30, seed=2, api_key=API_KEY) as sim:
        (work / "pure-api-key").write_text(API_KEY + "\n", encoding="utf-8")
        config = {
            "database": str(work / "kvrules.db"),
            "reference_data": str(work / "refdata.sqlite"),
            "sources": {
                "pure": {
                    "adapter": "pure",
                    "settings": {
                        "base_url": sim.base_url,
                        "api_key_file": str(work / "pure-api-key"),
                    },
                }
            },
        }
        path = work / "kvrules.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        result = CliRunner().invoke(cli, ["scan", "--config", str(path), "--json"])
        assert result.exit_code == 0, result.output
        yield sim, path


def _partner_and_its_projects(sim: SimulatorHandle) -> tuple[str, set[str]]:
    projects = sim.store.collection("projects").page(0, 100)
    org = next(
        c["externalOrganization"]["uuid"] for p in projects for c in p.get("collaborators", [])
    )
    users = {
        p["uuid"]
        for p in projects
        if org
        in [c["externalOrganization"]["uuid"] for c in p.get("collaborators", [])]
        + [o["uuid"] for o in p.get("externalOrganizations", [])]
        + [o["uuid"] for x in p["participants"] for o in x.get("externalOrganizations", [])]
    }
    return org, users


def _fetch(config: Path, *args: str):
    return CliRunner().invoke(
        cli, ["fetch", "--source", "pure", "--config", str(config), "--raw", "--json", *args]
    )


def test_a_resumed_fetch_finds_the_projects_of_a_changed_partner(
    scanned: tuple[SimulatorHandle, Path], tmp_path: Path
) -> None:
    sim, config = scanned
    with Store.open(yaml.safe_load(config.read_text())["database"]) as store:
        cursor = store.get_cursor("pure")
    assert cursor
    org, users = _partner_and_its_projects(sim)
    url = f"{sim.base_url}/external-organizations/{org}"
    version = requests.get(url, headers=sim.headers).json()["version"]
    country = {"country": {"uri": "/dk/atira/pure/core/countries/ir"}}
    changed = requests.put(url, headers=sim.headers, json={"version": version, "address": country})
    assert changed.status_code == 200, changed.text

    database = Path(yaml.safe_load(config.read_text())["database"])
    before = database.read_bytes()
    result = _fetch(config, "--cursor", cursor)
    assert result.exit_code == 0, result.output
    fetched = {json.loads(line)["source"]["record_id"] for line in result.stdout.splitlines()}
    assert fetched == users
    assert database.read_bytes() == before  # read-only: the scan's state is not touched

    # The same cursor with no state database: one line saying what is missing, no records.
    elsewhere = tmp_path / "none.db"
    result = _fetch(config, "--cursor", cursor, "--db", str(elsewhere))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"there is no state database at {elsewhere}" in line and "--db" in line
    assert not elsewhere.exists() and result.stdout == ""

    # A database that keeps nothing for this source (another site's, an older one) says so.
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    result = _fetch(config, "--cursor", cursor, "--db", str(empty))
    assert result.exit_code == 1
    assert "keeps no adapter state for source 'pure'" in result.stderr
    with sqlite3.connect(empty) as conn:
        assert conn.execute("SELECT count(*) FROM adapter_state").fetchone() == (0,)
