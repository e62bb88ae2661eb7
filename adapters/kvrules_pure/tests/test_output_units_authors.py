"""A co-publication's case names its own unit and internal authors, as a project's case names
its unit and lead. A review of the real 524 research output (UMNLibraries/pureapi @ fdd0df42,
tests/data/524, MIT: managingOrganisationalUnit "Physics and Astronomy (Twin Cities)",
personAssociations with three UMN persons among 51) found cases with neither. People are named
by the name and role Pure gives them (never a nationality); no rule reads them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_pure import explain
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from pure_helpers import SECRET, adapter_for, scan

from kvrules.cli import cli
from kvrules.store import Store
from tests.web.web_helpers import PASSWORD_HASH, app_for, login

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
OUTPUT = "research-outputs/f145e583-7d49-415e-aefb-381905b58ae7"
UNIT = "Physics and Astronomy (Twin Cities)"
AUTHORS = "D. J. Ambrose (Author); H. Muramatsu (Author); R. Poling (Author)"


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    """The real output, published this year instead of 2016: the shipped rulebooks look back
    five years, and its co-authors' institutions on the 1286 list then open a case."""
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=FIXTURES) as handle:
        [output] = handle.legacy["research-outputs"].values()
        output["publicationStatuses"][0]["publicationDate"] = {"year": 2026, "month": 3, "day": 2}
        yield handle


def test_the_output_reads_its_unit_and_internal_authors_with_their_roles(
    sim: SimulatorHandle,
) -> None:
    with adapter_for(sim, base_url=f"{sim.base_url}/524", research_outputs=True) as adapter:
        [record] = [r for r in scan(adapter) if r.record_id == OUTPUT]
    [event] = record.events
    assert event.output is not None
    assert event.output.units == [UNIT]
    authors = [(a.display_name, a.role, a.role_given) for a in event.output.authors]
    assert authors == [
        ("D. J. Ambrose", "author", "Author"),
        ("H. Muramatsu", "author", "Author"),
        ("R. Poling", "author", "Author"),
    ]  # the 48 external persons are co-authors' organisations, not named
    assert all(not a.affiliations and not a.attributes for a in event.output.authors)


def test_show_case_and_the_case_page_name_the_unit_and_authors(
    sim: SimulatorHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'kvrules.db'}\nreference_data: {tmp_path / 'refdata.db'}\n"
        f"home_country: US\nsources:\n  pure:\n    adapter: pure\n    settings:\n"
        f"      base_url: {sim.base_url}/524\n      research_outputs: true\n"
    )
    scanned = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert scanned.exit_code == 0, scanned.output
    shown = CliRunner().invoke(
        cli, ["show", "case:1", "--config", str(config)], env={"COLUMNS": "400"}
    )
    assert shown.exit_code == 0, shown.output
    lines = [line.strip() for line in shown.output.splitlines()]
    assert f"unit: {UNIT}" in lines and f"authors: {AUTHORS}" in lines
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        store.add_user("adviser", "adviser", PASSWORD_HASH, actor="test")
    client = app_for(db)
    login(client, "adviser")
    page = unescape(" ".join(client.get("/cases/1").text.split()))
    assert f"<dt>Authors</dt><dd>{AUTHORS}</dd>" in page
    assert f"<dt>Units</dt><dd>{UNIT}</dd>" in page


def test_fetch_explain_lists_the_unit_and_authors_as_read() -> None:
    rec = json.loads((FIXTURES / "research-output-f145e583.json").read_text("utf-8"))
    said = explain.explain("output", OUTPUT, rec)
    for path in (
        "managingOrganisationalUnit",
        "organisationalUnits",
        "personAssociations[].name.lastName",
        "personAssociations[].personRole",
    ):
        assert path in said.read, said.read
