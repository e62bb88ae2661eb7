"""`kvrules fetch` (kvrules/cli/fetch.py) over the Pure and file adapters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET

from kvrules import CollaborationEvent
from kvrules.cli import cli
from kvrules.cli.fetch import fetch


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(projects=30, seed=2, api_key=SECRET) as handle:
        yield handle


def test_fetch_pure_json_from_two_env_vars(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", sim.base_url)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    sim.clear_requests()
    result = CliRunner().invoke(fetch, ["--source", "pure", "--limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(
        CollaborationEvent.model_validate_json(line).kind == "project.created" for line in lines
    )
    assert not [r for r in sim.requests if r.method != "GET"]  # a preview writes nothing
    assert SECRET not in result.output


def test_fetch_human_readable_and_settings(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    args = ["--source", "pure", "--set", f"base_url={sim.base_url}", "--set", "page_size=7"]
    result = CliRunner().invoke(fetch, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("project.created") == 30
    assert "30 record(s), 0 quarantined" in result.stderr


def test_fetch_reports_missing_settings_without_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KVRULES_PURE_BASE_URL", raising=False)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    result = CliRunner().invoke(cli, ["fetch", "--source", "pure"])
    assert result.exit_code == 1 and "base_url" in result.output and SECRET not in result.output
    assert "Traceback" not in result.output


def test_fetch_file_adapter_with_path_and_quarantine(tmp_path: Path) -> None:
    event = {
        "id": "e1",
        "kind": "project.created",
        "source": {"system": "file", "record_id": "p1"},
        "occurred_at": "2025-01-01T00:00:00Z",
        "project": {"id": "p1", "title": "T"},
    }
    data = tmp_path / "x.jsonl"
    data.write_text(json.dumps(event) + "\n" + '{"kind": "nonsense"}\n')
    result = CliRunner().invoke(fetch, ["--source", "file", "--path", str(data), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["id"] == "e1"
    assert "quarantined x.jsonl:2:" in result.stderr


def test_fetch_explain_names_read_and_ignored_fields_of_a_real_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "pure-umn-524"
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    with start_simulator(projects=2, api_key=SECRET, legacy_dir=fixtures) as legacy:
        args = ["--source", "pure", "--set", f"base_url={legacy.base_url}/524"]
        args += ["--set", "research_outputs=true", "--explain", "--raw"]
        result = CliRunner().invoke(fetch, args)
    assert result.exit_code == 0, result.output
    read = next(line for line in result.stdout.splitlines() if line.startswith("  read:"))
    ignored = next(line for line in result.stdout.splitlines() if line.startswith("  ignored:"))
    assert "contributors[].externalOrganizations" in read and "title" in read
    # present in the real record, not looked at by the mapping
    assert "journalAssociation" in ignored and "abstract" in ignored
    assert "title" not in ignored.split(": ", 1)[1].split(", ")


def test_fetch_explain_says_when_an_adapter_cannot_tell(tmp_path: Path) -> None:
    event = {
        "id": "e1",
        "kind": "project.created",
        "source": {"system": "file", "record_id": "p1"},
        "occurred_at": "2025-01-01T00:00:00Z",
        "project": {"id": "p1", "title": "T"},
    }
    data = tmp_path / "x.jsonl"
    data.write_text(json.dumps(event) + "\n")
    result = CliRunner().invoke(fetch, ["--source", "file", "--path", str(data), "--explain"])
    assert result.exit_code == 0, result.output
    assert "the file adapter cannot tell which fields it read" in result.stdout
