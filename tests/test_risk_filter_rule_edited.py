"""A finding updated in place (its rule edited, what it found the same) updates the risk filter
too. Reviewer, 2026-12-07 (/tmp/rev-code/risk/run.py): a rule given a second risk type kept its
finding, with both risk types in its body, but the case list's filter on the new risk type
found no case: ``case_risk_types`` was filled by an AFTER INSERT trigger only.
Real parts: a file export, the CLI scan, the shipped reference lists, SQLite."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from kvrules.store.casesearch import CaseQuery
from tests.scan_helpers import file_export_config, json_report, scanned

RULEBOOK = """\
rulebook: uni2-own
version: "{version}"
title: own rules
jurisdiction: NL
applies_to: everywhere
sources: [{{id: board, cite: "Board decision 2026-14"}}]
rules:
  - id: manuscripts
    title: Research on medieval manuscripts
    on: [project.created, project.updated]
    when: project.title matches "{pattern}"
    severity: low
    risks: {risks}
    rationale: The board asked to see these.
    cite: board
"""


def test_a_risk_type_added_to_an_edited_rule_reaches_the_risk_filter(tmp_path: Path) -> None:
    event = {
        "id": "P1:v1",
        "kind": "project.created",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {"id": "P1", "title": "Medieval manuscripts of Utrecht"},
    }
    config = file_export_config(tmp_path, event, home="NL")
    books = tmp_path / "site"
    books.mkdir()
    with config.open("a", encoding="utf-8") as fh:
        fh.write(f"rulebooks: [{books}]\n")

    def rules(version: str, pattern: str, risks: str) -> None:
        text = RULEBOOK.format(version=version, pattern=pattern, risks=risks)
        (books / "own.yaml").write_text(text, encoding="utf-8")

    rules("1", ".*[Mm]edieval manuscripts.*", "[ethics]")
    assert json_report(scanned(config, "--json"))["findings"] == 1
    # a wider pattern that finds nothing new, and a second risk type
    rules("2", ".*([Mm]edieval manuscripts|[Pp]alimpsests).*", "[ethics, interference]")
    assert json_report(scanned(config, "--json"))["findings"] == 0  # updated in place

    with Store.open(tmp_path / "kvrules.db") as store:
        [case] = store.cases(None)
        [stored] = store.case_findings(case.id)
        assert stored.finding.risks == ["ethics", "interference"]
        for risk in ("ethics", "interference"):
            assert store.search_cases(CaseQuery(risk=risk), limit=10) == ([case.id], 1), risk
