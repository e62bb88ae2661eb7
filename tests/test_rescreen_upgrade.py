"""The first scan after an upgrade (reviewer's defect, upgrading from 2c1c373): the re-screen
for changed rulebooks never said "Not compared: no threshold for CHF …" (only `scan --full`
did).

A rulebook "upgrade" here is the shipped funding-dependency rulebook run first under an older
version number, then as shipped: the program changes, so every stored record is re-screened
and nothing is read again from the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scan_helpers import file_export_config, json_report, scanned
from tests.test_award_thresholds import AWARDS, SHIPPED

NOW = '"2026.8"'
BEFORE = '"2026.7"'


@pytest.fixture(autouse=True)
def _own_refdata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)


def site_with_older_rulebook(tmp_path: Path) -> tuple[Path, Path]:
    config = file_export_config(tmp_path, *AWARDS, home="NL")
    rulebook = tmp_path / "funding-dependency.yaml"
    text = SHIPPED.read_text(encoding="utf-8")
    assert f"\nversion: {NOW}\n" in text  # the shipped version this test upgrades to
    rulebook.write_text(text.replace(f"\nversion: {NOW}\n", f"\nversion: {BEFORE}\n"))
    with config.open("a", encoding="utf-8") as f:
        f.write(f"rulebooks: [{rulebook}]\n")
    return config, rulebook


def upgrade_rulebook(rulebook: Path) -> None:
    rulebook.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")


def test_the_re_screen_says_the_awards_it_did_not_compare(tmp_path: Path) -> None:
    config, rulebook = site_with_older_rulebook(tmp_path)
    first = json_report(scanned(config, "--json"))
    assert first["awards_not_compared"] == {"GBP": 1, "CHF": 1, "CNY": 1}
    upgrade_rulebook(rulebook)
    report = json_report(scanned(config, "--json"))
    assert report["events"] == 0 and report["rescreened"] == len(AWARDS)  # nothing read again
    assert report["awards_not_compared"] == {"GBP": 1, "CHF": 1, "CNY": 1}
    bumped = rulebook.read_text().replace(f"version: {NOW}", 'version: "2026.9"')
    rulebook.write_text(bumped)
    said = " ".join(scanned(config).stdout.split())
    assert "Not compared: no threshold for " in said, said
    assert all(f"{currency} (1 award)" in said for currency in ("GBP", "CHF", "CNY")), said


def test_a_record_read_and_re_screened_in_one_scan_counts_once(tmp_path: Path) -> None:
    config, rulebook = site_with_older_rulebook(tmp_path)
    scanned(config)
    upgrade_rulebook(rulebook)
    # the export changed meanwhile: the file adapter reads every record again, after the
    # re-screen evaluated them all
    export = tmp_path / "export.jsonl"
    export.write_text(export.read_text().replace('"Project P-CHF"', '"Project P-CHF, phase 2"'))
    report = json_report(scanned(config, "--json"))
    assert report["rescreened"] == len(AWARDS) and report["events"] == len(AWARDS), report
    assert report["awards_not_compared"] == {"GBP": 1, "CHF": 1, "CNY": 1}
