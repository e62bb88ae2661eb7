"""A `file` source's `ris_url` links its records whatever system they carry. Committee review,
2026-12-07: records exported from a RIS carry its system ("ris", "pure": the README's own
`examples/events.jsonl` says "pure"), while patterns were looked up by the adapter's name
("file"): `config check` promised links that `show`, the case page and mails never gave."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.scan_helpers import file_export_config, project_event, scanned


def test_a_file_sources_records_of_another_system_are_linked(tmp_path: Path) -> None:
    event = project_event(
        "kv-1", title="Hypersonic flow", partners=[{"name": "Beihang University", "country": "CN"}]
    )
    event["source"]["system"] = "ris"
    config = file_export_config(tmp_path, event, home="NL")
    text = config.read_text(encoding="utf-8").replace(
        "adapter: file,", "adapter: file, ris_url: 'https://ris.example.edu/projects/{id}',"
    )
    config.write_text(text, encoding="utf-8")
    scanned(config)
    shown = CliRunner().invoke(cli, ["show", "case:1", "--json", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert "https://ris.example.edu/projects/kv-1" in shown.output  # before: url null
    assert json.loads(shown.stdout)  # one JSON document


def test_with_several_patterns_each_keeps_to_its_own_adapter() -> None:
    from kvrules.config import Config
    from kvrules.settings import ANY_SYSTEM, record_links

    config = Config.model_validate(
        {
            "sources": {
                "a": {"adapter": "pure", "ris_url": "https://pure.example.edu/{id}"},
                "b": {"adapter": "converis", "ris_url": "https://converis.example.edu/{id}"},
            }
        }
    )
    assert ANY_SYSTEM not in record_links(config)
