"""Project links the settings do not read (a reviewer's German Converis round): FAU's
collaborators on proj_has_col_card and partners held in an entity type of their own were
dropped without a word (cris-apis.md 2.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from converis_helpers import SECRET, adapter_for, scan
from kvrules_converis.schema import ModelMismatch
from kvrules_converis.simulator import SimulatorHandle, start_simulator

from kvrules import FetchedRecord
from kvrules.cli import cli

EXTERNAL = "ExternalOrganisation"


def _partner_org(sim: SimulatorHandle) -> dict[str, Any]:
    """A university partner of the simulated instance (not one of its own units)."""
    return next(
        o
        for o in sim.store.entities["Organisation"].values()
        if any(x.get("value") == "university" for x in o["attributes"])
    )


def _first_project(sim: SimulatorHandle) -> int:
    return min(i for i, p in sim.store.entities["Project"].items() if p["attributes"])


def _collaborator(sim: SimulatorHandle) -> tuple[int, dict[str, Any]]:
    """A project with a collaborator on proj_has_col_card whose card names a partner."""
    pid, partner = _first_project(sim), _partner_org(sim)
    card = sim.store.add_entity(
        {**next(iter(sim.store.entities["Card"].values())), "id": sim.store.next_id()}
    )
    sim.store.link("CARD_has_ORGA", card["id"], partner["id"])
    sim.store.link("proj_has_col_card", pid, card["id"])
    return pid, partner


def _external(sim: SimulatorHandle) -> tuple[int, int]:
    """A project linked by proj_has_extorg to an external organisation in China."""
    pid = _first_project(sim)
    ext = sim.store.add_entity(
        {
            **sim.store.entities["Project"][pid],
            "id": sim.store.next_id(),
            "entityName": EXTERNAL,
            "attributes": [
                {"attributeName": "cfName", "attributeType": "STRING", "language": "de_DE",
                 "value": "Harbiner Institut für Luft- und Raumfahrttechnik"},
                {"attributeName": "country", "attributeType": "CGV", "value": "4711",
                 "choiceGroupData": {"choiceGroupName": "Land", "choiceGroupValue": "4711",
                                     "choiceGroupValueLabels": [
                                         {"language": "de_DE", "value": "China, Volksrepublik"}]}},
            ],
        }
    )  # fmt: skip
    sim.store.link("proj_has_extorg", pid, ext["id"])
    return pid, ext["id"]


def _connect(tmp_path: Path, sim: SimulatorHandle, **settings: Any) -> str:
    (tmp_path / "token").write_text(SECRET, encoding="utf-8")
    settings = {"base_url": sim.base_url, "username": sim.username, **settings}
    settings["password_file"] = str(tmp_path / "token")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        yaml.safe_dump({"sources": {"converis": {"adapter": "converis", "settings": settings}}})
    )
    result = CliRunner().invoke(cli, ["config", "check", "--connect", "--config", str(config)])
    assert "Traceback" not in result.output
    return result.output


def test_collaborators_on_proj_has_col_card_are_read_by_default() -> None:
    """Was: member_links defaulted to proj_has_card alone: the collaborator's foreign
    affiliation never reached the screening."""
    with start_simulator(projects=5, seed=7, password=SECRET, rate_limit=None) as sim:
        pid, partner = _collaborator(sim)
        with adapter_for(sim) as adapter:
            [record] = [r for r in scan(adapter) if r.record_id == str(pid)]
    [event] = record.events
    assert event.project is not None
    names = [o.name for person in event.project.participants for o in person.affiliations]
    assert partner["attributes"][0]["value"] in names


def test_a_default_member_link_the_instance_lacks_is_left_out() -> None:
    with start_simulator(
        projects=3, seed=7, password=SECRET, rate_limit=None, collaborator_link="proj_has_guest"
    ) as sim:
        with adapter_for(sim) as adapter:
            records = scan(adapter)
            assert adapter.config.person_links() == ["proj_has_card"]
        assert records and not any("proj_has_col_card" in (r.error or "") for r in records)
        # Named in the settings, a link the instance lacks is a mismatch, as before.
        named = adapter_for(sim, member_links=["proj_has_col_card"])
        with named, pytest.raises(ModelMismatch, match="no link entity 'proj_has_col_card'"):
            named.check()


def test_connect_and_explain_name_the_project_links_not_read(tmp_path: Path) -> None:
    """Was: `config check --connect` said "entity, link and attribute names match" and
    `fetch --explain` named neither proj_has_col_card (with member_links: [proj_has_card])
    nor proj_has_extorg, whose ExternalOrganisation in China was left out of the partners."""
    with start_simulator(
        projects=3, seed=7, password=SECRET, rate_limit=None, external_entity=EXTERNAL
    ) as sim:
        pid, _ = _collaborator(sim)
        _, ext = _external(sim)
        out = _connect(tmp_path, sim, member_links=["proj_has_card"])
        with adapter_for(sim, member_links=["proj_has_card"]) as adapter:
            explained = adapter.explain(FetchedRecord(record_id=str(pid)))
    lines = [x.strip() for x in out.splitlines()]
    assert "- link type proj_has_col_card (Project - Card) is not read: its Card records are " \
        "not screened (read it with member_links or partner_entity_links, or list it in " \
        "ignored_links)" in lines, out  # fmt: skip
    assert any(x.startswith(f"- link type proj_has_extorg (Project - {EXTERNAL}) is not read")
               for x in lines), out  # fmt: skip
    assert not any("PROJ_has_ORGA" in x or "proj_has_card " in x for x in lines), out
    assert explained is not None
    unread = [x for x in explained.ignored if "link type not read" in x]
    assert any(x.startswith("proj_has_col_card[] ") for x in unread), explained.ignored
    assert f"proj_has_extorg[] (link type not read: {EXTERNAL} {ext})" in unread


def test_partners_in_another_entity_type_are_read_when_the_settings_say_how(
    tmp_path: Path,
) -> None:
    with start_simulator(
        projects=4, seed=7, password=SECRET, rate_limit=None, external_entity=EXTERNAL
    ) as sim:
        pid, _ = _external(sim)
        links = {"proj_has_extorg": {"entity": EXTERNAL}}
        out = _connect(tmp_path, sim, partner_entity_links=links)
        with adapter_for(sim, partner_entity_links=links) as adapter:
            [record] = [r for r in scan(adapter) if r.record_id == str(pid)]
            explained = adapter.explain(FetchedRecord(record_id=str(pid)))
        wrong = {"proj_has_extorg": {"entity": EXTERNAL, "country_attr": "land"}}
        bad = _connect(tmp_path, sim, partner_entity_links=wrong)
    assert "proj_has_extorg" not in out, out
    [event] = record.events
    assert event.project is not None
    [partner] = [p for p in event.project.partners if p.name.startswith("Harbiner")]
    assert partner.country == "CN"
    assert explained is not None
    assert f"{EXTERNAL}.attributes[cfName]" in explained.read
    assert "partner_entity_links[proj_has_extorg].country_attr: ExternalOrganisation has no " \
        "attribute 'land'" in bad, bad  # fmt: skip
