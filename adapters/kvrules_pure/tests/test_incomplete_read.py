"""A listing that ends short of its count (no next page linked, an empty page before the
count, a page cut by a proxy) leaves records unread. A review of the real 524 responses found
such a pass completing as if whole: the unread record was "gone from the source", its case
flagged for the committee and its write-back dropped, exit 0. A read the adapter knows is
incomplete now notes nothing gone, keeps the write-backs, does not count as the full read,
says so in the report and exits 2."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET

from kvrules.cli import cli
from kvrules.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
PROJECTS = 30


def _scan(tmp_path: Path, base_url: str, *args: str) -> Result:
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'refdata.db'}\n"
        f"sources:\n  pure:\n    adapter: pure\n    settings:\n      base_url: {base_url}\n"
        "      retries: 0\n      backoff: 0.01\n"
    )
    return CliRunner().invoke(cli, ["scan", "--config", str(config), *args])


def _report(result: Result) -> dict:
    assert result.exit_code in (0, 2), result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def sim(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatorHandle]:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    with start_simulator(projects=PROJECTS, seed=2, api_key=SECRET, portfolio="stress") as h:
        yield h


def _pending(tmp_path: Path) -> set[str]:
    with Store.open(tmp_path / "state.db") as store:
        return {c.record_id for c in store.cases() if store.writeback_for("pure", c.record_id)}


@pytest.mark.parametrize("legacy", [False, True], ids=["current-api", "524-api"])
def test_a_listing_that_ends_short_marks_nothing_gone_and_keeps_the_write_backs(
    sim: SimulatorHandle, tmp_path: Path, legacy: bool
) -> None:
    base_url = sim.base_url
    if legacy:  # the projects served through the older API, whose pages link the next one
        base_url += "/524"
        for p in sim.store.collection("projects").page(0, PROJECTS):
            sim.legacy.setdefault("projects", {})[p["uuid"]] = copy.deepcopy(p)
        orgs = sim.store.collection("external-organizations")
        for org in orgs.page(0, len(orgs)):
            sim.legacy.setdefault("external-organisations", {})[org["uuid"]] = copy.deepcopy(org)
    first = _report(_scan(tmp_path, base_url, "--json"))
    assert first["records"] == PROJECTS and first["unread"] == []
    pending = _pending(tmp_path)
    assert pending, "the stress portfolio opens cases with tags to write"
    sim.listing_ends_at = PROJECTS - 5  # the last five are never listed; count still says 30
    result = _scan(tmp_path, base_url, "--full", "--json")
    short = _report(result)
    assert result.exit_code == 2
    assert short["records"] == PROJECTS - 5
    assert short["gone_from_source"] == 0 and short["gone_not_marked"] == 0
    [said] = short["unread"]
    why = "no next page linked" if legacy else f"offset {PROJECTS - 5} answered no items"
    assert said == (
        f"GET /projects: the listing ended at {PROJECTS - 5} of the {PROJECTS} records its "
        f"count gives ({why}); the others were not read"
    )
    assert _pending(tmp_path) == pending  # no write-back dropped
    with Store.open(tmp_path / "state.db") as store:
        assert not [e for e in store.audit_entries() if e.action == "case.source-gone"]
    # In words: the table says the read is incomplete, the closing lines what it means.
    worded = _scan(tmp_path, base_url, "--full")
    assert worded.exit_code == 2, worded.output
    assert "records gone from the source" not in worded.stdout
    assert "read incomplete" in worded.stdout
    assert f"The read of pure is incomplete: {said}." in worded.stderr.splitlines()
    assert (
        "Nothing was noted gone from the source, no write-back was dropped, and this full "
        "read is not counted as one done."
    ) in worded.stderr.splitlines()
    sim.listing_ends_at = None  # whole again: a full read completes, nothing went
    whole = _report(_scan(tmp_path, base_url, "--full", "--json"))
    assert whole["full"] and whole["unread"] == [] and whole["gone_from_source"] == 0


def test_a_page_failing_mid_listing_fails_the_scan_and_marks_nothing_gone(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    """A 503 still there after the retries, on the second page of the listing: the scan of
    the source fails (exit 1, one line), what was read is kept, nothing is noted gone."""
    first = _report(_scan(tmp_path, sim.base_url, "--json"))
    pending = _pending(tmp_path)
    sim.faults.script("GET", nth=2, kind="503", times=50, path=r"/ws/api/projects$")
    config = tmp_path / "kvrules.yaml"
    text = config.read_text().replace("base_url:", "page_size: 10\n      base_url:")
    config.write_text(text)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--full", "--json"])
    assert result.exit_code == 1, result.output
    assert "503" in result.output and "Traceback" not in result.output
    assert first["records"] == PROJECTS and _pending(tmp_path) == pending
    with Store.open(tmp_path / "state.db") as store:
        assert not [e for e in store.audit_entries() if e.action == "case.source-gone"]
