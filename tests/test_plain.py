"""Evidence and records in words: e-mail, `kvrules show` and report.md read like sentences,
with the technical path kept one flag away."""

from __future__ import annotations

from kvrules.findings import Evidence
from kvrules.jurisdiction import EU_MEMBERS
from kvrules.plain import evidence_sentence
from kvrules.records import describe
from kvrules.report import markdown_report
from kvrules.rulebook.cases import event_from_given
from kvrules.store import Store
from tests.store.store_helpers import make_finding

SICHUAN = "Sichuan University (CN)"


def test_evidence_reads_as_a_sentence() -> None:
    on_list = Evidence(
        "project.partners[2].lists", 'contains "us_dod_1286"', ["us_dod_1286"], SICHUAN
    )
    assert on_list.plain == f"partner {SICHUAN} is on the US DoD Section 1286 list"
    assert str(on_list).startswith("project.partners[2].lists")  # the technical form stays
    assert evidence_sentence(
        "project.partners[0].candidate_lists", 'contains "ca_nro"', ["ca_nro"], SICHUAN
    ) == (
        f"partner {SICHUAN} may be on the Canadian Named Research Organizations list "
        "(a possible match to confirm)"
    )
    assert (
        evidence_sentence("funder.country_signals", 'contains "eu-sanctions-regime"', [], "RSF")
        == "funder RSF: its country is under an EU sanctions regime"
    )
    assert evidence_sentence(
        "project.sensitive_areas", "exists", ["eu-critical-tech:energy", "eu-dual-use:cat3"]
    ) == (
        "research area: EU critical technology 'energy'; "
        "EU dual-use Annex I category 3 — electronics"
    )
    eu = ", ".join(f'"{c}"' for c in sorted(EU_MEMBERS))
    assert (
        evidence_sentence("project.partners[0].country", f"not (in [{eu}])", "US", "MIT")
        == "partner MIT is outside the EU (US)"
    )
    # Two member states are not the EU: the sentence says which codes the rule names.
    assert (
        evidence_sentence("project.partners[0].country", 'not (in ["AT", "NL"])', "US", "MIT")
        == "the country of partner MIT is 'US', not one of 'AT', 'NL'"
    )
    # No wording for it: the technical form, never nothing.
    assert evidence_sentence("project.title", "resembles 'x'", "x") == (
        "project.title resembles 'x': 'x'"
    )


def test_a_case_is_named_by_title_units_lead_and_partners() -> None:
    subject = {
        "project": {
            "title": "Neutron detection",
            "units": ["Department of Physics"],
            "participants": [
                {"role": "Co-Investigator", "display_name": "Piet Jansen"},
                {"role": "Principal Investigator", "display_name": "Anna de Vries"},
            ],
            "partners": [{"name": "Sichuan University", "country": "CN"}, {"name": "KU Leuven"}],
        }
    }
    assert str(describe(subject, "pure", "5266b89f")) == (
        "Neutron detection — Department of Physics — Anna de Vries (Principal Investigator) — "
        "partners: Sichuan University (CN); KU Leuven"
    )
    assert str(describe(None, "pure", "5266b89f")) == "pure record 5266b89f"


def test_an_application_is_named_as_one_and_linked_by_its_own_pattern() -> None:
    # what the store remembers of an application: the proposal under "project" (kvrules.model)
    subject = {
        "application": {"id": "a-1", "status": "submitted"},
        "project": {"title": "Neutron detection", "units": ["Department of Physics"]},
    }
    links = {
        "pure": {
            "project": "https://r.example.edu/en/projects/{id}",
            "application": "https://r.example.edu/admin/applications/{id}",
        }
    }
    label = describe(subject, "pure", "applications/a-1", links)
    assert (label.kind_label, label.title) == ("Application", "Neutron detection")
    assert label.url == "https://r.example.edu/admin/applications/a-1"


def test_report_md_names_the_project_and_says_the_evidence_in_words(tmp_path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        event = event_from_given(
            {
                "kind": "project.created",
                "source": {"system": "pure", "record_id": "proj-1"},
                "project": {"id": "proj-1", "title": "Hypersonic flow", "units": ["Aerospace"]},
            }
        )
        store.record_subject(event)
        finding = make_finding(record_id="proj-1")
        store.record_finding(finding)
        report = markdown_report(store)
    assert "## Case 1 (high): Hypersonic flow\n\n- Unit: Aerospace\n" in report
    # the source system's id is for the technical detail, with the rule's id and version
    people, _, technical = report.partition("\n## Technical detail\n")
    assert "pure proj-1" not in people and "(high)" in people
    assert f"v{finding.rulebook.version}" not in people
    evidence = finding.evidence[0]
    # the committee's part says it in words; ids, paths and tests wait in a section at the end
    assert f"  - evidence: {evidence.in_words(None)}\n" in people
    assert evidence.path not in people and finding.rule_id not in people
    assert (
        f"- Case 1, {finding.rule_title}: rule "
        f"`{finding.rulebook.id} v{finding.rulebook.version}/{finding.rule_id}`"
    ) in technical
    assert f"  - `{evidence}`" in technical


def _screened(partners: list[dict], keywords: list[str], tmp_path) -> dict:
    """A project enriched with the shipped lists and taxonomies, as the store remembers it."""
    from kvrules.enrich import Enricher
    from kvrules.store.subjects import subject_body

    event = event_from_given(
        {
            "kind": "project.created",
            "project": {
                "id": "p1",
                "title": "Grid-scale storage",
                "keywords": keywords,
                "partners": partners,
                "participants": [
                    {"role": "Co-Investigator", "display_name": "Piet Jansen"},
                    {"role": "Principal Investigator", "display_name": "Anna de Vries"},
                ],
            },
        }
    )
    Enricher.from_store(tmp_path / "refdata.db")(event)
    return subject_body(event)


def test_list_evidence_names_the_edition_and_entry_that_matched(tmp_path) -> None:
    record = _screened(
        [
            {"name": "KU Leuven", "country": "BE"},
            {"name": "SICHUAN UNIVERSITY", "country": "CN"},
            {
                "name": "Beihang Univ.",
                "country": "CN",
                "identifiers": [{"scheme": "ror", "value": "https://ror.org/00wk2mp56"}],
            },
        ],
        [],
        tmp_path,
    )
    as_written = "SICHUAN UNIVERSITY (CN)"  # evidence names it as the RIS spells it
    sichuan = Evidence(
        "project.partners[1].lists", 'contains "us_dod_1286"', ["us_dod_1286"], as_written
    )
    fy25 = "; a designation; source: US Department of Defense, " + (
        "https://www.cto.mil/wp-content/uploads/2026/07/FY25-Section-1286-List.pdf; "
        "licence: US government work (public domain, 17 U.S.C. 105)"
    )  # what the list is, and the edition that matched, from the list's provenance
    assert sichuan.in_words(record) == (
        f"partner {as_written} is on the US DoD Section 1286 list, edition FY25, "
        f"listed as “Sichuan University”{fy25}"
    )
    assert sichuan.plain == f"partner {as_written} is on the US DoD Section 1286 list"
    beihang = Evidence(
        "project.partners[2].lists", 'contains "us_dod_1286"', [], "Beihang Univ. (CN)"
    )
    assert beihang.in_words(record).endswith(
        "edition FY25, listed as “Beihang University”, matched through its ROR id 00wk2mp56" + fy25
    )
    # The record changed since the finding (a partner was removed): found by its name.
    record["project"]["partners"].pop(0)
    assert "listed as “Sichuan University”" in sichuan.in_words(record)
    record["project"]["partners"].pop(1)  # Sichuan alone now: its old position is gone
    assert "listed as “Sichuan University”" in sichuan.in_words(record)
    # Never another organisation's entry: a name that is no longer there says no more.
    gone = Evidence("project.partners[0].lists", 'contains "us_dod_1286"', [], "Gone (CN)")
    assert gone.in_words(record) == "partner Gone (CN) is on the US DoD Section 1286 list"


def test_a_partner_is_named_as_the_ris_names_it_and_the_entry_as_the_list_spells_it(
    tmp_path,
) -> None:
    """The 1286 list misspells "Xi'an Jiaotong University" as "Xi'an Jiatong University": a
    reader must see the RIS's name for the partner and the list's spelling as the list's."""
    ris_name = "Xi'an Jiaotong University"
    ror = [{"scheme": "ror", "value": "https://ror.org/017zhmm22"}]
    record = _screened([{"name": ris_name, "country": "CN", "identifiers": ror}], [], tmp_path)
    xian = Evidence(
        "project.partners[0].lists", 'contains "us_dod_1286"', ["us_dod_1286"], f"{ris_name} (CN)"
    )
    sentence = xian.in_words(record)
    assert sentence.startswith(f"partner {ris_name} (CN) is on the US DoD Section 1286 list")
    assert "listed as “Xi’an Jiatong University”" in sentence
    assert "entry" not in sentence  # "entry 'Xi'an Jiatong University'" read as the partner


def test_a_corrected_spelling_is_said_to_be_one(tmp_path) -> None:
    record = _screened([{"name": "Harbin Institue of Technlogy", "country": "CN"}], [], tmp_path)
    harbin = Evidence(
        "project.partners[0].candidate_lists",
        'contains "us_dod_1286"',
        ["us_dod_1286"],
        "Harbin Institue of Technlogy (CN)",
    )
    assert (
        "listed as “Harbin Institute of Technology” (its name with the spelling corrected: "
        "“Harbin Institue of Technlogy” resembles “Harbin Institute of Technology”, score 0."
        in (harbin.in_words(record))
    )


def test_area_evidence_names_the_words_that_matched(tmp_path) -> None:
    record = _screened([], ["Solid-state battery", "smart grid control", "optics"], tmp_path)
    assert record["project"]["area_words"]["eu-critical-tech:energy"] == ["battery", "smart grid"]
    areas = record["project"]["sensitive_areas"]
    evidence = Evidence("project.sensitive_areas", 'contains "eu-critical-tech:energy"', areas)
    assert evidence.in_words(record) == (
        "research area: EU critical technology 'energy', matched words: 'battery', 'smart grid'"
        " — a keyword match is an indication for the export-control officer's review, not a "
        "classification or licence decision"
    )


def test_only_the_lead_keeps_a_name_in_the_store(tmp_path) -> None:
    record = _screened([], [], tmp_path)
    assert record["project"]["participants"] == [
        {"affiliations": []},
        {
            "affiliations": [],
            "role": "principal investigator",  # as rules read it (kvrules.roles)
            "role_given": "Principal Investigator",  # as the RIS gives it, shown
            "display_name": "Anna de Vries",
        },
    ]
    assert describe(record, "pure", "p1").lead == "Anna de Vries (Principal Investigator)"


def test_the_link_to_the_ris_follows_the_sources_pattern() -> None:
    from kvrules.records import record_url

    admin = "https://pure.example.edu/admin/projecteditor.xhtml?id={id}"
    assert (
        record_url({"pure": admin}, "pure", "5266b89f", "project")
        == "https://pure.example.edu/admin/projecteditor.xhtml?id=5266b89f"
    )
    per_kind = {
        "project": "https://r.example.edu/en/projects/{id}",
        "output": "https://r.example.edu/en/publications/{id}",
    }
    # kvrules' own prefix is not part of the RIS's id; odd characters are encoded
    assert (
        record_url({"pure": per_kind}, "pure", "research-outputs/a b", "output")
        == "https://r.example.edu/en/publications/a%20b"
    )
    assert record_url({"pure": per_kind}, "pure", "x", "visit") is None
    assert record_url({"pure": admin}, "converis", "x", "project") is None


def test_a_record_is_named_by_the_kind_the_store_remembers_not_by_its_source(tmp_path) -> None:
    """A pre-screened proposal is stored as kind 'proposal'; describe reads that kind."""
    from kvrules.records import PRESCREEN_SYSTEM

    given = {"kind": "project.created", "project": {"id": "x1", "title": "Drone swarms"}}
    with Store.open(tmp_path / "s.db") as store:
        for system in (PRESCREEN_SYSTEM, "pure"):
            store.record_subject(
                event_from_given({**given, "source": {"system": system, "record_id": "x1"}})
            )
        proposal = store.subject(PRESCREEN_SYSTEM, "x1")
        project = store.subject("pure", "x1")
    assert (proposal.kind, project.kind) == ("proposal", "project")
    assert proposal["project"]["title"] == "Drone swarms"  # the body as before
    links = {PRESCREEN_SYSTEM: "https://ris.example.edu/{id}"}
    label = describe(proposal, PRESCREEN_SYSTEM, "x1", links)
    assert (label.kind_label, label.title, label.url) == (
        "Proposed collaboration",
        "Drone swarms",
        None,  # nothing in the RIS to link to
    )
    assert describe(project, "pure", "x1").kind_label == "Project"


def test_a_finding_says_each_thing_once(tmp_path) -> None:
    """`partner.country exists and partner.country not in [EU]` left two sentences about the
    same country, and a partner matched twice said it twice: e-mail, show, findings, the
    report and exports say it once."""
    from kvrules.jurisdiction import EU_MEMBERS
    from kvrules.plain import said

    eu = ", ".join(f'"{c}"' for c in sorted(EU_MEMBERS))
    bristol = "University of Bristol (GB)"
    evidence = [
        Evidence("project.sensitive_areas", "exists", ["eu-dual-use:cat0"]),
        Evidence("project.partners[0].country", "exists", "GB", bristol),
        Evidence("project.partners[0].country", f"not (in [{eu}])", "GB", bristol),
        Evidence("project.partners[1].country", "exists", "CN", "Sichuan University (CN)"),
        Evidence("project.partners[0].country", f"not (in [{eu}])", "GB", bristol),
    ]
    assert said(evidence, None) == [
        "research area: EU dual-use Annex I category 0 — nuclear materials, facilities and "
        "equipment",
        f"partner {bristol} is outside the EU (GB)",
        "partner Sichuan University (CN) is in CN",
    ]
    finding = make_finding()
    finding.evidence = evidence
    with Store.open(tmp_path / "s.db") as store:
        store.record_finding(finding)
        report = markdown_report(store)
    assert report.count(f"partner {bristol}") == 1


def test_an_amount_with_its_currency_makes_the_currency_test_go_without_saying() -> None:
    from kvrules.plain import said

    nsf = "National Science Foundation (US)"
    record = {"funder": {"name": "National Science Foundation", "country": "US",
                         "amount": 1500000, "currency": "USD"}}  # fmt: skip
    evidence = [
        Evidence("funder.currency", '== "USD"', "USD"),
        Evidence("funder.amount", ">= 1100000", 1500000.0),
    ]
    assert said(evidence, record) == [
        f"funder {nsf} gives $1,500,000, at or above the $1,100,000 threshold"
    ]
    # without the record the amount has no currency: the currency test still says it
    assert said(evidence, None)[0] == "the currency of the funder is 'USD'"


def test_list_editions_are_said_by_title_and_edition_with_partial_explained() -> None:
    from kvrules.plain import edition_in_words, lists_in_words

    assert edition_in_words("us_dod_1286@FY25 (partial)") == (
        "the US DoD Section 1286 list, edition FY25 "
        "(a partial copy: only some of its entries are held here)"
    )
    assert edition_in_words("us_dod_1286@FY25 (partial)", partial=False) == (
        "the US DoD Section 1286 list, edition FY25"
    )
    # a list of the institution's own: by the title the reference store keeps
    own = {"own_watch": "Watch list of the research office"}
    assert edition_in_words("own_watch@2026-05", own) == (
        "the list “Watch list of the research office”, edition 2026-05"
    )
    assert lists_in_words(["us_fcoc@2022-08-09", "own_watch@2026-05"], own) == (
        "the US foreign-countries-of-concern list, edition 2022-08-09 or "
        "the list “Watch list of the research office”, edition 2026-05"
    )
    assert lists_in_words([]) == "any list"


def test_the_technical_form_of_a_list_hit_names_the_entry_method_score_kind_and_licence(
    tmp_path,
) -> None:
    """Reviewer's defect: `show --technical` gave only `project.partners[0].lists contains
    "us_dod_1286"`, with no entry, method or score (`show` and `check` say it with
    ``technically``, from the record as the store remembers it)."""
    from kvrules.plain import technically

    record = _screened([{"name": "Harbin Institute of Technology", "country": "CN"}], [], tmp_path)
    hit = Evidence(
        "project.partners[0].lists",
        'contains "us_dod_1286"',
        ["us_dod_1286"],
        "Harbin Institute of Technology (CN)",
    )
    test, entry = technically([hit], record)
    assert test == str(hit)
    assert entry.strip().startswith(
        "us_dod_1286@FY25, entry harbin-institute-of-technology “Harbin Institute of "
        "Technology”, method exact, score 1.00, designation, licence: US government work"
    )
    assert technically([hit], None) == [str(hit)]  # a record not remembered: the test alone
