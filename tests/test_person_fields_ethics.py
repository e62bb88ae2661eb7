"""What rules can learn about a person (ethics review, 2026-12): never a nationality, whether
through an affiliation's country, a free-text field or an attribute without a cited basis."""

from __future__ import annotations

from kvrules.cli import cli
from tests.conftest import HEADER, rule_yaml

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


LAW = "EU Council Regulation 267/2012 (Iran sanctions), Art. 23"
NATIONALITY = "visit.visitor.attributes.nationality"


def _nationality_rulebook(write_rulebook, legal_basis: str):
    """The reviewer's r7: a rule reading the visitor's nationality, with the law declared as
    a source of the rulebook (two lines after the header's own source)."""
    header = HEADER.replace("rules:\n", f'  - id: eu-267-2012\n    cite: "{LAW}"\nrules:\n')
    rule = rule_yaml(
        "nat",
        f'{NATIONALITY} == "CN"',
        on="visit.requested",
        extra=f"  legal_basis: {legal_basis}\n",
    )
    tests = (
        "tests:\n  - name: t\n    given: {kind: visit.requested, visit: {visitor: "
        "{role: guest, attributes: {nationality: CN}}}}\n    expect: [nat]\n"
    )
    return write_rulebook(rule + tests, header=header)


def _allowing(tmp_path, rulebook, allowed: list[str]):
    config = tmp_path / "kvrules.yaml"
    config.write_text(f"rulebooks: [{rulebook.name}]\nreadable_attributes: {allowed}\n")
    return config


def test_a_legal_basis_must_cite_a_source_of_the_rulebook(runner, write_rulebook, tmp_path):
    """`legal_basis: "none really"` was accepted, and with `readable_attributes:
    [visit.visitor.attributes.nationality]` the rule passed validate and test. The basis must
    be checkable: the id of a source the rulebook declares, whose cite: is the law."""
    path = _nationality_rulebook(write_rulebook, '"none really"')
    config = _allowing(tmp_path, path, [NATIONALITY])
    result = runner.invoke(cli, ["validate", "--config", str(config), str(path)])
    assert result.exit_code == 1
    assert f"{path}:18:18: legal basis 'none really' is not a source of this rulebook" in (
        result.stderr
    ), result.output
    assert runner.invoke(cli, ["test", "--config", str(config), str(path)]).exit_code == 1
    cited = _nationality_rulebook(write_rulebook, "eu-267-2012")
    assert runner.invoke(cli, ["validate", "--config", str(config), str(cited)]).exit_code == 0
    # without the administrator's allow-list, the cited basis alone reads nothing
    result = runner.invoke(cli, ["validate", str(cited)])
    assert result.exit_code == 1 and "reads a free-form attribute" in result.stderr


def test_config_check_lists_the_allow_list_and_its_basis(runner, write_rulebook, tmp_path):
    """The docs said `config check` validates the allow-list; it never mentioned it. It now
    lists each allowed path with the rules that read it and the law each cites, and warns
    about a path no rule reads."""
    path = _nationality_rulebook(write_rulebook, "eu-267-2012")
    config = _allowing(tmp_path, path, [NATIONALITY, "visit.visitor.attributes.unused"])
    output = runner.invoke(cli, ["config", "check", str(config)]).output
    assert (
        f"ok: readable_attributes: {NATIONALITY} allowed, read by t/nat under the legal basis "
        f"{LAW}" in output
    ), output
    assert (
        "warning: readable_attributes: visit.visitor.attributes.unused allowed, but no rule "
        "that loads reads it" in output
    ), output
    bare = tmp_path / "bare.yaml"
    bare.write_text(f"rulebooks: [{path.name}]\n")
    output = runner.invoke(cli, ["config", "check", str(bare)]).output
    assert "ok: readable_attributes: none: no rule reads a person's attribute" in output, output


def _purpose_rulebook(write_rulebook, legal_basis: str | None):
    """The ethics follow-up: `visit.purpose` is the host's free text about a visit, and may
    say who the visitor is; a rule matched a nationality in it."""
    header = HEADER.replace("rules:\n", f'  - id: eu-267-2012\n    cite: "{LAW}"\nrules:\n')
    rule = rule_yaml(
        "purpose-nationality",
        'visit.purpose matches ".*Iranian.*"',
        on="visit.requested",
        extra=f"  legal_basis: {legal_basis}\n" if legal_basis else "",
    )
    tests = (
        "tests:\n  - name: t\n    given: {kind: visit.requested, visit: {purpose: "
        "Hosting an Iranian PhD student}}\n    expect: [purpose-nationality]\n"
    )
    return write_rulebook(rule + tests, header=header, name=f"purpose-{bool(legal_basis)}.yaml")


def test_a_visits_purpose_is_read_only_behind_the_allow_list_and_a_legal_basis(
    runner, write_rulebook, tmp_path
) -> None:
    """`visit.purpose matches ".*Iranian.*"` passed validate and fired on "Hosting an Iranian
    PhD student": a nationality, read from free text. Refused at the field's file:line:col,
    pointing to what a visit is about (its research areas); read only as a person's
    attribute is: the administrator allows the path, the rule cites the law."""
    ungated = _purpose_rulebook(write_rulebook, None)
    [problem] = _problems(runner, ungated)
    assert problem.startswith(
        f"{ungated}:14:11: 'visit.purpose' is free text that may say who a person is"
    ), problem
    assert "visit.sensitive_areas" in problem and "readable_attributes" in problem
    assert runner.invoke(cli, ["test", str(ungated)]).exit_code == 1
    cited = _purpose_rulebook(write_rulebook, "eu-267-2012")
    result = runner.invoke(cli, ["validate", str(cited)])  # a basis alone reads nothing
    assert result.exit_code == 1 and "free text that may say who a person is" in result.stderr
    config = _allowing(tmp_path, ungated, ["visit.purpose"])  # allowed, but no basis
    result = runner.invoke(cli, ["validate", "--config", str(config), str(ungated)])
    assert result.exit_code == 1 and "only with legal_basis" in result.stderr, result.output
    config = _allowing(tmp_path, cited, ["visit.purpose"])
    assert runner.invoke(cli, ["validate", "--config", str(config), str(cited)]).exit_code == 0
    result = runner.invoke(cli, ["test", "--config", str(config), str(cited)])
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed", result.output
    output = runner.invoke(cli, ["config", "check", str(config)]).output
    assert (
        "ok: readable_attributes: visit.purpose allowed, read by t/purpose-nationality under "
        f"the legal basis {LAW}" in output
    ), output


def test_what_a_visit_is_about_is_read_through_its_research_areas(runner, write_rulebook):
    """The purpose still says what a visit is about, to the rules, through the sensitive
    research areas enrichment classifies it into."""
    tests = """tests:
  - name: a purpose in a sensitive area
    given: {kind: visit.requested, visit: {purpose: Joint work on quantum key distribution}}
    expect: [quantum-visit]
  - name: a purpose in none
    given: {kind: visit.requested, visit: {purpose: Hosting an Iranian PhD student}}
    expect: []
"""
    path = write_rulebook(
        rule_yaml(
            "quantum-visit",
            'visit.sensitive_areas contains "eu-critical-tech:quantum"',
            on="visit.requested",
        ),
        tests,
    )
    assert _problems(runner, path) == []
    result = runner.invoke(cli, ["test", str(path)])
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed", result.output
