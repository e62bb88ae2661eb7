"""`kvrules config check` knows the reference store and the research-area taxonomies: a rule
that reads a list or an area that does not exist is named at its file:line:col."""

from __future__ import annotations

import shlex
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.conftest import rule_yaml
from tests.test_own_taxonomies import CROWN_JEWELS

ROOT = Path(__file__).resolve().parent.parent
TESTS = """\
tests:
  - name: quiet
    given: {kind: partner.added, partner: {name: X, country: NL}}
    expect: []
"""


def _rule(rule_id: str, condition: str) -> str:
    return rule_yaml(rule_id, f"'{condition}'", on="[partner.added, project.created]")


def test_config_check_names_a_list_or_area_no_one_defines(tmp_path: Path, write_rulebook) -> None:
    store = tmp_path / "refdata.db"
    own = "--list-id uni2_watch --edition 2026-11 --title 'University Two watch list'"
    example = str(ROOT / "examples" / "own-list.csv")
    imported = CliRunner().invoke(
        cli, ["refdata", "import", "csv", example, "--refdata", str(store), *shlex.split(own)]
    )
    assert imported.exit_code == 0, imported.output
    (tmp_path / "jewels.yaml").write_text(CROWN_JEWELS)
    rulebook = write_rulebook(
        _rule("watch-typo", 'partner.lists contains "uni2_wacth"'),  # when: on line 12
        _rule("area-typo", 'project.sensitive_areas contains "eu-dual-use:cat66"'),  # 19
        _rule(
            "jewel-typo", 'project.sensitive_areas contains any ["uni-crown-jewels:photonic-chipz"]'
        ),
        _rule(
            "all-known",  # the own list, an own area, a list `refdata update` downloads
            'partner.lists contains "uni2_watch" or partner.lists contains "uk_sanctions"'
            ' or project.sensitive_areas contains "uni-crown-jewels:photonic-chips"'
            ' or project.sensitive_areas contains "eu-dual-use:cat6"',
        ),
        TESTS,
    )
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "sources: {f: {adapter: file, settings: {path: .}}}\n"
        f"rulebooks: [{rulebook}]\n"
        f"reference_data: {store}\n"
        "area_taxonomies: [jewels.yaml]\n"
    )
    # Without a configuration nothing can know: validate says what is true of the file alone
    validated = CliRunner().invoke(cli, ["validate", str(rulebook)])
    assert validated.exit_code == 0 and validated.output.startswith("ok: "), validated.output

    result = CliRunner().invoke(cli, ["config", "check", "--refdata", str(store), str(config)])
    warnings = [
        line
        for line in result.stderr.splitlines()
        if ": warning: rulebooks: " in line and "no shipped rulebook is active" not in line
    ]
    said = [line.split(": warning: rulebooks: ", 1)[1] for line in warnings]
    assert said == [
        f"{rulebook}:12:12: rule 'watch-typo' reads list 'uni2_wacth', which no list in the "
        f"reference store has (did you mean 'uni2_watch'?); import it (kvrules refdata import) "
        "or correct the id",
        f"{rulebook}:19:12: rule 'area-typo' reads research area 'eu-dual-use:cat66', which no "
        "taxonomy defines (did you mean 'eu-dual-use:cat6'?); add it to a taxonomy under "
        "area_taxonomies or correct the id",
        f"{rulebook}:26:12: rule 'jewel-typo' reads research area "
        "'uni-crown-jewels:photonic-chipz', which no taxonomy defines (did you mean "
        "'uni-crown-jewels:photonic-chips'?); add it to a taxonomy under area_taxonomies or "
        "correct the id",
    ], result.output


def test_no_alert_channel_is_said_without_an_empty_list_of_targets(
    tmp_path: Path, write_rulebook
) -> None:
    """Rules that alert nobody: the warning names no empty '( alerts go nowhere)'."""
    rulebook = write_rulebook(_rule("quiet", 'partner.country == "CN"'), TESTS)
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"sources: {{f: {{adapter: file, settings: {{path: .}}}}}}\nrulebooks: [{rulebook}]\n"
    )
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    [line] = [line for line in result.stderr.splitlines() if "warning: alerts:" in line]
    assert line.endswith(
        "no alert channel: findings are stored and shown (kvrules findings, the web app) "
        "but nobody is alerted"
    ), line


def test_config_check_warns_while_the_registry_is_only_the_shipped_sample(
    tmp_path: Path, write_rulebook
) -> None:
    """Code review (2026-12-07): with only the shipped registry sample (55 organisations) most
    visitors', participants' and co-authors' institutions are unidentified, so set apart and
    not screened on a country, and nothing said so before a scan. A registry edition of one's
    own import ends the warning."""
    store = tmp_path / "refdata.db"
    started = CliRunner().invoke(cli, ["refdata", "lists", "--refdata", str(store)])
    assert started.exit_code == 0, started.output  # the store, seeded with the shipped lists
    rulebook = write_rulebook(_rule("quiet", 'partner.country == "CN"'), TESTS)
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "sources: {f: {adapter: file, settings: {path: .}}}\n"
        f"rulebooks: [{rulebook}]\nreference_data: {store}\n"
    )
    sample = "the organisation registry is only the shipped sample (ror@sample-v2.9)"
    result = CliRunner().invoke(cli, ["config", "check", "--refdata", str(store), str(config)])
    [line] = [line for line in result.stderr.splitlines() if sample in line]
    assert ": warning: reference_data: " in line and "`kvrules refdata update ror`" in line
    dump = ROOT / "tests" / "refdata" / "fixtures" / "ror_v2.json"
    imported = CliRunner().invoke(
        cli,
        [
            "refdata",
            "import",
            "ror",
            str(dump),
            "--refdata",
            str(store),
            "--edition",
            "v2.9",
            "--published",
            "2026-12-01",
        ],
    )
    assert imported.exit_code == 0, imported.output
    result = CliRunner().invoke(cli, ["config", "check", "--refdata", str(store), str(config)])
    assert "shipped sample" not in result.output, result.output
