"""#17 item 5 on the case page: the lead as the RIS names them, a link to the record in the RIS,
and evidence in plain language with the technical path one click away."""

from __future__ import annotations

import re
from pathlib import Path

from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login

PORTAL = "https://pure.example.edu/en/projects/{id}"


def test_the_case_page_names_the_lead_links_the_record_and_says_the_evidence_in_words(
    db: Path,
) -> None:
    ev = event("p-1", "Najing Univ. of Aeronautics & Astronautics", "CN", with_match=True)
    ev.project.participants[0].display_name = "Jane Doe"
    ev.project.participants[0].role = "Principal Investigator"
    ev.project.sensitive_areas = ["eu-critical-tech:energy"]
    ev.project.area_words = {"eu-critical-tech:energy": ["battery", "smart grid"]}
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db, links={"pure": PORTAL})
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    assert "<dt>Lead</dt><dd>Jane Doe (Principal Investigator)</dd>" in page
    assert '<a href="https://pure.example.edu/en/projects/p-1"' in page
    # the source system's id is technical detail, not part of how the project is named
    named = "".join(part.split("</details>", 1)[-1] for part in page.split("<details"))
    assert "pure/p-1" not in named and "(p-1)" not in named
    assert "<code>pure/p-1</code></details>" in page
    # research areas in words, with the words that put the project there
    assert "EU critical technology &#39;energy&#39;</span> " in page
    assert "(matched: battery, smart grid)" in page
    evidence = page.split("<h4>Evidence</h4>", 1)[1]
    sentence, technical = evidence.split('<details class="technical">', 1)
    # the list, its edition and the entry in words, not a path
    assert "US DoD Section 1286 list, edition FY25, listed as “" in sentence
    assert "project.partners[0]" not in sentence
    assert "<code>project.partners[0].candidate_lists</code>" in technical.split("</details>")[0]


def test_without_a_pattern_the_case_page_shows_the_id_and_no_link(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    assert "<code>pure/p-1</code>" in page and "open in Pure" not in page


def test_an_application_case_is_listed_as_an_application() -> None:
    from datetime import UTC, datetime

    from kvrules.records import Remembered
    from kvrules.rulebook.ir import Severity
    from kvrules.store import Case
    from kvrules.web.casedata import subject_title

    now = datetime.now(UTC)
    case = Case(1, "pure", "applications/a-1", "open", Severity.HIGH, None, now, now, None)
    subject = {"application": {"id": "a-1"}, "project": {"title": "Neutron detection"}}
    assert subject_title(subject, case) == ("Neutron detection", "application")
    assert subject_title(None, case) == ("pure record applications/a-1", "record")
    proposed = Case(2, "prescreen", "ps-1", "open", Severity.HIGH, None, now, now, None)
    remembered = Remembered({"project": {"title": "Hypersonic test"}}, "proposal")  # its kind
    assert subject_title(remembered, proposed) == (
        "Hypersonic test",
        "proposal",
    )


def test_a_finding_card_keeps_rule_ids_and_paths_in_its_technical_detail(db: Path) -> None:
    import re

    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    card = page.split('<article class="card finding"', 1)[1].split("</article>", 1)[0]
    technical = re.findall(r'<details class="technical">.*?</details>', card, re.S)
    people = re.sub(r'<details class="technical">.*?</details>', "", card, flags=re.S)
    assert "A partner possibly matches a reference list" in people  # the rule's title
    for code in ("partner-possible-list-match", "nl-leidraad@2026.1", "candidate_lists"):
        assert code not in people, code
        assert any(code in t for t in technical), code


def test_a_finding_card_says_each_thing_once_and_keeps_every_test_in_its_detail(
    db: Path,
) -> None:
    """`country exists and country not in [EU]`: one sentence, both tests one click away."""
    import re
    from dataclasses import replace

    from kvrules.findings import Evidence
    from kvrules.jurisdiction import EU_MEMBERS
    from tests.web.web_helpers import finding

    eu = ", ".join(f'"{c}"' for c in sorted(EU_MEMBERS))
    partner = "Technische Universität Beispiel (DE)"  # p-2's partner, outside the EU here
    two = [
        Evidence("project.partners[0].country", "exists", "US", partner),
        Evidence("project.partners[0].country", f"not (in [{eu}])", "US", partner),
    ]
    with Store.open(db) as store:
        store.record_findings([replace(finding("p-2"), rule_id="outside-eu", evidence=two)], {})
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db, 'p-2')}").text
    card = next(c for c in page.split('<article class="card finding"') if "outside-eu" in c)
    evidence = card.split("<h4>Evidence</h4>", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)<details", evidence, re.S)
    assert [" ".join(i.split()) for i in items] == [f"partner {partner} is outside the EU (US)"]
    detail = evidence.split('<details class="technical">', 1)[1].split("</details>", 1)[0]
    assert "exists" in detail and "not (in [" in detail


def test_what_was_screened_names_lists_signals_and_amounts_in_words(db: Path) -> None:
    ev = event("p-1", "Najing Univ. of Aeronautics & Astronautics", "CN", with_match=True)
    ev.project.partners[0].lists = ["aspi_cdut"]
    ev.project.partners[0].country_signals = ["eu-arms-embargo"]
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    screened = page.split('id="h-subject"', 1)[1].split("</section>", 1)[0]
    partner = screened.split("<h3>Partners</h3>", 1)[1].split("</table>", 1)[0]
    assert '<span title="aspi_cdut">ASPI China Defence Universities Tracker</span>' in partner
    assert 'possible: <span title="us_dod_1286">US DoD Section 1286 list</span>' in partner
    # the signal's id and source (the profiles' edition, the citation) on hover
    assert '<span title="eu-arms-embargo: the kvrules country profiles, version ' in partner
    assert '">under an EU arms embargo</span>' in partner  # a designation: not marked
    funder = screened.split("<h3>Funders</h3>", 1)[1].split("</table>", 1)[0]
    assert "€250,000" in funder and "250000" not in funder


def test_an_output_case_names_every_column_of_its_affiliations_table(db: Path) -> None:
    output = CollaborationEvent.model_validate(
        {
            "id": "ev-p-1",
            "kind": "output.published",
            "source": {"system": "pure", "record_id": "p-1"},
            "occurred_at": "2026-01-05T10:00:00Z",
            "output": {
                "id": "p-1",
                "title": "Scramjet inlets",
                "affiliations": [{"name": "Beihang University", "country": "CN"}],
            },
        }
    )
    with Store.open(db) as store:
        store.record_subject(output)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    table = page.split("<h3>Co-authors' affiliations</h3>", 1)[1].split("</thead>", 1)[0]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert len(headers) == 5 and all(h.strip() for h in headers), headers
