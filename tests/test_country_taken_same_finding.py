"""A country enrichment takes from a list entry does not make the same finding a new one.

Reviewer, 2026-12-07 (/tmp/rev-code/up2): evidence names a partner "name (country)"; once
enrichment filled in the entry's country, "National University of Defense Technology" became
"… (CN)" and the same rule on the same partner was a second finding with a new alert on a
store scanned before (by 2c1c373, which took no country). Here the same code makes such a
store: the first edition of an own list gives its entry no country, the next gives one.
Invented "Example" names; real parts: the CLI's refdata import, scan, enrichment and store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from tests.scan_helpers import json_report, scanned

RULEBOOK = """\
rulebook: own
version: "1"
title: Own rules
jurisdiction: NL
sources: [{id: board, cite: "Board decision 2026-14"}]
rules:
  - id: partner-on-own-watch
    title: Partner on our watch list
    on: [project.created, project.updated]
    when: 'any p in project.partners: p.lists contains "own_watch"'
    severity: high
    alert: committee
    rationale: The board asked to see these.
    cite: board
"""
PARTNER = "Example Defence Institute"


def _import(tmp_path: Path, edition: str, country: str) -> None:
    edition_file = tmp_path / f"{edition}.csv"
    edition_file.write_text(f"entry_id,name,country\nedi,{PARTNER},{country}\n")
    # into this test's own reference store ($KVRULES_REFDATA, seeded with the shipped lists)
    args = ["refdata", "import", "csv", str(edition_file), "--list-id", "own_watch"]
    result = CliRunner().invoke(cli, [*args, "--edition", edition])
    assert result.exit_code == 0, result.output


def _config(tmp_path: Path) -> Path:
    event = {
        "id": "P1:v1",
        "kind": "project.created",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {"id": "P1", "title": "Materials study", "partners": [{"name": PARTNER}]},
    }
    (tmp_path / "export.jsonl").write_text(json.dumps(event) + "\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "own.yaml").write_text(RULEBOOK)
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"home_country: NL\ndatabase: {tmp_path / 'kvrules.db'}\n"
        f"rulebooks: [{tmp_path / 'site'}]\n"
        f"sources: {{file: {{adapter: file, settings: {{path: {tmp_path / 'export.jsonl'}}}}}}}\n"
        # an alert queued is counted (nothing listens on port 9: its delivery fails, counted)
        "alerts:\n  channels:\n    mail: {plugin: email, settings: {host: 127.0.0.1, port: 9,"
        " security: none, sender: k@localhost, to: [c@localhost]}}\n"
        "  routes: {committee: [mail]}\n"
    )
    return config


def test_a_country_taken_from_the_next_edition_keeps_the_finding_and_alerts_no_one(
    tmp_path: Path,
) -> None:
    _import(tmp_path, "e1", "")  # the entry without a country: nothing to take
    config = _config(tmp_path)
    first = json_report(scanned(config, "--json"))
    assert (first["findings"], first["alerts_queued"]) == (1, 1)

    _import(tmp_path, "e2", "CN")  # now the entry gives one, and the partner takes it
    again = json_report(scanned(config, "--json"))
    assert again["rescreened"] == 1
    assert (again["findings"], again["alerts_queued"]) == (0, 0)
    with Store.open(tmp_path / "kvrules.db") as store:
        [case] = store.cases(None)
        [stored] = store.case_findings(case.id)
        subject = store.subject("file", "P1")
    [evidence] = stored.finding.evidence
    assert evidence.subject == PARTNER  # as the source named it
    partner = subject["project"]["partners"][0]
    assert (partner["country"], partner["country_from"]) == ("CN", "own_watch@e2, entry edi")


def test_an_edition_that_only_moves_an_entry_to_another_country_re_screens(
    tmp_path: Path,
) -> None:
    """Reviewer, 2026-12-07: what tells whether a new edition changes a record's screening
    (``pipeline._screening``) held no entry's country, so an edition moving an entry from BE
    to DE (the same country signals: none) left the stored record with BE, taken from an entry
    that no longer says it."""
    _import(tmp_path, "e1", "BE")
    config = _config(tmp_path)
    assert json_report(scanned(config, "--json"))["findings"] == 1
    _import(tmp_path, "e2", "DE")
    again = json_report(scanned(config, "--json"))
    assert (again["rescreened"], again["findings"], again["alerts_queued"]) == (1, 0, 0)
    with Store.open(tmp_path / "kvrules.db") as store:
        partner = store.subject("file", "P1")["project"]["partners"][0]
    assert (partner["country"], partner["country_from"]) == ("DE", "own_watch@e2, entry edi")
