"""A JSON-lines export with bad lines among good ones, scanned end to end (the file source,
the quarantine, the findings): each bad record is quarantined with its id (else FILE:LINE),
the file's line, the field and the reason; every good record is screened.

Checked this session (the last one asked whether a bad line quarantined its record whole):
it does, on purpose — a record screened without one of its lines (a partner) would read "not
found" for what was never read; the record's good lines wait with it until the file is fixed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.test_watch import _config


def _event(record_id: str, kind: str = "project.created", **project: object) -> str:
    return json.dumps(
        {
            "id": f"{record_id}:{kind}",
            "kind": kind,
            "occurred_at": "2026-01-01T00:00:00Z",
            "source": {"system": "file", "record_id": record_id},
            "project": {"id": record_id, "title": record_id, **project},
        }
    )


def _invoke(*args: str) -> list[dict]:
    res = CliRunner().invoke(cli, [*args, "--json"])
    assert res.exit_code in (0, 1), res.output
    return [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]


def test_bad_lines_quarantine_their_records_by_id_line_field_and_reason(tmp_path: Path) -> None:
    config, _ = _config(tmp_path)
    export = tmp_path / "exports" / "projects.jsonl"
    lines = [
        _event("P1"),  # 1: good
        _event("P2", partners=[{"name": "Beta", "country": 12}]),  # 2: one field bad
        '{"id": "broken',  # 3: no JSON: its record cannot be read
        _event("P3"),  # 4: good
        _event("P5"),  # 5: good, but P5's next line is not
        _event("P5", "project.updated", partners=[{"name": "Gamma", "country": "ZZ"}]),  # 6
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    CliRunner().invoke(cli, ["scan", "--config", str(config)])
    held = {q["record"]: q["reason"] for q in _invoke("quarantine", "--config", str(config))}
    assert set(held) == {"P2", "projects.jsonl:3", "P5"}, held
    assert held["P2"] == (
        f"{export}:2: project.partners.0.country: expected an ISO 3166-1 country code, got int"
    )
    assert held["projects.jsonl:3"] == (
        "Invalid JSON: EOF while parsing a string at character 14 of the line"  # not "line 1"
    )
    assert held["P5"].startswith(f"{export}:6: project.partners.0.country: "), held["P5"]
    found = _invoke("findings", "--config", str(config), "--status", "all")
    assert {f["record"] for f in found} == {"file:P1", "file:P3"}  # every good record
