"""The OpenAPI document describes the answers ``POST /api/v1/screen`` gives: real answers to
several proposals are validated against its ``Screening`` schema (jsonschema, from the test
extras), which allows no key it does not declare, and each key it declares is in some
answer. Reviewer, 2026-12-07: the document listed ``notes`` as always there and left out
``read_as_person``, ``countries_taken``, ``unidentified``, ``countries_checked``, ``found``,
``set_aside``, ``screened_with``, ``one_organisation`` and ``not_compared``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from kvrules.cli import cli
from kvrules.prescreen import Screener
from tests.web.web_helpers import app_for

PROPOSALS = [
    {"topic": "hypersonic propulsion", "partners": [{"name": "Beihang University",
     "country": "CN"}]},
    {"partners": [{"name": "Harbin Institute of Technology"}, {"name": "Harbin Inst. of Tech."},
                  {"name": "Dr. Wei Zhang"}, {"name": "Ali Rezaei", "country": "IR"}],
     "funders": [{"name": "Wellcome Trust", "country": "GB", "amount": 3000000,
                  "currency": "GBP"}]},
    {"visit": {"home_institution": {"name": "Delft University of Technology", "country": "NL"}},
     "topic": "medieval manuscripts"},
    {"topic": "drone navigation"},
]  # fmt: skip


def _answers(db: Path, screener: Screener) -> tuple[dict, list[dict]]:
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    api = app_for(db, screener=screener)
    bearer = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    answers = []
    for body in PROPOSALS:
        answered = api.post("/api/v1/screen", json=body, headers=bearer)
        assert answered.status_code == 200, (body, answered.text)
        answers.append(answered.json())
    return api.get("/api/v1/openapi.json").json(), answers


def test_every_answer_is_what_the_document_says(db: Path, screener: Screener) -> None:
    doc, answers = _answers(db, screener)
    schema = {"$ref": "#/components/schemas/Screening", "components": doc["components"]}
    validator = Draft202012Validator(schema)
    for answer in answers:
        problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(answer)]
        assert not problems, problems
    declared = doc["components"]["schemas"]["Screening"]["properties"]
    # a key declared that no answer carries is a promise the API does not keep ("notes" comes
    # only with a note: it is not required)
    returned = set().union(*answers)
    required = set(doc["components"]["schemas"]["Screening"]["required"])
    assert required <= returned and set(declared) - required <= returned | {"notes"}
    said = set().union(*(a["in_words"] for a in answers))
    assert said == set(declared["in_words"]["properties"]), said
    # and what the answers say is said: a partner read as a person, one organisation, a GBP
    # award not compared
    assert any(a["one_organisation"] for a in answers) and any(a["not_compared"] for a in answers)
    assert any(a["unidentified"] for a in answers)
