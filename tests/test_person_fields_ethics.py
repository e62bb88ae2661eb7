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
