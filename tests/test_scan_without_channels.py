"""A scan with no alert channel for its findings says so. README review, 2026-12-07: a scan
set up by environment variables alone (no configuration file) stored 43 high findings in 120
cases with "alerts queued 0" and not a word that nobody would be alerted; only `config check`
said it, and it needs a configuration file."""

from __future__ import annotations

from pathlib import Path

from tests.scan_helpers import file_export_config, json_report, project_event, scanned


def _listed(record_id: str) -> dict:
    return project_event(
        record_id,
        keywords=["hypersonic", "scramjet"],
        partners=[{"name": "Beihang University", "country": "CN"}],
    )


def test_findings_that_alert_nobody_are_said(tmp_path: Path) -> None:
    config = file_export_config(tmp_path, _listed("p1"), _listed("p2"), home="NL")
    result = scanned(config)
    said = " ".join(result.stderr.split())
    assert "new findings alerted nobody: no alert channel is configured for adviser (" in said
    assert "committee (" in said
    assert "set `alerts:` in the configuration" in said
    report = json_report(
        scanned(config, "--json", "--full")
    )  # known now: nothing new, nothing said
    assert report["unalerted"] == {}


def test_json_counts_them_by_target(tmp_path: Path) -> None:
    config = file_export_config(tmp_path, _listed("p1"), home="NL")
    report = json_report(scanned(config, "--json"))
    assert report["findings"] > 0 and report["alerts_queued"] == 0
    assert sum(report["unalerted"].values()) >= report["findings"]
