"""The re-screen after an upgrade names the rulebooks whose version changed (reviewer's
defect, upgrading from 2c1c373: "re-screened 4,501" said nothing of why). The upgrade is made
as in tests/test_rescreen_upgrade.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kvrules.cli.scan import watch_summary
from kvrules.pipeline import ScanReport
from tests.scan_helpers import json_report, scanned
from tests.test_award_thresholds import AWARDS
from tests.test_rescreen_upgrade import BEFORE, NOW, site_with_older_rulebook, upgrade_rulebook


@pytest.fixture(autouse=True)
def _own_refdata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)


def test_the_re_screen_names_the_rulebooks_whose_version_changed(tmp_path: Path) -> None:
    config, rulebook = site_with_older_rulebook(tmp_path)
    scanned(config)
    upgrade_rulebook(rulebook)
    report = json_report(scanned(config, "--json"))
    assert report["rulebooks_changed"] == [f"funding-dependency {BEFORE[1:-1]} → {NOW[1:-1]}"]
    line = watch_summary(ScanReport(**{**_fields(report)}))
    assert f", re-screened {len(AWARDS)}: funding-dependency 2026.7 → 2026.8, " in line


def test_after_an_upgrade_from_a_release_that_kept_no_versions_the_findings_tell(
    tmp_path: Path,
) -> None:
    """kvrules before 0.2.0 remembered no rulebook versions: the stored findings' are used."""
    config, rulebook = site_with_older_rulebook(tmp_path)
    scanned(config)
    with sqlite3.connect(tmp_path / "kvrules.db") as conn:  # as the previous release left it
        conn.execute("DELETE FROM sources WHERE name = 'file#rulebook-versions'")
    conn.close()
    upgrade_rulebook(rulebook)
    report = json_report(scanned(config, "--json"))
    assert report["rulebooks_changed"] == ["funding-dependency 2026.7 → 2026.8"], report


def _fields(report: dict) -> dict:
    """A ScanReport again from its JSON (by_severity and unidentified as the dataclass holds)."""
    fields = {k: v for k, v in report.items() if k in ScanReport.__dataclass_fields__}
    fields["unidentified"] = {u["name"]: u["country"] for u in report["unidentified"]}
    return fields
