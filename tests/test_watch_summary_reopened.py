"""`kvrules watch`'s line names the decided cases a scan reopened (reviewer, 0.4.0 → 0.5.0:
"… 0 cases opened, 9 alerts …" when the alerts were for 3 decided cases the scan reopened).
The table of `kvrules scan` named them already: the line now says both kinds too."""

from __future__ import annotations

from kvrules.cli.scan import watch_summary
from kvrules.pipeline import ScanReport


def test_the_line_names_cases_reopened_by_findings_and_by_review_dates() -> None:
    report = ScanReport("pure", records=0, alerts_queued=9)
    report.reopened_by_findings_cases = [3, 1, 2]
    assert (
        ", 0 cases opened, 3 cases reopened (finding new or worse 3: cases 3, 1, 2), 9 alerts"
        in (watch_summary(report))
    )
    report.reviews_reopened_cases, report.reviews_reopened = [5], 1
    assert (
        ", 4 cases reopened (finding new or worse 3: cases 3, 1, 2; review date came 1: case 5), "
        in watch_summary(report)
    )


def test_no_reopened_case_says_nothing_of_them() -> None:
    line = watch_summary(ScanReport("pure", records=2, alerts_queued=1))
    assert ", 0 cases opened, 1 alerts" in line and "reopened" not in line
