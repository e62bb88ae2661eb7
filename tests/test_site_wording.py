"""One wording everywhere a site reads findings: `check`, `show`, `report`, the case page.

The reviewer's defects (a Canadian and a UK site): `show` and report.md said "Dutch sensitive
research cluster" on a non-Dutch site while `check` said "sensitive technology cluster"; an
institution's own taxonomy was said by its id ("uk-nsia 'synthetic biology'"), not its title.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.scan_helpers import file_export_config, scanned

HYPERSONIC = {
    "id": "e1",
    "kind": "project.created",
    "occurred_at": "2026-12-01T00:00:00Z",
    "source": {"system": "file", "record_id": "p1"},
    "project": {
        "id": "p1",
        "title": "Hypersonic flow and synthetic biology",
        "keywords": ["hypersonic propulsion", "synthetic biology"],
        "partners": [{"name": "Beihang University", "country": "CN"}],
    },
}


@pytest.mark.parametrize("home", ["CA", "GB"])
def test_show_and_report_say_areas_as_check_does(tmp_path: Path, home: str):
    nsia = tmp_path / "nsia.yaml"
    nsia.write_text(
        "taxonomy: uk-nsia\ntitle: UK NSIA sensitive areas\nsource: {cite: 'NSI Act 2021'}\n"
        "areas:\n  - {id: synthetic-biology, label: Synthetic Biology, keywords: [synthetic biology]}\n",
        encoding="utf-8",
    )
    config = file_export_config(tmp_path, HYPERSONIC, home=home)
    config.write_text(config.read_text() + f"area_taxonomies: [{nsia}]\n", encoding="utf-8")
    scanned(config)
    runner = CliRunner()
    shown = runner.invoke(cli, ["show", "case:1", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    out = tmp_path / "r.md"
    reported = runner.invoke(cli, ["report", "--config", str(config), "--out", str(out)])
    assert reported.exit_code == 0, reported.output
    for said in (" ".join(shown.output.split()), out.read_text(encoding="utf-8")):
        assert "sensitive technology cluster 'hypersonic propulsion'" in said
        assert "Dutch" not in said.replace("Dutch government guidance", "")
        assert "UK NSIA sensitive areas 'synthetic biology'" in said
        assert "uk-nsia 'synthetic biology'" not in said
