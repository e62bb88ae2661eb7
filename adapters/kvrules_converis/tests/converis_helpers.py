"""Shared helpers of the Converis adapter tests (real HTTP against the simulator on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from kvrules_converis import ConverisAdapter
from kvrules_converis.simulator import SimulatorHandle

from kvrules import FetchedRecord, testing
from kvrules.cli import cli

SECRET = "kvr-CONVERIS-SECRET-5d1e77b2-do-not-log"


def adapter_for(sim: SimulatorHandle, **settings: Any) -> ConverisAdapter:
    """An adapter on `sim`; fast pacing unless a test sets rate_limit itself."""
    settings.setdefault("rate_limit", 1000.0)
    settings.setdefault("burst", 20)
    settings.setdefault("backoff", 0.01)
    return ConverisAdapter(
        {"base_url": sim.base_url, "username": sim.username, "password": sim.password, **settings}
    )


def cli_config(tmp_path: Path, sim: SimulatorHandle, **settings: Any) -> Path:
    """``tmp_path/kvrules.yaml``: source ``converis`` on ``sim`` (its password in a file, as
    deployed), state and reference databases in ``tmp_path``; ``settings`` adds the adapter's."""
    (tmp_path / "token").write_text(SECRET + "\n", encoding="utf-8")
    settings = {
        "base_url": sim.base_url,
        "username": sim.username,
        "password_file": str(tmp_path / "token"),
        **settings,
    }
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": str(tmp_path / "kvrules.db"),
                "reference_data": str(tmp_path / "refdata.db"),
                "sources": {"converis": {"adapter": "converis", "settings": settings}},
            }
        )
    )
    return config


def cli_scan(config: Path, *args: str) -> dict:
    """``kvrules scan --config CONFIG --json ARGS``'s report; exit 0, or 2 (records quarantined)."""
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json", *args])
    assert result.exit_code in (0, 2), result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def scan(adapter: ConverisAdapter, cursor: str | None = None) -> list[FetchedRecord]:
    """All records of one fetch, without the cursor-only markers."""
    return testing.content(adapter.fetch(cursor))


def last_cursor(adapter: ConverisAdapter, cursor: str | None = None) -> str:
    out = testing.last_cursor(adapter.fetch(cursor))
    assert out is not None
    return out


def events_by_record(records: list[FetchedRecord]) -> dict[str, list[str]]:
    return {r.record_id: [e.model_dump_json() for e in r.events] for r in records}


def max_per_second(times: list[float]) -> int:
    """Most requests in any sliding 1-second window (times from the simulator's log)."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best
