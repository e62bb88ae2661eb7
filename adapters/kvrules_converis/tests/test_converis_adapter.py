"""Full scans: mapping to the canonical model, quarantine, stable ids, the model check."""

from __future__ import annotations

import logging

import pytest
from converis_helpers import SECRET, adapter_for, events_by_record, scan
from kvrules_converis import ConverisAdapter, ConverisConfig
from kvrules_converis.schema import ModelMismatch
from kvrules_converis.simulator import SimulatorHandle, start_simulator

from kvrules import FetchedRecord


@pytest.fixture(scope="module")
def records(converis_sim: SimulatorHandle) -> list[FetchedRecord]:
    with adapter_for(converis_sim) as adapter:
        return scan(adapter)


def test_every_project_is_yielded_once(
    converis_sim: SimulatorHandle, records: list[FetchedRecord]
) -> None:
    ids = [r.record_id for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == {str(i) for i in converis_sim.store.entities["Project"]}


def test_mapping_to_the_canonical_model(
    converis_sim: SimulatorHandle, records: list[FetchedRecord]
) -> None:
    events = [e for r in records for e in r.events]
    assert all(e.kind == "project.created" and e.source.system == "converis" for e in events)
    projects = [e.project for e in events if e.project]
    partners = [p for proj in projects for p in proj.partners]
    funders = [f for proj in projects for f in proj.funders]
    assert {"CN", "RU", "DE"} <= {p.country for p in partners}
    assert any(p.ror_id for p in partners) and any(p.role == "coordinator" for p in partners)
    assert any(f.amount and f.currency == "CNY" for f in funders)
    assert any(f.amount is None for f in funders)  # optional fields may be missing
    assert any("quantum cryptography" in proj.keywords for proj in projects)
    assert all(proj.units for proj in projects)
    # The record the event came from, read straight from the simulator.
    e = next(e for e in events if e.project and e.project.funders)
    raw = converis_sim.store.get("Project", int(e.source.record_id))
    assert raw is not None and e.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ") == raw["updatedOn"]


def test_unmappable_records_are_quarantined_with_a_reason(records: list[FetchedRecord]) -> None:
    errors = [r.error for r in records if r.error]
    assert any("has no cfTitle" in e for e in errors)
    assert any("has no name" in e for e in errors)
    assert all(not r.events for r in records if r.error)


def test_event_ids_are_stable_across_scans(
    converis_sim: SimulatorHandle, records: list[FetchedRecord]
) -> None:
    with adapter_for(converis_sim, page_size=17) as adapter:
        assert events_by_record(scan(adapter)) == events_by_record(records)


def test_names_are_configuration_checked_against_the_instance() -> None:
    renamed = {"partner_link": "PROJ_has_EXTORG", "project": "Projekt"}
    with start_simulator(projects=8, password=SECRET, rate_limit=None, **renamed) as sim:
        with adapter_for(sim) as adapter, pytest.raises(ModelMismatch) as err:
            list(adapter.fetch(None))
        message = str(err.value)
        assert "project_entity: no entity 'Project'" in message and "Projekt" in message
        assert "partner_link: no link entity 'proj_has_eorg'" in message
        assert "PROJ_has_EXTORG" in message and SECRET not in message
        with adapter_for(sim, project_entity="Projekt", partner_link="PROJ_has_EXTORG") as ok:
            assert len(scan(ok)) == 8


def test_settings_from_the_environment_hide_the_token(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("KVRULES_CONVERIS_BASE_URL", "https://cris.example.edu/converis-apis/ws/v2")
    monkeypatch.setenv("KVRULES_CONVERIS_USERNAME", "kvrules")
    monkeypatch.setenv("KVRULES_CONVERIS_PASSWORD", SECRET)
    cfg = ConverisConfig()  # type: ignore[call-arg]
    assert cfg.cud_url == "https://cris.example.edu/converis/ws/v2/dataobject"
    caplog.set_level(logging.DEBUG)
    adapter = ConverisAdapter()
    logging.getLogger("kvrules_converis").info("config %s %r", adapter.config, adapter.config)
    assert SECRET not in repr(cfg) + str(cfg) + caplog.text


def test_registered_as_a_plugin() -> None:
    import kvrules_converis

    found: list[type] = []
    kvrules_converis.register_adapters(found.append)
    assert found == [ConverisAdapter] and ConverisAdapter.name == "converis"
