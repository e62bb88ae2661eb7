"""A funder is foreign to the institution, not "outside the EU": computed once in enrichment.

The reviewer's defect: with ``home_country: US``, a US university's own National Science
Foundation award was flagged "Large award … from a funder outside the EU", because the EU's
member states were written into the funding-dependency rule. Foreign means what the funding
share already means: outside the home country and, for an EU member, outside the EU.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.engine import load_rulebooks
from kvrules.engine.evaluator import Evaluator
from kvrules.enrich import Enricher
from kvrules.model import CollaborationEvent
from kvrules.rulebook.discovery import shipped_rulebooks

NSF = {"name": "National Science Foundation", "country": "US", "amount": 1500000, "currency": "USD"}
DFG = {"name": "Deutsche Forschungsgemeinschaft", "country": "DE", "amount": 2000000, "currency": "EUR"}  # fmt: skip
NSERC = {"name": "Natural Sciences and Engineering Research Council of Canada", "country": "CA", "amount": 1200000, "currency": "USD"}  # fmt: skip


def _event(*funders: dict) -> CollaborationEvent:
    return CollaborationEvent.model_validate(
        {
            "id": "e1",
            "kind": "project.created",
            "occurred_at": "2026-12-01T00:00:00Z",
            "source": {"system": "test", "record_id": "p1"},
            "project": {"id": "p1", "title": "Grid-scale storage", "funders": list(funders)},
        }
    )


def _foreign(home: str | None, funder: dict) -> bool | None:
    event = _event(funder)
    Enricher(None, [], home_country=home).enrich(event)
    assert event.project is not None
    return event.project.funders[0].foreign


@pytest.mark.parametrize(
    ("home", "funder", "foreign"),
    [
        ("US", NSF, False),
        ("US", NSERC, True),
        ("US", DFG, True),
        ("CA", NSERC, False),
        ("CA", NSF, True),
        ("CA", DFG, True),
        ("NL", NSF, True),
        ("NL", DFG, False),  # an EU member: EU funding is not foreign
        ("NL", NSERC, True),
        (None, NSF, None),  # no home country: not guessed
        ("US", {"name": "Example Trust", "amount": 2000000, "currency": "USD"}, None),
    ],
)
def test_a_funder_is_foreign_when_outside_the_home_country_and_for_an_eu_member_the_eu(
    home, funder, foreign
):
    assert _foreign(home, funder) is foreign


def test_a_funder_that_names_a_person_is_not_called_foreign_by_their_country():
    person = {"name": "private individual", "country": "CN", "amount": 2000000, "currency": "USD"}
    assert _foreign("US", person) is None


def _large_foreign(home: str, *funders: dict) -> bool:
    books, problems = load_rulebooks([shipped_rulebooks() / "funding-dependency.yaml"])
    assert not problems
    event = _event(*funders)
    Enricher(None, [], home_country=home).enrich(event)
    with Evaluator(books) as evaluator:
        return "large-foreign-funding" in {f.rule_id for f in evaluator.evaluate(event)}


@pytest.mark.parametrize(
    ("home", "funders", "flagged"),
    [
        ("US", (NSF,), False),
        ("US", (DFG,), True),
        ("CA", (NSF,), True),
        ("CA", (NSERC,), False),
        ("NL", (NSF,), True),
        ("NL", (DFG,), False),
        ("DE", (DFG,), False),
    ],
)
def test_large_foreign_funding_reads_the_home_country(home, funders, flagged):
    assert _large_foreign(home, *funders) is flagged


def test_kvrules_check_of_a_us_universitys_nsf_grant_is_not_foreign_funding(tmp_path: Path):
    """The reviewer's nsf.yaml, with home_country US, and the same proposal for a Dutch one."""
    proposal = tmp_path / "nsf.yaml"
    proposal.write_text(
        "title: Grid-scale storage\n"
        "topic: electrochemistry of sodium-ion cells\n"
        "partners:\n  - {name: Ohio State University, country: US}\n"
        "funders:\n"
        "  - {name: National Science Foundation, country: US, amount: 1500000, currency: USD}\n"
    )

    def rules(home: str) -> set[str]:
        config = tmp_path / f"{home}.yaml"
        config.write_text(f"home_country: {home}\ndatabase: kvrules.db\n")
        args = ["check", str(proposal), "--json", "--config", str(config)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return {f["rule_id"] for f in json.loads(result.stdout)["findings"]}

    assert "large-foreign-funding" not in rules("US")
    assert "large-foreign-funding" in rules("NL")


def test_the_evidence_says_foreign_in_words():
    from kvrules.plain import evidence_sentence

    said = evidence_sentence("project.funders[0].foreign", "== true", True, "NSF (US)")
    assert said.startswith("funder NSF (US) is a foreign funder (foreign: outside the home")
