"""Every kind of condition the rulebook language has reads as a sentence.

Each rule below is evaluated by the real engine on one event; the evidence it leaves is then
said in words from the record as the store remembers it. No sentence may fall back to the
technical form (a field path, an operator, a YYYYMMDD date): that stays one flag away.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvrules import CollaborationEvent, Evaluator
from kvrules.engine import load_rulebook
from kvrules.store.subjects import subject_body
from tests.conftest import HEADER, rule_yaml

HUAWEI = "funder Huawei Technologies (CN)"
EVENT = {
    "id": "e1",
    "kind": "funder.added",
    "occurred_at": "2026-01-01T00:00:00Z",
    "source": {"system": "pure", "record_id": "P1"},
    "project": {
        "id": "P1",
        "title": "Quantum sensing",
        "status": "active",
        "start": "2024-02-01",
        "keywords": ["Hypersonics", "optics"],
        "partners": [{"name": "Sichuan University", "country": "CN"}],
        "funders": [
            {"name": "Huawei Technologies", "country": "CN", "amount": 750000, "currency": "EUR"}
        ],
        "contract": {"type": "consortium", "clauses": ["ip"]},
    },
    "funder": {"name": "Huawei Technologies", "country": "CN", "amount": 750000, "currency": "EUR"},
}

# rule condition -> the sentences its evidence reads as
SAID = {
    # comparisons: numbers (an amount against its threshold, in the funder's currency)
    "funder.amount > 500000": [f"{HUAWEI} gives €750,000, more than the €500,000 threshold"],
    "funder.amount >= 750000": [f"{HUAWEI} gives €750,000, at or above the €750,000 threshold"],
    "funder.amount < 1000000": [f"{HUAWEI} gives €750,000, less than the €1,000,000 threshold"],
    "funder.amount <= 750000": [f"{HUAWEI} gives €750,000, at or below the €750,000 threshold"],
    "not funder.amount > 1000000": [
        f"{HUAWEI} gives €750,000, not more than the €1,000,000 threshold"
    ],
    # … dates
    "project.start >= 2024-01-01": ["the project starts on 2024-02-01, on or after 2024-01-01"],
    "project.start > 2024-01-01": ["the project starts on 2024-02-01, after 2024-01-01"],
    "project.start < 2025-01-01": ["the project starts on 2024-02-01, before 2025-01-01"],
    "project.start <= 2024-02-01": ["the project starts on 2024-02-01, on or before 2024-02-01"],
    "project.start == 2024-02-01": ["the project starts on 2024-02-01, on 2024-02-01"],
    "occurred_at != 2025-01-01": ["the event happened on 2026-01-01, not on 2025-01-01"],
    "not project.start < 2020-01-01": ["the project starts on 2024-02-01, not before 2020-01-01"],
    # … text
    'project.status == "active"': ["the status of the project is 'active'"],
    'project.status != "closed"': ["the status of the project is 'active', not 'closed'"],
    'not project.contract.type == "grant"': [
        "the type of the project's contract is 'consortium', not 'grant'"
    ],
    # membership
    'funder.country in ["CN", "RU"]': [f"the country of {HUAWEI} is 'CN', one of 'CN', 'RU'"],
    'project.status not in ["closed", "ended"]': [
        "the status of the project is 'active', not one of 'closed', 'ended'"
    ],
    # lists of text
    'project.keywords contains "hypersonics"': [
        "the keywords of the project include 'hypersonics'"
    ],
    'project.keywords contains all ["hypersonics", "optics"]': [
        "the keywords of the project include 'hypersonics'",
        "the keywords of the project include 'optics'",
    ],
    'project.contract.clauses not contains "integrity-code"': [
        "the clauses of the project's contract do not include 'integrity-code'"
    ],
    'project.keywords not contains any ["lasers", "drones"]': [
        "the keywords of the project do not include 'lasers'",
        "the keywords of the project do not include 'drones'",
    ],
    'funder.lists not contains "us_dod_1286"': [f"{HUAWEI} is not on the US DoD Section 1286 list"],
    # patterns
    'project.title matches "Quantum.*"': [
        "the title of the project, 'Quantum sensing', matches the rule's pattern"
    ],
    'not project.title matches "Laser.*"': [
        "the title of the project, 'Quantum sensing', does not match the rule's pattern"
    ],
    # presence
    "funder.amount exists": [f"the amount of {HUAWEI} is €750,000"],
    "project.start exists": ["the start date of the project is 2024-02-01"],
    "project.end missing": ["the end date of the project is not recorded"],
    "project.contract.signed_on missing": [
        "the signing date of the project's contract is not recorded"
    ],
    # quantifiers: the element is named; a negated one says what none of them does
    'any f in project.funders: f.amount >= 500000 and f.currency == "EUR"': [
        f"{HUAWEI} gives €750,000, at or above the €500,000 threshold",
        f"the currency of {HUAWEI} is 'EUR'",
    ],
    'not (any p in project.partners: p.country == "NL")': [
        "none of the partners of the project meet the rule's test"
    ],
    'not (all p in project.partners: p.country == "NL")': [
        "not all of the partners of the project meet the rule's test"
    ],
    "not (any p in project.participants: p.role exists)": [
        "the project has no participants recorded"
    ],
}
CODE_LIKE = re.compile(r"project\.|funder\.|\[\d+\]|==|!=|>=|<=|\b\d{8}\b|not \(")


@pytest.fixture(scope="module")
def sentences(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each condition of SAID -> its evidence in words, as the engine explains it."""
    conditions = list(SAID)
    rules = "".join(
        rule_yaml(f"r{n}", "'" + c.replace("'", "''") + "'", on="funder.added")
        for n, c in enumerate(conditions)
    )
    path: Path = tmp_path_factory.mktemp("plain") / "rb.yaml"
    path.write_text(HEADER + rules)
    event = CollaborationEvent.model_validate(EVENT)
    record = subject_body(event)  # as the store remembers it
    said: dict[str, list[str]] = {c: [] for c in conditions}
    with Evaluator([load_rulebook(path)], verify=True) as evaluator:
        for finding in evaluator.evaluate(event):
            condition = conditions[int(finding.rule_id[1:])]
            said[condition] = [e.in_words(record) for e in finding.evidence]
    return said


@pytest.mark.parametrize("condition", list(SAID))
def test_each_kind_of_condition_reads_as_a_sentence(
    sentences: dict[str, list[str]], condition: str
) -> None:
    assert sentences[condition] == SAID[condition]
    for sentence in sentences[condition]:
        assert not CODE_LIKE.search(sentence), sentence


def test_without_the_record_an_amount_has_no_currency_but_still_reads() -> None:
    from kvrules.findings import Evidence

    amount = Evidence("funder.amount", "> 500000", 750000.0)
    assert amount.plain == "the funder gives 750,000, more than the 500,000 threshold"
    published = Evidence("output.published_on", ">= 20250101", 20260301)
    assert published.plain == "the publication was published on 2026-03-01, on or after 2025-01-01"
    share = Evidence("project.foreign_funding_share", "> 0.25", 0.4)
    assert share.plain == "the unit's funding from abroad is 40%, more than the 25% cap"


def test_a_free_form_attribute_an_administrator_allowed_is_named_as_one() -> None:
    from kvrules.findings import Evidence

    listed = Evidence("visit.visitor.attributes.sanctions_designation", '== "yes"', "yes")
    assert listed.plain == "the attribute 'sanctions_designation' of the visitor is 'yes'"
