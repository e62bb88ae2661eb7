"""A listed organisation given without a country takes the country of the list entry it matched
with confidence, said as such. Reviewer, 2026-12-07: `check --partner "National University of
Defense Technology" --topic "hypersonic propulsion"` answered AMBER, complete, while with
"(CN)" it answered RED: the country is known from the matched entry."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.intake import kvrules_only_field
from kvrules.model import CollaborationEvent
from kvrules.pipeline import _clear_screening
from kvrules.prescreen import Proposal
from kvrules.store import Store
from tests.scan_helpers import file_export_config, scanned

NUDT = "National University of Defense Technology"
TAKEN = "country CN taken from its entry on the US DoD Section 1286 list, edition FY25"


def check(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["check", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_listed_partner_without_a_country_is_triaged_as_with_it_and_says_where_it_came_from():
    without = check("--partner", NUDT, "--topic", "hypersonic propulsion")
    given = check("--partner", f"{NUDT} (CN)", "--topic", "hypersonic propulsion")
    assert without["triage"]["colour"] == "red"
    # complete but for the lists the store of shipped lists lacks: no name went unscreened
    assert "not screened on a country" not in without["triage"]["reason"]
    assert {f["rule_id"] for f in without["findings"]} == {f["rule_id"] for f in given["findings"]}
    assert without["in_words"]["not_checked"] == []
    assert without["in_words"]["countries_taken"] == [
        f"{NUDT}: no country given; {TAKEN}, not from the proposal"
    ]
    assert without["countries_taken"] == [
        f"{NUDT}: country CN from us_dod_1286@FY25, entry national-university-of-defense-technology"
    ]
    # given, the country is the proposal's: nothing is said to be taken
    assert given["in_words"]["countries_taken"] == []


def test_the_evidence_says_the_country_is_the_list_entrys_not_the_proposals():
    result = CliRunner().invoke(cli, ["check", "--partner", NUDT, "--topic", "hypersonic"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "its country is a US foreign country of concern" in text
    assert f"; {TAKEN}, not from the proposal or record (none was given)" in text


def test_a_funder_without_a_country_takes_the_list_entrys_too():
    out = check("--funder", NUDT, "--partner", "TU Delft (NL)", "--topic", "hypersonic propulsion")
    fired = {f["rule_id"] for f in out["findings"]}
    assert {"funder-on-1286", "funder-country-of-concern"} <= fired
    assert out["in_words"]["countries_taken"][0].startswith(f"{NUDT}: no country given; ")


def test_a_possible_match_gives_no_country():
    """A name only possibly on a list (a misspelling) is no confident match: its country stays
    unknown and the answer says no country check ran."""
    out = check("--partner", "National Univ of Defense Technolgy", "--topic", "hypersonic")
    assert out["in_words"]["countries_taken"] == []
    assert out["in_words"]["not_checked"], out["in_words"]


def test_a_scan_takes_the_country_too_and_a_re_screen_decides_it_again(tmp_path: Path):
    event = Proposal.model_validate({"partners": [{"name": NUDT}], "topic": "hypersonic"}).events()[
        0
    ]
    records = tmp_path / "events.jsonl"
    records.write_text(event.model_dump_json() + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--json", str(records)])
    assert result.exit_code == 0, result.output
    fired = {json.loads(line)["rule_id"] for line in result.stdout.splitlines() if line}
    assert "triage-red" in fired, fired
    # a re-screen (a list changed) forgets the list's country with the list's matches
    from kvrules.assembly import config_enricher
    from kvrules.config import Config

    enricher = config_enricher(Config(reference_data=tmp_path / "refdata.db"))
    enricher.enrich(event)
    partner = event.project.partners[0]
    assert (partner.country, partner.country_from) == (
        "CN",
        "us_dod_1286@FY25, entry national-university-of-defense-technology",
    )
    _clear_screening(event)
    assert (partner.country, partner.country_from) == (None, None)


def test_a_scan_of_a_file_export_finds_the_listed_funder_and_takes_the_partners_country(
    tmp_path: Path,
):
    """The real scan (file adapter, enrichment, engine, store), as check and the API answer:
    a listed funder is a finding (funder-on-1286) and a listed partner without a country is
    triaged red on the country its list entry gives."""

    def event(record: str, kind: str, **subject: object) -> dict:
        return {
            "id": f"{record}:1",
            "kind": kind,
            "occurred_at": "2026-11-01T10:00:00Z",
            "source": {"system": "file", "record_id": record},
            **subject,
        }

    config = file_export_config(
        tmp_path,
        event(
            "P-FUNDER",
            "project.created",
            project={"id": "P-FUNDER", "title": "Soil moisture", "funders": [{"name": NUDT}]},
        ),
        event(
            "P-PARTNER",
            "project.created",
            project={
                "id": "P-PARTNER",
                "title": "Scramjet combustion",
                "keywords": ["hypersonic propulsion"],
                "partners": [{"name": NUDT}],
            },
        ),
    )
    scanned(config)
    with Store.open(tmp_path / "kvrules.db") as store:
        fired = {
            (case.record_id, stored.finding.rule_id)
            for case in store.cases(None)
            for stored in store.case_findings(case.id)
        }
    assert ("P-FUNDER", "funder-on-1286") in fired, fired
    assert ("P-PARTNER", "triage-red") in fired, fired


def test_a_source_cannot_set_where_a_country_came_from():
    """A source that set ``country_from`` would have its country dropped at the next
    re-screen: refused at intake, as ``country_set_apart`` is."""
    event = Proposal.model_validate({"partners": [{"name": NUDT, "country": "CN"}]}).events()[0]
    assert kvrules_only_field([event]) is None
    body = event.model_dump(mode="json")
    body["project"]["partners"][0]["country_from"] = "us_dod_1286@FY25, entry x"
    assert kvrules_only_field([CollaborationEvent.model_validate(body)]) == (
        "project.partners[0].country_from: set by kvrules' enrichment (a country taken from a "
        "list entry), never by a source; give the organisation's country in `country`"
    )


def test_fetch_json_read_to_screen_again_starts_without_the_list_entrys_country(tmp_path: Path):
    """`fetch --json` → `evaluate` took a country enrichment had taken from a list entry back
    as if the source gave it (reviewer, 2026-12-07, /tmp/rev-code/up2/roundtrip.py): read to
    be screened again, the record starts as a re-screen does (``_clear_screening``), without
    it; read to be evaluated as is, it stays as the rules saw it."""
    from kvrules.assembly import config_enricher
    from kvrules.config import Config
    from kvrules.events_io import read_events

    event = Proposal.model_validate({"partners": [{"name": NUDT}]}).events()[0]
    config_enricher(Config(reference_data=tmp_path / "refdata.db")).enrich(event)
    assert event.project.partners[0].country_from is not None  # as `fetch --json` writes it
    fetched = tmp_path / "fetched.jsonl"
    fetched.write_text(event.model_dump_json() + "\n")

    skipped: list[str] = []
    [again] = read_events(fetched, skipped, screen_again=True)
    [as_is] = read_events(fetched, skipped, screen_again=False)
    assert skipped == []
    partner = again.project.partners[0]
    assert (partner.country, partner.country_from) == (None, None)
    assert (as_is.project.partners[0].country, as_is.project.partners[0].country_from) == (
        "CN",
        "us_dod_1286@FY25, entry national-university-of-defense-technology",
    )
