"""Evidence and records in words: e-mail, `kvrules show` and report.md read like sentences,
with the technical path kept one flag away."""

from __future__ import annotations

from kvrules.findings import Evidence
from kvrules.plain import evidence_sentence, record_name
from kvrules.report import markdown_report
from kvrules.rulebook.cases import event_from_given
from kvrules.store import Store
from tests.store.store_helpers import make_finding

SICHUAN = "Sichuan University (CN)"


def test_evidence_reads_as_a_sentence() -> None:
    on_list = Evidence("project.partners[2].lists", 'contains "us_dod_1286"', ["x"], SICHUAN)
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
    ) == ("research area: EU critical technology 'energy'; EU dual-use Annex I category 3")
    assert (
        evidence_sentence("project.partners[0].country", 'not (in ["AT", "NL"])', "US", "MIT")
        == "partner MIT is outside the EU (US)"
    )
    # No wording for it: the technical form, never nothing.
    assert (
        evidence_sentence("project.title", 'matches ".*"', "x")
        == "project.title matches \".*\": 'x'"
    )


def test_a_case_is_named_by_title_units_and_partners() -> None:
    subject = {
        "project": {
            "title": "Neutron detection",
            "units": ["Department of Physics"],
            "partners": [{"name": "Sichuan University", "country": "CN"}, {"name": "KU Leuven"}],
        }
    }
    assert record_name(subject, "pure", "5266b89f") == (
        "Neutron detection — Department of Physics — partners: Sichuan University (CN), KU Leuven"
    )
    assert record_name(None, "pure", "5266b89f") == "pure record 5266b89f"


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
    assert "## Case 1 (high): Hypersonic flow — Aerospace" in report
    assert "Record: pure proj-1" in report
    evidence = finding.evidence[0]
    assert f"  - evidence: {evidence.plain}\n    <small>`{evidence.path}`" in report
