"""A rule may not pick people out by nationality through a project's free text (GDPR/ethics
review of 0.3.0, 2026-12-07, item 10): the reviewer's rulebook (/tmp/rev-revpriv/rb/own.yaml)
matched `project.title` against ".*([Ii]ranian|[Cc]hinese).*" and `project.keywords` against
"chinese students"; both validated and fired with no legal_basis, while `visit.purpose` was
refused. Technology keywords still work."""

from __future__ import annotations

import pytest

from kvrules.cli import cli
from kvrules.rulebook.nationality_words import nationality_words_in
from tests.conftest import HEADER, rule_yaml

LAW = "EU Council Regulation 267/2012 (Iran sanctions), Art. 23"


@pytest.mark.parametrize(
    "when",
    [
        'project.title matches ".*([Ii]ranian|[Cc]hinese).*"',
        'project.keywords contains "chinese students"',
        'project.keywords contains any ["hypersonics", "Uyghur"]',
        'output.title == "Iranians in aerospace"',
        'project.title in ["(?i)x", "Chinese PhD students"]',
    ],
)
def test_free_text_compared_with_a_nationality_is_refused_without_a_legal_basis(
    runner, write_rulebook, when: str
) -> None:
    on = "output.published" if when.startswith("output") else "project.created"
    path = write_rulebook(rule_yaml("probe", f"'{when}'", on=on))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "a nationality or an ethnic group" in result.output
    assert "Traceback" not in result.output


def test_with_a_legal_basis_it_validates_and_fires(runner, write_rulebook) -> None:
    header = HEADER.replace("rules:\n", f'  - id: eu-267-2012\n    cite: "{LAW}"\nrules:\n')
    rule = rule_yaml(
        "probe",
        "'project.title matches \".*[Ii]ranian.*\"'",
        on="project.created",
        extra="  legal_basis: eu-267-2012\n",
    )
    tests = (
        "tests:\n  - name: t\n    given: {kind: project.created, project: {id: x, title: "
        "'Hosting Iranian PhD students'}}\n    expect: [probe]\n"
    )
    path = write_rulebook(rule + tests, header=header)
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["test", str(path)])
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed", result.output


def test_technology_keywords_and_organisation_names_still_work(runner, write_rulebook) -> None:
    rules = rule_yaml(
        "tech",
        '\'project.keywords contains any ["hypersonics", "quantum sensing"] or '
        'project.title matches ".*[Ss]cramjet.*"\'',
        on="project.created",
    ) + rule_yaml(
        "org",
        "'any p in project.partners: p.name matches \".*Chinese Academy.*\"'",
        on="project.created",
    )
    tests = (
        "tests:\n  - name: t\n    given: {kind: project.created, project: {id: x, title: "
        "'Scramjet inlets', keywords: [hypersonics], partners: [{name: 'Chinese Academy of "
        "Sciences', country: CN}]}}\n    expect: [tech, org]\n"
    )
    path = write_rulebook(rules + tests)
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["test", str(path)])
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed", result.output


def test_a_pattern_names_the_word_however_it_spells_it() -> None:
    assert nationality_words_in(".*([Ii]ranian|[Cc]hinese).*") == ["iranian", "chinese"]
    assert nationality_words_in("(?i).*IRANIANS.*") == ["iranian"]
    assert nationality_words_in("hypersonic.*|quantum sensing") == []


@pytest.mark.parametrize(
    ("literal", "found"),
    [
        # review of the privacy change, item 9: these passed the guard
        ("Iranian-born researchers", ["iranian"]),
        (".*Chin.se.*", ["chinese"]),
        ("Saudi Aramco and Chinese students", ["chinese"]),
        ("Chinese hamster ovary|Iranian nationals", ["iranian"]),
        # and these, names of organisations, places and technical terms, were refused
        ("Turkish Aerospace Industries", []),
        ("Saudi  Aramco", []),
        (".*Indian Ocean.*", []),
        ("Chinese hamster ovary cells", []),
        # compound demonyms stay whole
        ("cape-verdean", ["cape-verdean"]),
    ],
)
def test_hyphens_and_wildcards_are_read_and_allowed_phrases_are_not_people(
    literal: str, found: list[str]
) -> None:
    assert nationality_words_in(literal) == found


def test_an_allowed_phrase_validates_in_a_title_rule(runner, write_rulebook) -> None:
    path = write_rulebook(
        rule_yaml(
            "cho", "'project.title matches \".*Chinese hamster ovary.*\"'", on="project.created"
        )
    )
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0


@pytest.mark.parametrize(
    ("literal", "found"),
    [
        # review of the 0.3.0 → 0.4.0 upgrade: a site rulebook valid under 0.3.0 named a state
        # programme, and 0.4.0 refused it (and so every scan)
        ("iranian nuclear programme", []),
        ("(?i).*Iranian\\s+nuclear program(me)?.*", []),
        ("Russian defence ministry", []),
        ("Chinese army|North Korean regime", []),
        ("Iranian Revolutionary Guard", []),
        ("the Chinese government", []),
        # a bare word, or one followed by people, is still a nationality
        ("Iranian", ["iranian"]),
        ("Iranian researchers", ["iranian"]),
        ("Iranian nationals programme", ["iranian"]),
        ("Iranian student exchange programme", ["iranian"]),
        ("Chinese students and the Chinese government", ["chinese"]),
        ("Iranian-born state", ["iranian"]),
    ],
)
def test_a_nationality_word_naming_a_state_body_is_the_state_not_people(
    literal: str, found: list[str]
) -> None:
    assert nationality_words_in(literal) == found


def test_the_reviewers_site_rule_validates(runner, write_rulebook) -> None:
    path = write_rulebook(
        rule_yaml(
            "programme",
            "'project.keywords contains \"iranian nuclear programme\"'",
            on="project.created",
        )
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output


# Code review 2 of 0.4.0 (/tmp/rev-revcode2/nat_rule.py): "programme", "military" and "state"
# ended the state-body match whatever came before or after, so these people-selecting phrases
# validated with no legal_basis.
PEOPLE_PROGRAMMES = [
    "Chinese doctoral programme",
    "Chinese military students",
    "Iranian scholarship program",
    "Chinese graduate programme",
    "Russian speakers programme",
    "Chinese state scholarship council",
    "Chinese army officers",
    "Iranian government scholarship program",
]
STATE_BODIES = [
    "Iranian nuclear programme",
    "North Korean missile program",
    "Russian defence ministry",
    "Russian armed forces",
    "Iranian Revolutionary Guard",
    "Chinese government",
    "Chinese navy",
    "Chinese army",
    "Chinese air force",
    "Chinese military",
    "Chinese military and hypersonics",
]


@pytest.mark.parametrize("phrase", PEOPLE_PROGRAMMES)
def test_a_programme_for_people_of_a_nationality_is_refused(
    runner, write_rulebook, phrase: str
) -> None:
    assert nationality_words_in(phrase) != []
    path = write_rulebook(
        rule_yaml("probe", f"'project.title matches \".*{phrase}.*\"'", on="project.created")
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "a nationality or an ethnic group" in result.output


@pytest.mark.parametrize("phrase", STATE_BODIES)
def test_a_listed_state_body_after_the_word_validates(runner, write_rulebook, phrase: str) -> None:
    assert nationality_words_in(phrase) == []
    path = write_rulebook(
        rule_yaml("probe", f"'project.title matches \".*{phrase}.*\"'", on="project.created")
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
