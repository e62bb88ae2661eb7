"""An organisation whose country was set apart (a visitor's institution nothing identifies, a
name that is no organisation) is said in the same words wherever it is said: the scan's report
line, the watch line, pre-screening (`kvrules check`) and the case page said "not identified
as organisations … their country alone was not screened", "organisations not identified", "…
or the registry; … — its country (IR) alone is not screened" and nothing at all. The technical
key (`unidentified` in `scan --json` and the API) is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.cli.scan import not_identified_in_words, watch_summary
from kvrules.pipeline import ScanReport
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login

UNKNOWN = "Institute of Applied Optics and Fine Mechanics Qingdao"
NOT_IDENTIFIED = "not identified as an organisation"  # kvrules.plain.NOT_IDENTIFIED
# The clause every surface says of such an organisation's country.
NOT_SCREENED = "alone is not screened (it would be a person's)"
IN_THE_LISTS = f"{NOT_IDENTIFIED} in the lists or the organisation registry"


def test_the_scan_report_and_the_watch_line_say_it_in_the_shared_words() -> None:
    report = ScanReport(source="pure")
    report.unidentified = {UNKNOWN: "CN", "Private individual": "IR"}
    assert not_identified_in_words(report.unidentified) == (
        f"1 institution of a person (a visitor's, a participant's or a co-author's) "
        f"{IN_THE_LISTS}: {UNKNOWN} (CN); for each, its country {NOT_SCREENED}; 1 name of a "
        "person or of no organisation given as an institution, so not screened on a country: "
        "Private individual (IR); identify the institution in the RIS (its full name, or its "
        "ROR id)."
    )
    assert watch_summary(report).endswith(f", 2 names {NOT_IDENTIFIED}")
    said = report.as_dict()["unidentified"]  # the technical key and shape stay
    assert said == [
        {"name": UNKNOWN, "country": "CN"},
        {"name": "Private individual", "country": "IR"},
    ]


def test_pre_screening_says_it_in_the_shared_words() -> None:
    result = CliRunner().invoke(
        cli,
        ["check", "--visitor-institution", f"{UNKNOWN} (CN)", "--topic", "optics", "--json"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    [line] = out["in_words"]["unidentified"]
    assert line.startswith(f"{UNKNOWN}: {NOT_IDENTIFIED} in the US DoD Section 1286 list")
    assert line.endswith(
        f"or the organisation registry, so its country (CN) {NOT_SCREENED}; identify the "
        "institution (its full name, or its ROR id)"
    )
    assert f"{NOT_IDENTIFIED}, so its country {NOT_SCREENED}: {UNKNOWN}" in out["triage"]["reason"]
    [technical] = out["unidentified"]
    assert technical.startswith(f"{UNKNOWN}: {NOT_IDENTIFIED} in us_dod_1286@FY25")
    assert technical.endswith(" or the organisation registry")


def test_the_case_page_says_why_an_organisation_shows_no_country(db: Path) -> None:
    ev = event("p-1", UNKNOWN, "CN", with_match=False)
    partner = ev.project.partners[0]
    partner.country, partner.country_set_apart = None, "CN"  # as enrichment leaves it
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    row = page.split(UNKNOWN, 1)[1].split("</tr>")[0]
    assert f"CN given: {IN_THE_LISTS}, so its country {NOT_SCREENED}" in row.replace("&#39;", "'")


# kvrules.plain.read_as_person, as the scan and pre-screening say it of "Ali Rezaei (IR)"
READ_AS_PERSON = (
    "Ali Rezaei reads as a person's name: with a complete organisation registry imported it "
    "would not be screened on its country; identify the institution."
)


def test_the_case_page_says_a_partner_reads_as_a_persons_name_as_the_scan_does(db: Path) -> None:
    """A partner named by a given and family name alone that keeps its country only because the
    registry is partial (the shipped sample) is said so by the scan and pre-screening; the
    case page showed its country with nothing beside it. Enriched for real, stored as a scan
    stores it; the partner named as an organisation gets no such line."""
    from kvrules.enrich import Enricher

    ev = event("p-1", "Ali Rezaei", "IR", with_match=False)
    ev.project.partners.append(ev.project.partners[0].model_copy(update={"name": UNKNOWN}))
    found = Enricher.from_store(None).enrich(ev)
    assert found.read_as_person == ["Ali Rezaei"]
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text.replace("&#39;", "'")
    row = page.split("<td>Ali Rezaei", 1)[1].split("</tr>")[0]
    assert "<td>IR" in row and READ_AS_PERSON in row, row
    other = page.split(f"<td>{UNKNOWN}", 1)[1].split("</tr>")[0]
    assert "reads as a person's name" not in other
    assert page.count("reads as a person's name") == 1


def test_the_case_page_reads_a_company_as_an_organisation_and_a_person_as_a_person(
    db: Path,
) -> None:
    """Reviewers (2026-12-07): "Kestrel Photonics" was said to read as a person's name. Its
    last word ends real organisation names, so only "Ali Rezaei" gets the line."""
    from kvrules.enrich import Enricher

    ev = event("p-1", "Ali Rezaei", "IR", with_match=False)
    company = ev.project.partners[0].model_copy(
        update={"name": "Kestrel Photonics", "country": "CN"}
    )
    ev.project.partners.append(company)
    found = Enricher.from_store(None).enrich(ev)
    assert found.read_as_person == ["Ali Rezaei"]
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text.replace("&#39;", "'")
    row = page.split("<td>Kestrel Photonics", 1)[1].split("</tr>")[0]
    assert "<td>CN" in row and "reads as a person's name" not in row, row
    row = page.split("<td>Ali Rezaei", 1)[1].split("</tr>")[0]
    assert READ_AS_PERSON in row, row
    assert page.count("reads as a person's name") == 1
