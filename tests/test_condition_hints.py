"""A condition's mistake said with what was most likely meant: `=` for `==`, typographic
quotes, `today - 2 years`, AND in capitals, a variable of another rulebook file, an alert
target misspelt."""

from __future__ import annotations

import pytest

from kvrules.cli import cli
from kvrules.engine import load_rulebooks
from kvrules.rulebook.loader import RulebookError, load_text
from tests.conftest import HEADER, rule_yaml


def _problem(when: str) -> str:
    with pytest.raises(RulebookError) as e:
        load_text(HEADER + rule_yaml("r", when), "own.yaml")
    [problem] = e.value.diagnostics
    return str(problem)


@pytest.mark.parametrize(
    ("when", "said"),
    [
        (
            'partner.country = "CN"',
            "own.yaml:12:27: unexpected character '=': to compare, write == (two equals signs)",
        ),
        (
            "partner.country == \u201cCN\u201d",
            "own.yaml:12:30: unexpected character '\u201c': a typographic quote (as a word "
            'processor writes it): use straight quotes "…"',
        ),
        (
            "partner.founded > today - 2 years",
            "own.yaml:12:35: unexpected character '-': a date before today is written "
            "today - 2y (d days, w weeks, m months, y years)",
        ),
        (
            'partner.country == "CN" && partner.country == "RU"',
            "own.yaml:12:35: unexpected character '&': write and",
        ),
        (
            'partner.country == "CN" AND partner.country == "RU"',
            "own.yaml:12:35: unexpected 'AND'; expected ')', ',', ']', 'and' or 'or': write it "
            "in lower case, 'and'",
        ),
    ],
)
def test_a_mistake_is_said_with_what_was_meant(when, said):
    assert _problem(when) == said


def test_an_unknown_variable_says_variables_belong_to_one_file_and_where_it_is(tmp_path):
    shared = HEADER.replace("rulebook: t", "rulebook: shared").replace(
        "sources:", "vars:\n  review_countries: [CN, RU]\nsources:"
    ) + rule_yaml("cn", 'partner.country == "CN"')
    (tmp_path / "a.yaml").write_text(shared)
    (tmp_path / "b.yaml").write_text(
        HEADER + rule_yaml("r", "partner.country in vars.review_countries")
    )
    _books, problems = load_rulebooks([tmp_path])
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'b.yaml'}:12:30: unknown variable 'vars.review_countries': a variable "
        "belongs to the rulebook file that defines it; define it under vars: in this file "
        f"(vars.review_countries is defined in {tmp_path / 'a.yaml'})"
    ]


def test_a_misspelt_alert_target_is_said_with_the_routed_one(runner, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rule = rule_yaml("r", 'partner.country == "CN"', extra="  alert: comittee\n")
    (site / "own.yaml").write_text(HEADER + rule)
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "rulebooks: [site/]\n"
        "alerts:\n"
        "  channels: {m: {plugin: email, settings: {host: 127.0.0.1, security: none, "
        "sender: k@localhost, to: [c@localhost]}}}\n"
        "  routes: {committee: [m]}\n"
    )
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1
    assert "no route sends 'comittee' anywhere (did you mean 'committee'?)" in result.stderr
