"""A change of ``rulebook_vars`` re-screens the stored records, and ``scan --full`` evaluates
every record it reads.

A reviewer added ``watch_countries: {add: [CN]}`` for an own rulebook (and
``designation_lists: {add: [uni2_watch]}`` for nl-leidraad): the next scan, and ``scan
--full``, re-screened nothing and found nothing new, while a fresh database with the same
configuration found the partners: the digest deciding re-screening read the rulebook files
only, not the values the configuration puts in them."""

from __future__ import annotations

from pathlib import Path

from tests.scan_helpers import file_export_config, json_report, project_event, scanned

OWN = """\
rulebook: uni2-own
version: "2026.1"
title: own rules
jurisdiction: NL
applies_to: everywhere
vars:
  watch_countries: [KP]
sources: [{id: board, cite: "Board decision 2026-14"}]
rules:
  - id: partner-in-watch-country
    title: A partner from a country under review
    on: [project.created, project.updated]
    when:
      any p in project.partners: p.country in vars.watch_countries
    severity: low
    risks: [interference]
    rationale: Under review.
    cite: board
"""


def _project(record: str, partner: str, country: str) -> dict:
    return project_event(record, partners=[{"name": partner, "country": country}])


def _site(tmp_path: Path) -> Path:
    """A file export of two projects (a partner in CN, one in NL) and the own rulebook alone."""
    books = tmp_path / "site"
    books.mkdir()
    (books / "own.yaml").write_text(OWN, encoding="utf-8")
    config = file_export_config(
        tmp_path,
        _project("P1", "Example Institute of Optics", "CN"),
        _project("P2", "Example Dutch College", "NL"),
        home="NL",
    )
    with config.open("a", encoding="utf-8") as out:
        out.write(f"rulebooks: [{books}]\n")
    return config


def test_a_changed_rulebook_var_re_screens_the_stored_records(tmp_path: Path) -> None:
    config = _site(tmp_path)
    first = json_report(scanned(config, "--json"))
    assert first["findings"] == 0  # KP only: neither partner
    with config.open("a", encoding="utf-8") as out:
        out.write("rulebook_vars: {uni2-own: {watch_countries: {add: [CN]}}}\n")
    again = json_report(scanned(config, "--json"))
    assert again["rescreened"] == 2  # the rules in force changed: every stored record
    assert again["findings"] == 1 and again["by_severity"]["low"] == 1  # P1's partner in CN
    # and nothing new the next time
    assert json_report(scanned(config, "--json"))["findings"] == 0


def test_a_full_scan_evaluates_every_record_it_reads(tmp_path: Path) -> None:
    config = _site(tmp_path)
    scanned(config, "--json")
    full = json_report(scanned(config, "--full", "--json"))
    # read and evaluated again, not skipped as unchanged; the same findings are not new
    assert full["records"] == 2 and full["unchanged"] == 0 and full["events"] == 2
    assert full["findings"] == 0
    incremental = json_report(scanned(config, "--json"))
    assert incremental["events"] == 0  # an incremental scan still skips what did not change
