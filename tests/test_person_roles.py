"""A person's role is mapped on intake onto the closed vocabulary rules compare with
(``kvrules.roles``): a project lead's role used to be stored verbatim, free text from the RIS
("Iranian PhD student, project lead"), and read back into ``role`` by a re-screen. The text as
given is kept apart (``role_given``), and no rule can read it; only a known role is stored and
shown (review of 0.3.0, item 6)."""

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


def test_the_lead_is_stored_and_shown_with_a_known_role_only() -> None:
    """GDPR/ethics review of 0.3.0 (2026-12-07), item 6: the lead's free-text role was stored
    and shown ("Hossein Karimi (PI, Iranian national)", "Li Na (Chinese PhD student)"). Only a
    known role is kept, as given; other text is neither stored nor shown, as a visitor's."""
    for given in (*GIVEN, "PI, Iranian national", "Chinese PhD student"):
        body = subject_body(CollaborationEvent.model_validate(_project(given)))
        lead, other = body["project"]["participants"]
        assert lead["role"] in ("principal investigator", UNKNOWN_ROLE), lead
        assert lead["display_name"] == "Wei Zhang"
        assert other == {"affiliations": []}  # no one else keeps a role or a name
        known = given == "Principal Investigator"
        assert lead.get("role_given") == (given if known else None)
        shown = describe(body, "file", "p-1").lead
        assert shown == ("Wei Zhang (Principal Investigator)" if known else "Wei Zhang")
        # what a re-screen reads back: the mapped role
        again = CollaborationEvent.model_validate(
            {**body, "id": "rescreen:file:p-1", "source": {"system": "file", "record_id": "p-1"}}
        ).project.participants[0]
        assert again.role == lead["role"]


def test_a_free_text_role_stored_before_is_not_shown() -> None:
    body = {"project": {"title": "t", "participants": [
        {"display_name": "Li Na", "role": UNKNOWN_ROLE, "role_given": "Chinese PhD student"},
    ]}}  # fmt: skip
    assert describe(body, "file", "p-1").lead == "Li Na"


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
