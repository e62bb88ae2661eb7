"""Plain events: the model's validation without model instances, evaluated like models.

``validate_plain_event`` must accept, refuse and normalise exactly what
``CollaborationEvent.model_validate`` does (returning what the data holds: the model's dump
without the fields left out), and the evaluator must find, order and explain the
same findings for a plain event as for the model of the same data.
"""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kvrules import CollaborationEvent, Evaluator
from kvrules.engine import load_rulebooks
from kvrules.model import validate_plain_event
from kvrules.rulebook.cases import event_from_given
from kvrules.rulebook.loader import load_text
from tests.conftest import HEADER
from tests.test_differential import condition, events, rulebook

# Every kind of subject, and fields that need a validator, a default, a getter of their own
# (ror, classifications) or that name a list element in evidence (a person by affiliation).
FULL: dict[str, Any] = {
    "id": "e1",
    "kind": "project.created",
    "occurred_at": "2026-03-01T10:00:00",
    "source": {"system": "pure", "record_id": "P1"},
    "project": {
        "id": "P1",
        "title": "  Hypersonic Flöw  ",
        "start": "2025-01-01",
        "units": ["Aerospace"],
        "keywords": ["hypersonics", "Wind tunnel"],
        "classifications": [{"scheme": "eu-dual-use", "code": "9A012", "label": "UAV"}],
        "partners": [
            {
                "name": "Beihang University",
                "country": "china",
                "identifiers": [{"scheme": "ROR", "value": "https://ror.org/00wk2mp56"}],
                "lists": ["us-dod-1286"],
                "types": ["University"],
                "role": "Coordinator",
            },
            {"name": "TU Delft", "country": "NLD", "aliases": ["Delft"]},
        ],
        "funders": [{"name": "NSFC", "country": "CN", "amount": "2000000.50", "currency": "eur "}],
        "participants": [
            {"role": "PI", "affiliations": [{"name": "Harbin Institute of Technology"}]},
            {"role": "visitor", "attributes": {"orcid": "0000"}},
        ],
        "contract": {"signed_on": "2024-02-29", "clauses": ["ip"]},
        "sensitive_areas": ["hypersonics"],
        "area_words": {"hypersonics": ["hypersonic"]},
        "foreign_funding_share": 0.4,
    },
    "partner": None,
}

OTHER_SUBJECTS: list[dict[str, Any]] = [
    {
        "id": "v1",
        "kind": "visit.requested",
        "occurred_at": "2026-03-01T10:00:00+01:00",
        "source": {"system": "converis", "record_id": "V1"},
        "visit": {
            "id": "V1",
            "visitor": {"role": "Visiting researcher", "affiliations": [{"name": "NUDT"}]},
            "keywords": ["drones"],
        },
    },
    {
        "id": "o1",
        "kind": "output.published",
        "occurred_at": "2026-03-01",
        "source": {"system": "pure", "record_id": "O1"},
        "output": {"id": "O1", "title": "t", "affiliations": [{"name": "A", "country": "RU"}]},
    },
    {
        "id": "a1",
        "kind": "application.submitted",
        "occurred_at": "2026-03-01T10:00:00Z",
        "source": {"system": "pure", "record_id": "A1"},
        "application": {"id": "A1", "status": "submitted", "awards": ["W1"]},
        "project": {"id": "A1", "title": "t"},
    },
]


def errors(error: ValidationError) -> list[tuple[Any, ...]]:
    """Each error's type, place and message; where an object is not one, a model says "a
    valid dictionary or instance of Source", a plain event "a valid dictionary"."""
    return [
        ("dict_type", e["loc"], "Input should be a valid dictionary")
        if e["type"] == "model_type"
        else (e["type"], e["loc"], e["msg"])
        for e in error.errors()
    ]


def same_validation(data: Any) -> None:
    """Both validations accept ``data`` with the same result, or refuse it alike."""
    try:
        expected = CollaborationEvent.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as refused:
        with pytest.raises(ValidationError) as plain_refused:
            validate_plain_event(data)
        assert errors(plain_refused.value) == errors(refused)
        assert plain_refused.value.title == refused.title
    else:
        assert validate_plain_event(data) == expected


@pytest.mark.parametrize("data", [FULL, *OTHER_SUBJECTS], ids=lambda d: d["kind"])
def test_a_plain_event_is_the_models_dump_with_every_normalisation(data) -> None:
    plain = validate_plain_event(copy.deepcopy(data))
    assert plain == CollaborationEvent.model_validate(data).model_dump(exclude_unset=True)
    if data is FULL:  # the validators ran: stripped, NFC, countries and currencies as codes
        project = plain["project"]
        assert project["title"] == unicodedata.normalize("NFC", "Hypersonic Flöw")
        assert [p["country"] for p in project["partners"]] == ["CN", "NL"]
        assert project["funders"][0]["currency"] == "EUR"
        assert project["partners"][0]["identifiers"][0]["scheme"] == "ror"
        assert "lists" not in project["partners"][1]  # left out, not filled in


# Values that break one field or another: wrong types, bad codes, extra keys, blanks.
JUNK = [None, "", "  ", 5, 1.5, True, "zz", "XK", "not a date", "1e400", [], {}, {"x": 1}, ["a"]]
PATHS = [
    ("id",),
    ("kind",),
    ("occurred_at",),
    ("source",),
    ("source", "system"),
    ("extra",),
    ("partner",),
    ("project", "title"),
    ("project", "start"),
    ("project", "keywords"),
    ("project", "classifications"),
    ("project", "partners", 0, "country"),
    ("project", "partners", 0, "identifiers"),
    ("project", "partners", 1, "nickname"),
    ("project", "funders", 0, "amount"),
    ("project", "funders", 0, "currency"),
    ("project", "participants", 0, "affiliations", 0),
    ("project", "participants", 1, "attributes"),
    ("project", "contract", "signed_on"),
    ("project", "area_words"),
    ("project", "foreign_funding_share"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(JUNK)), max_size=3))
def test_plain_validation_accepts_and_refuses_exactly_what_the_model_does(changes) -> None:
    data = copy.deepcopy(FULL)
    for path, value in changes:
        target = data
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change replaced a parent of this path
    same_validation(data)


def test_plain_validation_runs_the_models_own_subject_check() -> None:
    data = {**copy.deepcopy(FULL), "kind": "partner.added"}  # no partner
    with pytest.raises(ValidationError, match=r"a partner\.added event needs partner"):
        validate_plain_event(data)
    same_validation(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(condition(), min_size=1, max_size=6), st.lists(events, min_size=1, max_size=6))
def test_a_plain_event_gets_the_same_findings_as_its_model(conditions, event_dicts) -> None:
    book = load_text(rulebook(conditions), "generated.yaml")
    with Evaluator([book], verify=True) as evaluator:
        for data in event_dicts:
            model = CollaborationEvent.model_validate(data)
            plain = validate_plain_event(data)
            assert evaluator.project(plain) == evaluator.project(model)
            assert evaluator.evaluate(plain) == evaluator.evaluate(model)


def test_the_shipped_rulebooks_find_the_same_for_plain_events_and_models() -> None:
    books, problems = load_rulebooks([])
    assert not problems
    cases = [event_from_given(case.given, case.name) for book in books for case in book.tests]
    cases += [CollaborationEvent.model_validate(data) for data in [FULL, *OTHER_SUBJECTS]]
    found = 0
    with Evaluator(books, verify=True) as evaluator:
        for model in cases:
            plain = validate_plain_event(model.model_dump(exclude_unset=True))
            findings = evaluator.evaluate(model)
            assert evaluator.evaluate(plain) == findings
            found += len(findings)
    assert found > 50  # the comparison covered real findings, subjects named included


def test_list_elements_are_named_alike_whatever_a_plain_event_leaves_out() -> None:
    """Evidence through a list element names it from the event; a model reads a field left out
    as its default (empty list, or None) and a key of a free-form map as no attribute: a plain
    event, which holds neither, must name the same elements."""
    rules = {
        "absent-list": 'any p in project.partners: not p.lists contains "x"',
        "absent-text": 'any p in project.partners: not p.country == "CN"',
        "ror": 'any p in project.partners: p.ror == "00wk2mp56"',
        "attribute": 'any x in project.participants: x.attributes.orcid == "0000"',
        "person": 'any x in project.participants: x.role == "pi"',
        "nested": "any x in project.participants: any a in x.affiliations: a.lists missing",
    }
    text = HEADER + "".join(
        f"  - id: {rule_id}\n    title: t\n    on: [project.created]\n    when: '{when}'\n"
        "    severity: low\n    rationale: r\n    cite: s1\n    legal_basis: s1\n"
        for rule_id, when in rules.items()
    )
    book = load_text(
        text, "subjects.yaml", readable_attributes=["project.participants.attributes.orcid"]
    )
    with Evaluator([book], verify=True) as evaluator:
        findings = evaluator.evaluate(validate_plain_event(FULL))
        assert findings == evaluator.evaluate(CollaborationEvent.model_validate(FULL))
    assert sorted(f.rule_id for f in findings) == sorted(rules)
