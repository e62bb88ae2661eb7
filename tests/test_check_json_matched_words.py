"""`kvrules check --json` says which words put a finding's research area there: reviewer
(acting as a university export-control officer), 2026-12-07, the JSON evidence read only
``contains "eu-dual-use:cat1"`` where the text, `show --json` and `findings --json` say
"matched words: 'maraging steel'". The real CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kvrules.cli import cli


def _check(topic: str) -> dict:
    result = CliRunner().invoke(
        cli, ["check", "--partner", "Stanford University (US)", "--topic", topic, "--json"]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_a_findings_evidence_names_the_words_that_matched_its_area():
    answer = _check("Maraging steel rotors and frequency hopping radios")
    assert answer["area_words"] == {
        "eu-dual-use:cat1": ["maraging steel"],
        "eu-dual-use:cat5": ["frequency hopping"],
    }
    (finding,) = [f for f in answer["findings"] if f["rule_id"] == "annex-i-partner-outside-eu"]
    # the area its evidence rests on (the rule's first area that holds), with its words, and
    # its evidence as the text says it
    assert finding["area_words"] == {"eu-dual-use:cat1": ["maraging steel"]}
    said = " ".join(finding["evidence_in_words"])
    assert "matched words: 'maraging steel'" in said
