"""A finding's title says the values it was found under, whatever the site's vars say now.

Reviewer: a site raised ``large_award`` (funding-dependency) from EUR 1,000,000 to 5,000,000
after a scan; the finding made for a EUR 1,200,000 award was shown as "Large award (>= EUR
5,000,000 …)" beside its evidence "at or above the €1,000,000 threshold", and its case history
said a title never said then. A title is replaced only when its wording changed and the values
it says are those said then (``kvrules.ruletitles``). Real CLI, real shipped rulebook.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.ruletitles import RuleTitle
from tests.scan_helpers import file_export_config, project_event, scanned

PROJECT = project_event(
    "p-1",
    title="Soil carbon",
    keywords=["soil science"],
    funders=[
        {"name": "Foreign Research Council", "country": "US", "amount": 1200000, "currency": "EUR"}
    ],
)
THEN = "Large award (>= EUR 1,000,000 or USD 1,100,000) from a foreign funder"
RAISED = "Large award (>= EUR 5,000,000 or USD 5,500,000) from a foreign funder"


def test_a_raised_threshold_leaves_the_title_said_then(tmp_path: Path) -> None:
    config = file_export_config(tmp_path, PROJECT, home="NL", reference_data=False)
    scanned(config)
    run = CliRunner()
    before = " ".join(run.invoke(cli, ["show", "1", "--config", str(config)]).output.split())
    assert THEN in before
    with config.open("a", encoding="utf-8") as f:
        f.write(
            "rulebook_vars: {funding-dependency: {large_award: {EUR: 5000000, USD: 5500000}}}\n"
        )
    shown = run.invoke(cli, ["show", "1", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert RAISED not in said
    finding, history = said.split(" History ", 1)
    assert THEN in finding and "at or above the €1,000,000 threshold" in finding
    assert f"found a low signal: {THEN}" in history


WRITTEN = "Large award (>= {vars.large_award}) from a foreign funder"


def test_a_reworded_title_takes_the_new_words_only_with_the_values_said_then() -> None:
    same_values = RuleTitle(
        "Large award (>= EUR 1,000,000 or USD 1,100,000) from a funder abroad",
        "Large award (>= {vars.large_award}) from a funder abroad",
    )
    assert same_values.for_stored(THEN) == same_values.said
    other_values = RuleTitle(
        "Large award (>= EUR 5,000,000 or USD 5,500,000) from a funder abroad",
        "Large award (>= {vars.large_award}) from a funder abroad",
    )
    assert other_values.for_stored(THEN) == THEN
    # the same wording: the stored title, whatever the values now
    assert RuleTitle(RAISED, WRITTEN).for_stored(THEN) == THEN
    # no vars in the title: the title now
    assert RuleTitle("Partner abroad", "Partner abroad").for_stored("Partner outside the EU") == (
        "Partner abroad"
    )
