"""Pre-screening says which awards no threshold compared, in the sentence ``scan`` and
``evaluate`` print (``kvrules.thresholds.NotCompared``): reviewer, 2026-12-07, a GBP award
was compared with nothing in ``kvrules check`` and nothing said so."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.report import md_text

# the rules by their titles: ids are for technical views (reviewer, 2026-12-07)
GBP = "Not compared: no threshold for GBP (1 award) in “Large award (>= EUR 1,000,000 or USD 1,100,000) from a foreign funder”"
PROPOSAL = {
    "topic": "medieval manuscripts",
    "funders": [
        {"name": "Wellcome Trust", "country": "GB", "amount": 3000000, "currency": "GBP"},
        {"name": "Dutch Research Council", "country": "NL", "amount": 250000, "currency": "EUR"},
    ],
}


def _run(tmp_path: Path, *args: str) -> str:
    proposal = tmp_path / "proposal.json"
    proposal.write_text(json.dumps(PROPOSAL), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(proposal), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _evaluated(tmp_path: Path) -> str:
    """What ``kvrules evaluate`` says of the same funders: the sentence to repeat."""
    records = tmp_path / "records.jsonl"
    funders = [{**f, "identifiers": []} for f in PROPOSAL["funders"]]
    event = {
        "id": "e1", "kind": "project.created", "occurred_at": "2026-12-07T09:00:00Z",
        "source": {"system": "test", "record_id": "P1"},
        "project": {"id": "P1", "title": "t", "funders": funders},
    }  # fmt: skip
    records.write_text(json.dumps(event) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(records)])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Not compared")]
    return line


def test_check_says_the_awards_no_threshold_compared_as_evaluate_does(tmp_path: Path):
    sentence = _evaluated(tmp_path)
    assert sentence.startswith(GBP), sentence
    answer = json.loads(_run(tmp_path, "--json"))
    assert answer["not_compared"] == sentence
    assert answer["in_words"]["not_compared"] == [sentence]
    assert f"\n{sentence}\n" in _run(tmp_path)
    md = tmp_path / "prescreen.md"
    _run(tmp_path, "--output", str(md))
    assert md_text(sentence) in md.read_text(encoding="utf-8")


def test_awards_every_rule_compares_need_no_such_sentence(tmp_path: Path):
    proposal = tmp_path / "eur.yaml"
    proposal.write_text(
        "funders:\n  - {name: Dutch Research Council, country: NL, amount: 5, currency: EUR}\n"
    )
    result = CliRunner().invoke(cli, ["check", str(proposal), "--json"])
    assert json.loads(result.stdout)["not_compared"] is None
