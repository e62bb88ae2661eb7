"""A person's role is mapped on intake onto the closed vocabulary rules compare with
(``kvrules.roles``): a project lead's role used to be stored verbatim, free text from the RIS
("Iranian PhD student, project lead"), and read back into ``role`` by a re-screen. The text as
given is kept apart (``role_given``) for people reading the case, and no rule can read it."""

from __future__ import annotations

from kvrules.model import CollaborationEvent, validate_plain_event
from kvrules.records import describe
from kvrules.roles import UNKNOWN_ROLE
from kvrules.store.subjects import subject_body
from tests.conftest import rule_yaml

# Pure's participant role term (a known role) and Converis' free text for a lead (not one);
# the third holds a nationality, as a role typed into a RIS can.
GIVEN = ("Principal Investigator", "Project lead", "Iranian PhD student, project lead")


def _project(role: str) -> dict:
    return {
        "id": "p-1:v1",
        "kind": "project.created",
        "occurred_at": "2026-03-01T09:00:00Z",
        "source": {"system": "file", "record_id": "p-1"},
        "project": {
            "id": "p-1",
            "title": "Drone navigation",
            "participants": [{"display_name": "Wei Zhang", "role": role}, {"role": role}],
        },
    }


def test_a_role_is_mapped_onto_the_vocabulary_on_intake_on_both_paths() -> None:
    for given, expected in zip(
        GIVEN, ("principal investigator", UNKNOWN_ROLE, UNKNOWN_ROLE), strict=True
    ):
        model = CollaborationEvent.model_validate(_project(given)).project.participants[0]
        assert (model.role, model.role_given) == (expected, given)
        plain = validate_plain_event(_project(given))["project"]["participants"][0]
        assert (plain["role"], plain["role_given"]) == (expected, given)


def test_the_lead_is_stored_with_the_mapped_role_and_shown_with_the_given_one() -> None:
    for given in GIVEN:
        body = subject_body(CollaborationEvent.model_validate(_project(given)))
        lead, other = body["project"]["participants"]
        assert lead["role"] in ("principal investigator", UNKNOWN_ROLE), lead
        assert lead["role_given"] == given and lead["display_name"] == "Wei Zhang"
        assert other == {"affiliations": []}  # no one else keeps a role or a name
        assert describe(body, "file", "p-1").lead == f"Wei Zhang ({given})"
        # what a re-screen reads back: the mapped role, the given text apart
        again = CollaborationEvent.model_validate(
            {**body, "id": "rescreen:file:p-1", "source": {"system": "file", "record_id": "p-1"}}
        ).project.participants[0]
        assert again.role == lead["role"] and again.role_given == given


def test_no_rule_reads_the_role_as_given(runner, write_rulebook) -> None:
    from kvrules.cli import cli

    path = write_rulebook(
        rule_yaml(
            "given-role",
            """'any p in project.participants: p.role_given == "x"'""",
            on="project.created",
        )
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:12:" in result.stderr and "role_given" in result.stderr, result.stderr
