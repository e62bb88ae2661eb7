"""An institution's own list: the generic CSV format as docs/reference-data.md documents it,
imported from the example file, screened with, and read by the shipped triage."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.refdata import Store
from kvrules.refdata.importers.generic import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "own-list.csv"
DOC = (ROOT / "docs" / "reference-data.md").read_text(encoding="utf-8")
PROVENANCE = (
    "--list-id uni2_watch --edition 2026-11 --title 'University Two watch list' "
    "--publisher 'University Two research security office' --licence 'internal use only' "
    "--list-kind designation"
)


def _section() -> str:
    """The documentation of the generic CSV format."""
    start = DOC.index("## Your own lists: the generic CSV format")
    return DOC[start : DOC.index("\n## ", start + 1)]


def test_every_column_the_importer_reads_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", _section(), re.M))
    assert set(COLUMNS) <= documented, set(COLUMNS) - documented


def test_the_documented_command_imports_the_example_with_its_provenance(tmp_path) -> None:
    assert f"kvrules refdata import csv examples/own-list.csv {PROVENANCE}" in " ".join(
        _section().split()
    ).replace(" \\ ", " ")
    store_path = tmp_path / "refdata.db"
    args = ["refdata", "import", "csv", str(EXAMPLE), "--refdata", str(store_path)]
    result = CliRunner().invoke(cli, args + shlex.split(PROVENANCE))
    assert result.exit_code == 0, result.output
    assert "imported 3 entries into uni2_watch edition 2026-11" in result.output
    with Store(store_path) as store:
        info = store.latest("uni2_watch")
        assert (info.kind, info.title, info.licence) == (
            "designation",
            "University Two watch list",
            "internal use only",
        )
        photonics, academy, programme = store.entries("uni2_watch")
    # multi-valued cells split at ";", extra columns kept as the entry's attributes
    assert photonics.aliases == ["Northern Lights Photonics Institute", "NL Photonics Institute"]
    assert photonics.affiliates == ["Laser Weapons Laboratory"]
    assert photonics.identifiers == {"wikidata": "Q0000001"}
    assert photonics.attributes["risk_level"] == "high"
    assert set(photonics.attributes) == {"risk_level", "reason", "listed_on"}
    assert academy.country == "RU" and programme.entity_type == "programme"

    # Added to the triage's designation lists, a partner on it is the partner factor: RED
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "rulebook_vars:\n  nl-leidraad:\n    designation_lists: {add: [uni2_watch]}\n"
    )
    partner = {"name": "Northern Lights Institute of Photonics", "country": "CN"}
    event = {
        "id": "e1",
        "kind": "project.created",
        "source": {"system": "x", "record_id": "r1"},
        "occurred_at": "2026-11-01T10:00:00Z",
        "project": {
            "id": "p",
            "title": "Quantum key distribution over free-space optical links",
            "keywords": ["quantum cryptography"],
            "partners": [partner],
        },
    }
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(event) + "\n")
    rulebook = ROOT / "rulebooks" / "nl-leidraad.yaml"
    args = ["--config", str(config), "--refdata", str(store_path), "--rulebook", str(rulebook)]
    result = CliRunner().invoke(cli, ["evaluate", "--json", *args, str(events)])
    assert result.exit_code == 0, result.output
    fired = {json.loads(line)["rule_id"] for line in result.output.splitlines()}
    assert fired == {"triage-red", "triage-amber"}
