"""A record read again, unchanged in what it holds now, changes none of its findings.

Reviewer, 2026-12-07 (a committee's week on main, r1): after a second ``partner.added``, a
``kvrules scan --full`` with nothing changed reported "findings updated in place 8", and the
case history said four times "no longer names Example Institute of Applied Physics" and four
times "named again", at every full read and every scan where the export changed for any
record. A read evaluates every event of the record: each earlier event's finding was compared
in place with the stored finding of the record as it is now (``superseded_dropped``).

Real parts: a file export read by the file adapter, CLI scans with the shipped rulebooks and
reference lists (Beihang University and Harbin Institute of Technology are on the shipped DoD
Section 1286 list), the SQLite store."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from tests.scan_helpers import file_export_config, json_report, project_event, scanned
from tests.test_added_organisation_named import BEIHANG, DELFT, HARBIN, _event


def test_a_full_read_and_a_changed_export_change_no_finding_of_a_record_as_it_was(
    tmp_path: Path,
) -> None:
    events = [
        _event(1, "project.created", [DELFT], []),
        _event(2, "partner.added", [DELFT, BEIHANG], [], partner=BEIHANG),
    ]
    config = file_export_config(tmp_path, *events, home="NL", reference_data=False)
    scanned(config)
    events.append(_event(3, "partner.added", [DELFT, BEIHANG, HARBIN], [], partner=HARBIN))
    file_export_config(tmp_path, *events, home="NL", reference_data=False)
    added = json_report(scanned(config, "--json"))
    assert added["findings_changed"] > 0  # Harbin named by the rules on the partner list
    with Store.open(tmp_path / "kvrules.db") as store:
        history = {s.id: s.changes for s in store.case_findings(1)}
    full = json_report(scanned(config, "--full", "--json"))
    assert (full["findings"], full["findings_changed"]) == (0, 0)
    # another record in the export: the file changed, this record did not
    file_export_config(
        tmp_path,
        *events,
        project_event("P2", title="Medieval poetry"),
        home="NL",
        reference_data=False,
    )
    other = json_report(scanned(config, "--json"))
    assert (other["findings"], other["findings_changed"]) == (0, 0)
    with Store.open(tmp_path / "kvrules.db") as store:
        assert {s.id: s.changes for s in store.case_findings(1)} == history
