"""An award no threshold compared makes the pre-screen NOT COMPLETE, naming the award and what
to add (reviewer, a grant officer's pre-award screening, 2026-12-07).

Before: a funder ``{name: China Scholarship Council, country: CN, amount: "1.250.000,50"}``
without a currency was AMBER with ``complete: true`` — with ``currency: EUR`` it is RED
("Sizeable award") — and CHF, which no threshold is given for, was AMBER and complete too: the
award was compared with nothing, and only a sentence beside the findings said so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.every_list import store_with_every_list

CSC = 'name: China Scholarship Council, country: CN, amount: "1.250.000,50"'
NO_CURRENCY = (
    "not complete: the award of China Scholarship Council (1,250,000.50) has no currency, so "
    "no threshold compared it — give its currency (an ISO 4217 code such as EUR)"
)
CHF = (
    "not complete: the award of China Scholarship Council (CHF 1,250,000.50) is in CHF, which "
    "no threshold is given for, so it was not compared — compare it with the thresholds by "
    "hand, or have a CHF threshold set (rulebook_vars in kvrules.yaml)"
)


@pytest.fixture(scope="module")
def every_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with an edition of every list the rules read: no other cause of NOT COMPLETE."""
    return store_with_every_list(tmp_path_factory.mktemp("refdata") / "every.db")


def _check(tmp_path: Path, every_list: Path, funder: str) -> dict:
    proposal = tmp_path / "proposal.yaml"
    proposal.write_text(f"funders:\n  - {{{funder}}}\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", str(proposal), "--json", "--refdata", str(every_list)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["triage"]


def test_an_award_in_a_compared_currency_is_complete(tmp_path: Path, every_list: Path) -> None:
    triage = _check(tmp_path, every_list, f"{CSC}, currency: EUR")
    assert (triage["headline"], triage["complete"]) == ("RED", True)
    assert triage["reason"].startswith("Sizeable award")


def test_an_award_without_a_currency_is_not_complete_and_says_what_to_add(
    tmp_path: Path, every_list: Path
) -> None:
    triage = _check(tmp_path, every_list, CSC)
    assert (triage["headline"], triage["complete"]) == ("AMBER, NOT COMPLETE", False)
    assert triage["reason"].endswith(f"; {NO_CURRENCY}"), triage["reason"]


def test_an_award_in_a_currency_with_no_threshold_is_not_complete(
    tmp_path: Path, every_list: Path
) -> None:
    triage = _check(tmp_path, every_list, f"{CSC}, currency: CHF")
    assert (triage["headline"], triage["complete"]) == ("AMBER, NOT COMPLETE", False)
    assert triage["reason"].endswith(f"; {CHF}"), triage["reason"]


def test_no_finding_and_an_award_compared_with_nothing_is_never_green(
    tmp_path: Path, every_list: Path
) -> None:
    triage = _check(
        tmp_path, every_list, "name: Dutch Research Council, country: NL, amount: 300000"
    )
    assert (triage["headline"], triage["colour"], triage["complete"]) == (
        "NOT COMPLETE", "green", False,
    )  # fmt: skip
    assert triage["reason"].startswith(
        "not complete: the award of Dutch Research Council (300,000) has no currency"
    ), triage["reason"]
    # with its currency the same award is compared, and the answer a plain GREEN
    triage = _check(
        tmp_path,
        every_list,
        "name: Dutch Research Council, country: NL, amount: 300000, currency: EUR",
    )
    assert (triage["headline"], triage["complete"]) == ("GREEN", True)
