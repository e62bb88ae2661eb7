"""Pure answers 301 for a merged record's old uuid ("The requested content have changed UUID",
Pure API 5.35; docs/cris-apis.md 1.7). A review of the real 524 responses (UMNLibraries/pureapi
@ fdd0df42, tests/data/524, MIT: the research output naming the Institute of High Energy
Physics - CAS by uuid 64020665-…) found that partner quarantined ("301 redirect to
http://127.0.0.1:… refused: … configure the address it redirects to", the configured address
itself) and never screened. A redirect within the configured API is followed now; any other
is still refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for, scan

from kvrules.cli.fetch import fetch
from kvrules.http import WithinBase

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
OUTPUT = "research-outputs/f145e583-7d49-415e-aefb-381905b58ae7"
IHEP = "64020665-df0c-4eaa-ac1a-85821d0eacf9"  # as the real output names it
MERGED = "5014c61f-5583-4c49-93b9-74394bb546a2"  # its new uuid here (made up)


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    """The real 524 research output; the organisation it names as IHEP merged into MERGED."""
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=FIXTURES) as handle:
        orgs = handle.legacy["external-organisations"]
        orgs[MERGED] = {**orgs.pop(IHEP), "uuid": MERGED, "previousUuids": [IHEP]}
        yield handle


def test_a_partner_named_by_its_merged_uuid_is_read_under_its_new_one(
    sim: SimulatorHandle,
) -> None:
    with adapter_for(sim, base_url=f"{sim.base_url}/524", research_outputs=True) as adapter:
        [record] = [r for r in scan(adapter) if r.record_id == OUTPUT]
    assert record.error is None, record.error
    [event] = record.events
    assert event.output is not None
    names = {a.name for a in event.output.affiliations}
    assert "Institute of High Energy Physics - CAS" in names
    moved = [r for r in sim.requests if IHEP in r.path]
    assert [r.status for r in moved] == [301]
    assert any(MERGED in r.path and r.status == 200 for r in sim.requests)


def test_fetch_explain_says_which_organisation_was_merged(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    args = ["--source", "pure", "--set", f"base_url={sim.base_url}/524"]
    args += ["--set", "research_outputs=true", "--explain", "--raw"]
    result = CliRunner().invoke(fetch, args)
    assert result.exit_code == 0, result.output
    assert "quarantined" not in result.stderr.replace("0 quarantined", "")
    assert (
        f"  note:    merged: external organisation {IHEP} has a new uuid in Pure ({IHEP} → "
        f"{MERGED}: it answered 301, the content has changed UUID); read as {MERGED}"
    ) in result.stdout.splitlines()


BASE = "https://pure.example.edu/ws/api"


@pytest.mark.parametrize(
    ("target", "refused"),
    [
        (f"{BASE}/external-organizations/new", ""),
        ("https://PURE.example.edu:443/ws/api/524/x", ""),
        ("https://evil.example.org/ws/api/x", "leads away from the configured address"),
        ("http://pure.example.edu/ws/api/x", "leads away from the configured address"),
        ("https://pure.example.edu:8443/ws/api/x", "leads away from the configured address"),
        ("https://user@pure.example.edu/ws/api/x", "leads away from the configured address"),
        ("https://pure.example.edu/admin/x", "leads outside the configured API (/ws/api)"),
        ("https://pure.example.edu/ws/apix", "leads outside the configured API (/ws/api)"),
    ],
)
def test_only_a_redirect_within_the_configured_api_is_followed(target: str, refused: str) -> None:
    said = WithinBase(base_url=BASE).refusal(f"{BASE}/x", target, 1)
    assert (said == "") if not refused else (refused in said), said


def test_a_redirect_to_another_host_is_still_refused_naming_the_configured_address() -> None:
    with start_simulator(projects=1, api_key=SECRET) as sim, adapter_for(sim) as adapter:
        said = WithinBase(base_url=adapter.client.base_url).refusal(
            sim.base_url, "http://localhost:1/ws/api/projects", 1
        )
    assert said.startswith(f"it leads away from the configured address {sim.base_url[:-7]}")
