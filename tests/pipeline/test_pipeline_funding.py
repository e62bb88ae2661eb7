"""Funding-share findings come only from a complete read of the portfolio.

A unit's foreign-funding share is a fraction of all its projects' funding. Read in part (a
first scan stopped by ``--limit`` or killed, then resumed), the share is that of the projects
read so far: Physics is 100% foreign after its first project and 14% once all are read. A
finding raised on the partial figure is a case, an alert and a tag a clean run never produces.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kvrules import Evaluator, load_rulebook
from kvrules.enrich import Enricher
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.store import Store
from tests.conftest import rule_yaml

# Physics: 100 + 48 of 1,048 EUR from abroad (14%, under the 25% cap), but 100% after the first
# record. Chemistry: 500 of 1,000 (50%): flagged however the portfolio is read.
PROJECTS = [
    ("A1", "Physics", "CN", 100),
    ("A2", "Physics", "NL", 900),
    ("A3", "Physics", "US", 48),
    ("C1", "Chemistry", "CN", 500),
    ("C2", "Chemistry", "NL", 500),
]


def _line(record: str, unit: str, country: str, amount: int) -> str:
    funder = {"name": f"Fund {country}", "country": country, "amount": amount, "currency": "EUR"}
    return json.dumps(
        {
            "id": f"{record}:v1",
            "kind": "project.created",
            "occurred_at": "2026-01-01T00:00:00Z",
            "source": {"system": "file", "record_id": record},
            "project": {"id": record, "title": record, "units": [unit], "funders": [funder]},
        }
    )


@pytest.fixture
def scanner_for(tmp_path: Path, write_rulebook):  # yields a factory
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "projects.jsonl").write_text("\n".join(_line(*p) for p in PROJECTS) + "\n")
    book = load_rulebook(
        write_rulebook(
            rule_yaml("cap", "project.foreign_funding_share > 0.25", on="project.created")
        )
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports, page_size=1))  # a cursor per record
    with Evaluator([book]) as evaluator:

        def make(store: Store) -> Scanner:
            return Scanner(store, "file", adapter, evaluator, Enricher(None, []), home_country="NL")

        yield make


def cases(store: Store) -> list[str]:
    return sorted(c.record_id for c in store.cases())


def test_a_clean_run_flags_only_the_unit_above_the_cap(tmp_path: Path, scanner_for) -> None:
    with Store.open(tmp_path / "clean.db") as store:
        scanner_for(store).scan()
        assert cases(store) == ["C1"]


def test_a_partial_then_resumed_read_raises_no_finding_from_a_partial_share(
    tmp_path: Path, scanner_for
) -> None:
    with Store.open(tmp_path / "resumed.db") as store:
        scanner = scanner_for(store)
        partial = scanner.scan(limit=1)  # stopped early, as a killed scan would be
        assert partial.records == 1 and partial.findings == 0 and cases(store) == []
        # Goes on from the cursor (A3, from abroad, is read while only A1 is known) and completes
        # the read.
        resumed = scanner_for(store).scan()
        assert resumed.records < len(PROJECTS)  # it did resume, not start over
        assert cases(store) == ["C1"]  # as the clean run: Physics (14%) is not flagged
        assert scanner_for(store).scan(full=True).findings == 0
        (finding,) = store.case_findings(store.cases()[0].id)
        assert finding.finding.evidence[0].actual == 0.5


class CountingEnricher(Enricher):
    """The real enricher, counting the events it screens."""

    screened = 0

    def enrich(self, event):  # what both a scan and a re-screen call
        CountingEnricher.screened += 1
        return super().enrich(event)


def test_settling_the_shares_evaluates_changed_projects_without_screening_them_again(
    tmp_path: Path, write_rulebook
) -> None:
    """Issue #20 (3): once a first read ends, the projects whose unit's share changed are
    evaluated with the final share; their screening (lists, areas) is what this scan stored,
    so nothing is screened twice."""
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "projects.jsonl").write_text("\n".join(_line(*p) for p in PROJECTS) + "\n")
    book = load_rulebook(
        write_rulebook(
            rule_yaml("cap", "project.foreign_funding_share > 0.25", on="project.created")
        )
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    CountingEnricher.screened = 0
    with Evaluator([book]) as evaluator, Store.open(tmp_path / "state.db") as store:
        enricher = CountingEnricher(None, [])
        report = Scanner(store, "file", adapter, evaluator, enricher, home_country="NL").scan()
        assert cases(store) == ["C1"]
    assert report.events == len(PROJECTS)
    assert CountingEnricher.screened == len(PROJECTS)  # each record screened once
    assert (report.rescreened, report.reevaluated_for_shares) == (
        0,
        3,
    )  # A1, A3 and C1 have a funder from abroad: their share moved
