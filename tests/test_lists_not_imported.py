"""The shipped rules read list ids from their `vars`; until a list is imported they screen
against nothing for it. `config check` warns of each such list with the command that imports
it, and a scan (or a watch, at its first scan) says so in one warning line on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.scan_helpers import file_export_config, scanned

FIXTURES = Path(__file__).parent / "refdata" / "fixtures"
# The shipped rulebooks' lists, less the DoD 1286 list (a partial edition ships) — in the
# order the rules first read them.
MISSING = (
    "the active rules read 4 list(s) with no edition imported, so nothing is screened against "
    "them yet: ca_nro (`kvrules refdata update ca_nro`), us_csl (`kvrules refdata update "
    "us_csl`), uk_sanctions (`kvrules refdata update uk_sanctions`), aspi_cdut (`kvrules "
    "refdata import aspi FILE --edition EDITION`)"
)


def _config(tmp_path: Path) -> Path:
    """The shipped rulebooks (none named) on a file export of one project."""
    event = {
        "id": "P1:v1",
        "kind": "project.created",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {"id": "P1", "title": "Battery materials"},
    }
    # the reference store: this test's own, seeded with the shipped lists ($KVRULES_REFDATA)
    return file_export_config(tmp_path, event, reference_data=False)


def _warned(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "no edition imported" in line]


def test_config_check_names_each_list_not_imported_with_its_command(tmp_path: Path) -> None:
    config = _config(tmp_path)
    before = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert before.exit_code == 0, before.output  # a warning, not an error
    assert _warned(before.stderr) == [f"{config}: warning: reference_data: {MISSING}"]

    uk = str(FIXTURES / "uk_sanctions.xml")
    imported = CliRunner().invoke(cli, ["refdata", "import", "uk_sanctions", uk, "--edition", "x"])
    assert imported.exit_code == 0, imported.output
    after = CliRunner().invoke(cli, ["config", "check", str(config)])
    [line] = _warned(after.stderr)
    assert "3 list(s)" in line and "uk_sanctions" not in line and "ca_nro" in line


def test_a_scan_and_a_watch_say_it_once_at_their_start(tmp_path: Path) -> None:
    config = _config(tmp_path)
    scan = scanned(config, "--json")
    assert _warned(scan.stderr) == [f"warning: {MISSING}"]
    json.loads(scan.stdout)  # stdout stays the report alone

    watched = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", "2", "--interval", "1s"]
    )
    assert watched.exit_code == 0, watched.output
    assert _warned(watched.stderr) == [f"warning: {MISSING}"]  # the first scan only
