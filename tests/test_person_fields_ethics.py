"""What rules can learn about a person (ethics review, 2026-12): never a nationality, whether
through an affiliation's country, a free-text field or an attribute without a cited basis."""

from __future__ import annotations

from kvrules.cli import cli
from tests.conftest import rule_yaml

AFFILIATION_RULES = (
    rule_yaml(
        "participant-affil-country",
        '\'any p in project.participants: any a in p.affiliations: a.country in ["CN", "IR"]\'',
        on="project.created",
    )
    + rule_yaml(
        "coauthor-country",
        '\'any a in output.affiliations: a.country in ["CN", "IR"]\'',
        on="output.published",
    )
    + rule_yaml(
        "applicant-country",
        '\'any a in project.partners: a.country in ["CN", "IR"]\'',
        on="project.created",
    )
)


def _participant(name: str, country: str) -> str:
    return (
        "{kind: project.created, project: {participants: "
        f"[{{role: PI, affiliations: [{{name: '{name}', country: {country}}}]}}]}}}}"
    )


def _coauthor(name: str, country: str) -> str:
    return (
        "{kind: output.published, output: {title: t, affiliations: "
        f"[{{name: '{name}', country: {country}}}]}}}}"
    )


def test_a_persons_affiliation_fires_a_country_rule_only_once_identified(
    runner, write_rulebook
) -> None:
    """The reviewer's rulebooks r3/r4: `a.country in ["CN", "IR"]` over participants'
    affiliations fired for "-" and "home address" (IR), over co-authors' for "Wei Zhang" (CN).
    An affiliation nothing identifies is not screened on its country; an identified one is."""
    cases = [
        ("dash", _participant("-", "IR"), []),
        ("home address", _participant("home address", "IR"), []),
        ("unknown place", _participant("Example Provincial Institute", "IR"), []),
        ("name as affiliation", _participant("Ali Rezaei", "IR"), []),
        ("co-author name", _coauthor("Wei Zhang", "CN"), []),
        ("co-author unknown", _coauthor("Example Provincial Institute", "CN"), []),
        (
            "applicant's unknown institution",
            "{kind: project.created, project: {partners: "
            "[{name: Example Provincial Institute, country: IR, role: applicant}]}}",
            [],
        ),
        # identified: the country is the organisation's and is screened
        ("identified", _participant("Harbin Institute of Technology", "CN"),
         ["participant-affil-country"]),
        ("identified co-author", _coauthor("Harbin Institute of Technology", "CN"),
         ["coauthor-country"]),
        (
            "partner named as an organisation",
            "{kind: project.created, project: {partners: "
            "[{name: Example Provincial Institute, country: IR, role: partner}]}}",
            ["applicant-country"],
        ),
    ]  # fmt: skip
    tests = "tests:\n" + "".join(
        f"  - name: {name}\n    given: {given}\n    expect: {expect}\n"
        for name, given, expect in cases
    )
    path = write_rulebook(AFFILIATION_RULES, tests)
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["test", str(path)])
    assert result.stdout.splitlines()[-1] == f"{len(cases)} passed, 0 failed", result.output


def _problems(runner, path) -> list[str]:
    result = runner.invoke(cli, ["validate", str(path)])
    return [line for line in result.stderr.splitlines() if line]


def test_a_persons_role_is_never_matched_against_a_pattern(runner, write_rulebook) -> None:
    """The reviewer's rulebook r5: `visit.visitor.role matches ".*iranian.*"` passed validate
    and fired on "Iranian PhD student". A role is free text in the RIS: no pattern may read it."""
    path = write_rulebook(
        rule_yaml("role-text", 'visit.visitor.role matches ".*iranian.*"', on="visit.requested")
    )
    [problem] = _problems(runner, path)
    assert problem.startswith(f"{path}:12:11: 'visit.visitor.role' is a person's free text")
    assert "could hold a nationality" in problem and "known roles" in problem


def test_a_persons_role_is_compared_only_with_known_roles(runner, write_rulebook) -> None:
    """`visit.visitor.role == "iranian phd student"` passed too: a literal outside the known
    roles is refused at its own position, so free text outside them is all alike to a rule."""
    path = write_rulebook(
        rule_yaml("eq", 'visit.visitor.role == "iranian phd student"', on="visit.requested"),
        rule_yaml(
            "in",
            """'any p in project.participants: p.role in ["pi", "Chinese national"]'""",
            on="project.created",
        ),
    )
    eq, in_list = _problems(runner, path)
    assert eq.startswith(f"{path}:12:33: 'iranian phd student' is not a known role: a person's")
    assert "could hold a nationality" in eq
    assert in_list.startswith(f"{path}:19:60: 'Chinese national' is not a known role")


def test_a_known_role_reads_as_before(runner, write_rulebook) -> None:
    """A closed vocabulary keeps what a rule legitimately asks (a PhD candidate visiting a
    sensitive unit): "PhD candidate" fires, "Iranian PhD student" is just another text."""
    tests = """tests:
  - name: a known role
    given: {kind: visit.requested, visit: {visitor: {role: PhD candidate}}}
    expect: [phd]
  - name: free text around it
    given: {kind: visit.requested, visit: {visitor: {role: Iranian PhD candidate}}}
    expect: []
"""
    path = write_rulebook(
        rule_yaml(
            "phd", 'visit.visitor.role in ["PhD candidate", "postdoc"]', on="visit.requested"
        ),
        tests,
    )
    assert _problems(runner, path) == []
    result = runner.invoke(cli, ["test", str(path)])
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed", result.output
