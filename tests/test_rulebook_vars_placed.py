"""A mistake in the configuration's rulebook_vars is said once, at the configuration file's
own line:col (where it is fixed), with the id meant — not at a shipped rulebook's line, not
as "config:1:1", and with no follow-on line."""

from __future__ import annotations

from pathlib import Path

from kvrules.cli import cli
from kvrules.config import load_config
from kvrules.engine import load_rulebooks
from tests.conftest import HEADER, rule_yaml


def _problems(tmp_path: Path, config_text: str, rulebooks: list[Path] | None = None) -> list[str]:
    path = tmp_path / "kvrules.yaml"
    path.write_text(config_text)
    config = load_config(path)
    _books, problems = load_rulebooks(rulebooks or config.rulebooks, config.rulebook_vars)
    return [str(p).replace(str(tmp_path) + "/", "") for p in problems]


def test_a_misspelt_rulebook_id_is_said_at_its_line_with_the_id_meant(tmp_path):
    text = "rulebook_vars:\n  funding-dependancy:\n    foreign_share_cap: 0.3\n"
    assert _problems(tmp_path, text) == [
        "kvrules.yaml:2:3: rulebook_vars names rulebook 'funding-dependancy', which is not "
        "loaded (did you mean 'funding-dependency'?)"
    ]


def test_a_variable_the_rulebook_does_not_define_is_one_line_at_the_configuration(tmp_path):
    text = "rulebook_vars:\n  contracts:\n    designaton_lists: {add: [uni2_watch]}\n"
    assert _problems(tmp_path, text) == [
        "kvrules.yaml:3:5: contracts: the configuration sets vars.designaton_lists, which this "
        "rulebook does not define (did you mean 'designation_lists'?)"
    ]


def test_a_value_a_rule_cannot_take_is_said_at_the_configuration_with_where_it_is_used(
    tmp_path,
):
    header = HEADER.replace("sources:", "vars:\n  watch: [KP]\nsources:")
    own = tmp_path / "own.yaml"
    own.write_text(header + rule_yaml("r", "partner.country in vars.watch"))
    text = "rulebook_vars:\n  t:\n    watch: [KP, China]\n"
    assert _problems(tmp_path, text, [own]) == [
        "kvrules.yaml:3:5: t: vars.watch holds 'China', which is not an ISO 3166-1 "
        "country code (did you mean CN?); country fields hold two-letter codes in capitals, so "
        "the rule would never apply (where own.yaml:14:30 uses it)"
    ]


def test_a_list_id_added_that_nothing_has_is_one_warning_at_the_configuration(runner, tmp_path):
    (tmp_path / "kvrules.yaml").write_text(
        "home_country: NL\nrulebook_vars:\n  visits:\n    designation_lists: {add: [uni2_wacth]}\n"
    )
    result = runner.invoke(cli, ["config", "check", str(tmp_path / "kvrules.yaml")])
    said = [line for line in result.stderr.splitlines() if "uni2_wacth" in line]
    assert said == [
        f"{tmp_path / 'kvrules.yaml'}: warning: rulebooks: {tmp_path / 'kvrules.yaml'}:4:31: "
        "rulebook_vars.visits.designation_lists adds list 'uni2_wacth', which no list in the "
        "reference store has; correct the id, or import it"
    ]
