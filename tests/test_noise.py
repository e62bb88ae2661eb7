"""What reaches people after a scan, measured against the simulator's ground truth."""

from __future__ import annotations

from kvrules.noise import measure
from kvrules.store import Store
from tests.store.store_helpers import make_finding


def test_recall_and_committee_reach_against_what_was_planted(tmp_path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.record_finding(make_finding(record_id="red"), channels=["mail"])
        store.record_finding(make_finding(record_id="noise", alert="adviser"), channels=["mail"])
        store.record_finding(make_finding(record_id="funder", alert="adviser"), channels=["mail"])
        planted = {
            "red": "committee: listed partner in a country of concern, sensitive area",
            "funder": "committee: state funder in a country of concern",
            "lost": "adviser: company funder in a country of concern",
        }
        noise = measure(store, "pure", 60, planted)
    assert (noise.cases, noise.cases_per_1000) == (3, 50.0)
    assert (noise.planted, noise.found, noise.for_committee, noise.to_committee) == (3, 2, 2, 1)
    assert noise.missed == [("lost", "adviser: company funder in a country of concern")]
    assert noise.lines()[:2] == [
        "3 cases for 60 projects: 50 per 1,000 (5.0%)",
        "recall: 2 of 3 projects the generator made risky have a case (0.67); "
        "1 of the 2 meant for the committee reached it",
    ]
