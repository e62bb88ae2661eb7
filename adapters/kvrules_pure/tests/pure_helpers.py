"""Shared helpers of the adapter tests (real HTTP against the simulator on 127.0.0.1)."""

from __future__ import annotations

from typing import Any

from kvrules_pure import PureAdapter
from kvrules_pure.simulator import SimulatorHandle

from kvrules import FetchedRecord, testing

SECRET = "kvr-SECRET-7f3a9c0e-do-not-log"


def adapter_for(sim: SimulatorHandle, **settings: Any) -> PureAdapter:
    settings.setdefault("backoff", 0.01)
    return PureAdapter({"base_url": sim.base_url, "api_key": sim.api_key, **settings})


def scan(adapter: PureAdapter, cursor: str | None = None) -> list[FetchedRecord]:
    """All records of one fetch, without the cursor-only markers."""
    return testing.content(adapter.fetch(cursor))


def last_cursor(adapter: PureAdapter, cursor: str | None = None) -> str:
    out = testing.last_cursor(adapter.fetch(cursor))
    assert out is not None
    return out


def events_by_record(records: list[FetchedRecord]) -> dict[str, list[str]]:
    return {r.record_id: [e.model_dump_json() for e in r.events] for r in records}
