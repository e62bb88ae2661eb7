"""Threshold titles from the thresholds in effect, and "$" only where it is unambiguous.

The reviewer's defect (a Canadian site): with ``sizeable_award: {add: {CAD: 375000}}`` the
rule's title still read "Sizeable award (>= EUR 250,000 or USD 275,000)" while it compared CAD
375,000; a USD award was printed "$2,000,000", where "$" is the Canadian dollar.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli

AWARDS = {
    "title": "t",
    "topic": "battery chemistry",
    "partners": ["University of Toronto (CA)"],
    "funders": [
        {"name": "National Natural Science Foundation of China", "country": "CN", "amount": 400000, "currency": "CAD"},
        {"name": "National Science Foundation", "country": "US", "amount": 2000000, "currency": "USD"},
    ],
}  # fmt: skip


def _check(tmp_path: Path, config_text: str, *args: str) -> str:
    config = tmp_path / "kvrules.yaml"
    config.write_text(config_text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", *args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_threshold_title_names_the_thresholds_in_effect(tmp_path: Path):
    proposal = tmp_path / "p.yaml"
    proposal.write_text(json.dumps(AWARDS), encoding="utf-8")
    said = _check(
        tmp_path,
        "home_country: CA\ndatabase: kvrules.db\nrulebook_vars:\n  funding-dependency:\n"
        "    sizeable_award: {add: {CAD: 375000}}\n",
        str(proposal),
    )
    assert "Sizeable award (>= EUR 250,000, USD 275,000 or CAD 375,000) from a funder" in said
    assert "Sizeable award (>= EUR 250,000 or USD 275,000)" not in said
    # a US dollar amount on a Canadian site: the ISO code, never "$"
    assert "gives USD 2,000,000, at or above the USD 1,100,000 threshold" in said
    assert "$" not in said


def test_the_shipped_titles_read_as_before_and_dollars_stay_for_a_dutch_site(tmp_path: Path):
    proposal = tmp_path / "p.yaml"
    proposal.write_text(json.dumps(AWARDS), encoding="utf-8")
    said = _check(tmp_path, "home_country: NL\ndatabase: kvrules.db\n", str(proposal))
    assert "Large award (>= EUR 1,000,000 or USD 1,100,000) from a foreign funder" in said
    assert "gives $2,000,000, at or above the $1,100,000 threshold" in said


def test_a_title_with_an_unknown_var_is_said():
    from kvrules.rulebook.loader import _title_with_vars

    assert _title_with_vars("x (>= {vars.cap})", {"cap": 0.25}) == ("x (>= 0.25)", [])
    assert _title_with_vars("x {vars.nope}", {}) == ("x {vars.nope}", ["nope"])
    three = {"EUR": 250000, "USD": 275000, "CAD": 375000}
    assert (
        _title_with_vars("{vars.a}", {"a": three})[0] == "EUR 250,000, USD 275,000 or CAD 375,000"
    )
