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
    # named as the 524 API names them (personAssociations, externalOrganisations)
    assert "personAssociations[].externalOrganisations" in read and "title" in read
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


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"hello": "other host"}, "no 'count' (a whole number)"),
        ({"count": "12", "items": []}, "'count' not a number"),
        ({"count": 3, "items": {"a": 1}}, "'items' is not a list"),
        ({"count": 3}, "no 'items', yet 'count' is 3"),
        ([{"uuid": "x"}], "a JSON list, not an object"),
    ],
)
def test_a_base_url_answering_something_else_is_a_source_error_not_zero_records(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, answer: object, says: str
) -> None:
    """Reviewer's defect: a base URL answering 200 {"hello": "other host"} read as
    "0 record(s), 0 quarantined", exit 0, and `scan of pure: 0 records`."""
    from kvrules.testing.hostile import HostileServer, Json

    with HostileServer() as other:
        other.script("/", Json(answer))
        monkeypatch.setenv("KVRULES_PURE_BASE_URL", other.url("/ws/api"))
        monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
        monkeypatch.setenv("KVRULES_PURE_RETRIES", "0")
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["fetch", "--source", "pure", "--limit", "1"])
        assert result.exit_code == 1, result.output
        assert result.output.count("\n") == 1 and "Traceback" not in result.output
        assert f"{other.url('/ws/api/projects')} did not answer a Pure list page" in result.output
        assert says in result.output and "0 record(s)" not in result.output
        scanned = CliRunner().invoke(cli, ["scan", "--db", str(tmp_path / "state.db")])
        assert scanned.exit_code == 1, scanned.output
        assert "did not answer a Pure list page" in scanned.output
        assert "0 records" not in scanned.output and "Traceback" not in scanned.output


def test_an_empty_list_page_as_the_spec_has_it_is_no_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kvrules.testing.hostile import HostileServer, Json

    with HostileServer() as empty:
        empty.script("/", Json({"count": 0, "pageInformation": {"offset": 0, "size": 10}}))
        monkeypatch.setenv("KVRULES_PURE_BASE_URL", empty.url("/ws/api"))
        monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
        result = CliRunner().invoke(cli, ["fetch", "--source", "pure"])
    assert result.exit_code == 0, result.output
    assert "0 record(s), 0 quarantined" in result.output


@pytest.mark.parametrize("key", ["api_key", "password", "client_secret", "token"])
def test_fetch_refuses_a_secret_given_with_set(key: str) -> None:
    """Security review 2026-12-07, item 8: `--set api_key=…` was taken silently (in `ps`, in
    the shell's history) though kvrules.yaml refuses a key written in it."""
    args = ["--source", "pure", "--set", "base_url=http://127.0.0.1:9", "--set", f"{key}={SECRET}"]
    result = CliRunner().invoke(fetch, args)
    assert result.exit_code == 2, result.output
    assert f"'{key}' looks like a secret" in result.output and SECRET not in result.output
    if key == "api_key":  # the pure adapter's own ways, as kvrules.yaml's refusal says them
        assert "KVRULES_PURE_API_KEY" in result.output or "api_key_file" in result.output
