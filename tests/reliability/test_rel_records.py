"""Typed or quarantined (issue #14, item 9) in `kvrules evaluate`: a field of the wrong type
skips its line with the field path; it is never read as "missing"."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.reliability.test_rel_hostile import event, findings_by_event, write_jsonl


def test_a_country_of_the_wrong_type_is_reported_not_read_as_missing(tmp_path: Path) -> None:
    wrong = event(1, "Harbin Institute of Technology", country=5)  # type: ignore[arg-type]
    records = write_jsonl(
        tmp_path / "typed.jsonl",
        [
            json.dumps(wrong).encode(),
            json.dumps(event(2, "Harbin Institute of Technology")).encode(),
        ],
    )
    result = CliRunner().invoke(cli, ["evaluate", "--json", str(records)])
    assert result.exit_code == 2, result.output
    assert f"{records}:1: project.partners.0.country: Value error, expected an ISO 3166-1" in (
        result.stderr
    )
    assert set(findings_by_event(result.stdout)) == {"e2"}
